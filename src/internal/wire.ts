/**
 * Wire helpers for the loosely known resources (reference [I] parts): rewrite the raw object
 * before decoding, keep the whole body next to the typed fields, encode path segments.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Before decoding, rewrites a wire object (`f` is not called for non-objects, which then fail
 * the schema with a typed decode error). Used for derived fields and for {@link withRaw}.
 */
export const preprocess = <A, I>(
  schema: Schema.Schema<A, I>,
  f: (record: Readonly<Record<string, unknown>>) => Record<string, unknown>
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

/** Wire key under which {@link withRaw} passes the whole body to the `raw` field. */
export const RAW_KEY = "__raw__"

/** The `raw` field of a loosely known resource: every key the server sent, as sent (snake_case). */
export const rawField = Schema.propertySignature(Schema.Record({ key: Schema.String, value: Schema.Unknown })).pipe(
  Schema.fromKey(RAW_KEY)
)

/**
 * Keeps the whole wire object in the `raw` field (see {@link rawField}), optionally without the
 * keys `keep` rejects (e.g. `_`-prefixed internal keys).
 */
export const withRaw = <A, I>(
  schema: Schema.Schema<A, I>,
  keep: (key: string) => boolean = () => true
): Schema.Schema<A, unknown> =>
  preprocess(schema, (record) => {
    const raw: Record<string, unknown> = {}
    for (const key of Object.keys(record)) if (keep(key)) raw[key] = record[key]
    return { ...raw, [RAW_KEY]: raw }
  })

/**
 * A path built from an id that may contain slashes (`fal-ai/flux/schnell`): each segment is
 * encoded on its own and the slashes are kept, never `%2F` (reference §2.6).
 */
export const encodeSegments = (id: string): string => id.split("/").map(encodeURIComponent).join("/")
