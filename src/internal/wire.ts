/**
 * Wire helpers for the loosely known resources (reference [I] parts): keep the whole body next
 * to the typed fields, accept a list bare or wrapped, encode path segments.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { preprocess } from "./schema.js"

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

/**
 * A list the server may send bare (`[...]`) or wrapped (`{ [key]: [...] }`); both decode to the
 * array (reference §2.8, §3.10).
 */
export const bareOrWrappedArray = <A, I>(
  item: Schema.Schema<A, I>,
  key: string
): Schema.Schema<ReadonlyArray<A>, unknown> =>
  Schema.Union(
    Schema.Array(item),
    Schema.transform(Schema.Struct({ [key]: Schema.Array(item) }), Schema.Array(Schema.typeSchema(item)), {
      strict: true,
      decode: (wire) => wire[key]!,
      encode: (items) => ({ [key]: items })
    })
  ) as unknown as Schema.Schema<ReadonlyArray<A>, unknown>
