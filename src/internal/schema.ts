/**
 * Small building blocks shared by the wire models in `src/schemas/`.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/** A required wire field, renamed from its snake_case key. */
export const required = <S extends Schema.Schema.All>(schema: S, key: string) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

/** An optional wire field: absent or `null` on the wire is absent in the decoded value. */
export const optional = <S extends Schema.Schema.All>(schema: S, key: string) =>
  Schema.optionalWith(schema, { nullable: true }).pipe(Schema.fromKey(key))

/** An optional wire field with a default when absent or `null`. */
export const withDefault = <S extends Schema.Schema.All>(
  schema: S,
  key: string,
  value: () => Schema.Schema.Type<S>
) => Schema.optionalWith(schema, { nullable: true, default: value }).pipe(Schema.fromKey(key))

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
  Schema.filter((n) => Number.isInteger(n) && n > 0, { message: (issue) => `must be a positive integer, got ${String(issue.actual)}` })
)

/** A non-negative integer. */
export const NonNegativeInt = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n >= 0, {
    message: (issue) => `must be a non-negative integer, got ${String(issue.actual)}`
  })
)

/** A positive finite number. */
export const PositiveNumber = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n > 0, { message: (issue) => `must be a positive number, got ${String(issue.actual)}` })
)
