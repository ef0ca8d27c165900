/**
 * Promise users get plain objects (JSON-like, safe to pass to React Server Components or
 * `structuredClone`), not `Schema.Class` instances.
 *
 * @internal
 */
export const toPlain = <A>(value: A): A => {
  if (Array.isArray(value)) return value.map(toPlain) as A
  if (typeof value !== "object" || value === null) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null && !isSchemaClassInstance(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) out[key] = toPlain((value as Record<string, unknown>)[key])
  return out as A
}

const isSchemaClassInstance = (value: object): boolean => {
  // Schema.Class instances are plain data classes: no own methods, prototype chain ending in Object.
  const ctor = (value as { constructor?: { fields?: unknown } }).constructor
  return ctor !== undefined && typeof ctor === "function" && "fields" in ctor
}
