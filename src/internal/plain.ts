/**
 * Promise users get plain objects (JSON-like, safe to pass to React Server Components or
 * `structuredClone`), not `Schema.Class` instances. And every JSON body is parsed here, so that
 * no response can give an object a prototype of its choosing or nest deeper than we copy.
 *
 * @internal
 */

/** How deep a response may nest (arrays and objects); deeper is a malformed response. */
export const MAX_JSON_DEPTH = 256

/** The `SyntaxError` message for JSON nested deeper than {@link MAX_JSON_DEPTH}. */
export const TOO_DEEP = `nested over ${MAX_JSON_DEPTH} levels deep`

/** The deepest nesting of arrays and objects in JSON text (one linear scan, strings skipped). */
const depthOf = (text: string): number => {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth
    } else if (c === 93 || c === 125) depth--
  }
  return max
}

const dropProto = (key: string, value: unknown): unknown => (key === "__proto__" ? undefined : value)

/**
 * `JSON.parse`, except that a `__proto__` key (however it is escaped) is dropped rather than kept,
 * so no later copy can turn it into a prototype, and that nesting deeper than
 * {@link MAX_JSON_DEPTH} is a `SyntaxError` ({@link TOO_DEEP}), like text that is not JSON.
 */
export const parseJson = (text: string): unknown => {
  // A text shorter than twice the limit cannot nest deeper than it.
  if (text.length > 2 * MAX_JSON_DEPTH && depthOf(text) > MAX_JSON_DEPTH) throw new SyntaxError(TOO_DEEP)
  return text.includes("__proto__") || text.includes("\\u") ? JSON.parse(text, dropProto) : JSON.parse(text)
}

/** Copies a decoded value into plain objects; a `__proto__` key is never copied. */
export const toPlain = <A>(value: A): A => {
  if (Array.isArray(value)) return value.map(toPlain) as A
  if (typeof value !== "object" || value === null) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null && !isSchemaClassInstance(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (key !== "__proto__") out[key] = toPlain((value as Record<string, unknown>)[key])
  }
  return out as A
}

const isSchemaClassInstance = (value: object): boolean => {
  // Schema.Class instances are plain data classes: no own methods, prototype chain ending in Object.
  const ctor = (value as { constructor?: { fields?: unknown } }).constructor
  return ctor !== undefined && typeof ctor === "function" && "fields" in ctor
}
