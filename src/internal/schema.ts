/**
 * Small building blocks shared by the wire models in `src/schemas/`.
 *
 * @internal
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** `fooBarBaz` as `foo_bar_baz`: the wire key of a camelCase field, at the type level. */
export type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S

/** `fooBarBaz` as `foo_bar_baz`: the wire key of a camelCase field. */
export const snakeCase = <S extends string>(name: S): SnakeCase<S> =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as SnakeCase<S>

/** A field of {@link wire}'s result: renamed from `SnakeCase<K>` unless that is `K` or it was renamed already. */
export type WireField<K extends string, F> = SnakeCase<K> extends K ? F
  : F extends Schema.PropertySignature<infer TT, infer T, infer Key, infer ET, infer E, infer D, infer R>
    ? [Key] extends [never] ? Schema.PropertySignature<TT, T, SnakeCase<K>, ET, E, D, R> : F
  : F extends Schema.Schema.All ? Schema.PropertySignature<
      ":",
      Schema.Schema.Type<F>,
      SnakeCase<K>,
      ":",
      Schema.Schema.Encoded<F>,
      false,
      Schema.Schema.Context<F>
    >
  : F

const isRenamed = (field: Schema.PropertySignature.All): boolean =>
  field.ast._tag === "PropertySignatureTransformation" && field.ast.from.fromKey !== undefined

/**
 * The fields of a wire model with camelCase names, each read from (and written to) its
 * snake_case key: `{ latencyMs: Schema.Number }` is `latency_ms` on the wire. A field renamed
 * with `Schema.fromKey` keeps its own key (e.g. `cost` from `estimated_cost_usd`). This is the
 * one place the wire's snake_case is derived, so schema files name a wire key only where it is
 * not the field's name in snake_case.
 */
export const wire = <const F extends Schema.Struct.Fields>(
  fields: F
): { readonly [K in keyof F]: WireField<K & string, F[K]> } => {
  const out: Record<string, Schema.Struct.Field> = {}
  for (const name of Object.keys(fields)) {
    const field = fields[name]!
    const key = snakeCase(name)
    out[name] = key === name
      ? field
      : Schema.isPropertySignature(field)
      ? isRenamed(field) ? field : Schema.fromKey(field as Schema.PropertySignature.Any, key)
      : Schema.fromKey(Schema.propertySignature(field), key)
  }
  return out as any
}

const optionals = new WeakMap<Schema.Schema.All, Schema.PropertySignature.All>()

/**
 * An optional wire field: absent or `null` on the wire is absent in the decoded value. One
 * property signature per schema, shared by every field that uses it (they are immutable; building
 * one creates several schema classes, and `optional(Schema.String)` alone is used ~100 times, so
 * sharing takes a good part of the schemas' cost out of the client's import).
 */
export const optional = <S extends Schema.Schema.All>(schema: S): Schema.optionalWith<S, { nullable: true }> => {
  let field = optionals.get(schema)
  if (field === undefined) {
    field = Schema.optionalWith(schema, { nullable: true })
    optionals.set(schema, field)
  }
  return field as Schema.optionalWith<S, { nullable: true }>
}

const defaults = new WeakMap<Schema.Schema.All, Map<unknown, Schema.PropertySignature.All>>()

/**
 * An optional wire field with a default when absent or `null`. Shared, as {@link optional}, by the
 * fields with the same schema and the same primitive default (`withDefault(Schema.Number, () => 0)`);
 * a default object or array is never shared (each field keeps its own `value`, called per decode).
 */
export const withDefault = <S extends Schema.Schema.All>(
  schema: S,
  value: () => Schema.Schema.Type<S>
): Schema.optionalWith<S, { nullable: true; default: () => Schema.Schema.Type<S> }> => {
  const sample: unknown = value()
  const primitive = sample === null || (typeof sample !== "object" && typeof sample !== "function")
  let bySample = primitive ? defaults.get(schema) : undefined
  let field = bySample?.get(sample)
  if (field === undefined) {
    field = Schema.optionalWith(schema, { nullable: true, default: value })
    if (primitive) {
      if (bySample === undefined) defaults.set(schema, bySample = new Map())
      bySample.set(sample, field)
    }
  }
  return field as Schema.optionalWith<S, { nullable: true; default: () => Schema.Schema.Type<S> }>
}

/** An object of unknown shape (kept as is). */
export const Loose = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Before decoding, rewrites a wire object with `f` (non-objects are left as they are and then
 * fail the schema as a typed decode error). The base of {@link withFallbacks} and of derived fields.
 */
export const preprocess = <A, I>(
  schema: Schema.Schema<A, I>,
  f: (record: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>
): Schema.Schema<A, unknown> =>
  Schema.compose(
    Schema.transform(Schema.Unknown, Schema.Unknown, {
      strict: true,
      decode: (u) => (isRecord(u) ? f(u) : u),
      encode: (u) => u
    }),
    schema as Schema.Schema<A, unknown>,
    { strict: false }
  )

/**
 * Before decoding, fills a missing (or `null`) key from its older or alternative names, e.g.
 * `{ request_id: ["id"] }`. This is where the reference's fallbacks live.
 */
export const withFallbacks = <A, I>(
  schema: Schema.Schema<A, I>,
  fallbacks: Readonly<Record<string, ReadonlyArray<string>>>
): Schema.Schema<A, unknown> =>
  preprocess(schema, (u) => {
    let out: Record<string, unknown> | undefined
    for (const key in fallbacks) {
      if (u[key] !== undefined && u[key] !== null) continue
      for (const alt of fallbacks[key]!) {
        if (u[alt] !== undefined && u[alt] !== null) {
          out ??= { ...u }
          out[key] = u[alt]
          break
        }
      }
    }
    return out ?? u
  })

/** A string that is not empty after trimming. */
export const NonBlank = Schema.String.pipe(
  Schema.filter((s) => s.trim().length > 0, { message: () => "must not be empty" })
)

/** A positive integer. */
export const PositiveInt = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n > 0, {
    message: (issue) => `must be a positive integer, got ${String(issue.actual)}`
  })
)

/** A non-negative integer. */
export const NonNegativeInt = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n >= 0, {
    message: (issue) => `must be a non-negative integer, got ${String(issue.actual)}`
  })
)

/** A positive finite number. */
export const PositiveNumber = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n > 0, {
    message: (issue) => `must be a positive number, got ${String(issue.actual)}`
  })
)

/**
 * A schema failure as a `DecodeError` tells it: the first offending field (`undefined` for the
 * body itself), a one-line description of it, and every issue with its path.
 */
export const describeParseError = (error: ParseResult.ParseError): {
  readonly field: string | undefined
  readonly what: string
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
} => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const field = first !== undefined && first.path.length > 0 ? first.path.map(String).join(".") : undefined
  const what = first === undefined
    ? error.message
    : `${field !== undefined ? `field "${field}"` : "body"}: ${first.message}`
  return { field, what, issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) }
}
