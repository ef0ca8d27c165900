/**
 * `GET /models` and `GET /models/{id}`: the model catalog (reference §2.5, §2.6).
 *
 * Every `ModelInfo` field may be absent on the wire except `id` (a catalog entry without an id
 * cannot be fetched or used); absent lists and counts default as in the Python SDK.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optional, wire, withDefault } from "../internal/schema.js"

/** Providers the catalog knows; other values are kept as strings. */
export type ModelProvider = "fal" | "replicate" | "runway" | (string & {})

/** Media types; other values are kept as strings. */
export type MediaType = "image" | "video" | "audio" | (string & {})

/** Catalog sort orders; other values are passed through. */
export type ModelSort = "name" | "cost" | "newest" | "popular" | (string & {})

/** One catalog entry. Costs are micro-USD integers (1e-6 USD); `pricing` is a display string. */
export class ModelInfo extends Schema.Class<ModelInfo>("ModelInfo")(wire({
  /** Model id; contains slashes, e.g. `fal-ai/flux/schnell`. */
  id: Schema.String,
  name: withDefault(Schema.String, () => ""),
  provider: withDefault(Schema.String as Schema.Schema<ModelProvider, string>, () => ""),
  /** `image` when the server leaves it out. */
  mediaType: withDefault(Schema.String as Schema.Schema<MediaType, string>, () => "image"),
  description: optional(Schema.String),
  category: optional(Schema.String),
  coverImageUrl: optional(Schema.String),
  author: optional(Schema.String),
  url: optional(Schema.String),
  tags: withDefault(Schema.Array(Schema.String), () => []),
  /** Base cost per run in micro-USD (1e-6 USD); 0 when absent. */
  baseCostMicro: withDefault(Schema.Number, () => 0),
  /** Normalised cost per run in micro-USD (1e-6 USD); 0 when absent. */
  normalizedCostMicro: withDefault(Schema.Number, () => 0),
  /** Price as a display string (e.g. `"$0.003 / image"`), not a number. */
  pricing: optional(Schema.String),
  pricingUnit: optional(Schema.String),
  runCount: withDefault(Schema.Number, () => 0),
  inputTypes: withDefault(Schema.Array(Schema.String), () => []),
  capabilities: withDefault(Schema.Array(Schema.String), () => []),
  outputType: optional(Schema.String),
  /** ISO 8601, as sent. */
  firstSeenAt: optional(Schema.String),
  /** ISO 8601, as sent. */
  providerCreatedAt: optional(Schema.String),
  /** ISO 8601, as sent. */
  lastSyncedAt: optional(Schema.String)
})) {}

/** A curated section returned with `featured: true`. */
export class FeaturedSection extends Schema.Class<FeaturedSection>("FeaturedSection")(wire({
  title: withDefault(Schema.String, () => ""),
  key: withDefault(Schema.String, () => ""),
  models: withDefault(Schema.Array(ModelInfo), () => [])
})) {}

/** `GET /models` 200. */
export class ModelsResponse extends Schema.Class<ModelsResponse>("ModelsResponse")(wire({
  models: Schema.Array(ModelInfo),
  /** Size of the whole filtered catalog (not of this page), e.g. 1704 against 5 returned. */
  totalCount: optional(Schema.Number),
  /** ISO 8601, as sent. */
  lastUpdated: optional(Schema.String),
  /** Curated sections; present with `featured: true`. */
  featured: optional(Schema.Array(FeaturedSection))
})) {}

/**
 * Wire names of the `GET /models` query. `modelType` has no wire name: it is a client-side alias
 * of `mediaType` (as in the Python SDK, where `model_type` is never sent).
 */
export const MODELS_QUERY = {
  provider: "provider",
  mediaType: "media_type",
  capability: "capability",
  search: "search",
  sort: "sort",
  limit: "limit",
  offset: "offset",
  featured: "featured"
} as const

/** Page size of `models.iterate` when none is given. */
export const DEFAULT_MODELS_PAGE_SIZE = 100

/** Default `limit` of `models.search` (as in the Python SDK). */
export const DEFAULT_MODELS_SEARCH_LIMIT = 20
