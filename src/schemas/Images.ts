/**
 * `POST /images/generate`: image generation with full control (reference §2.2).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import {
  Loose,
  NonBlank,
  NonNegativeInt,
  optional,
  PositiveInt,
  required,
  withDefault
} from "../internal/schema.js"
import { ResultStatusField } from "./Requests.js"

/** `POST /images/generate` 200. `cost` is USD. */
export class ImageResult extends Schema.Class<ImageResult>("ImageResult")({
  id: Schema.String,
  status: ResultStatusField,
  images: withDefault(Schema.Array(Schema.String), "images", () => []),
  model: Schema.String,
  provider: Schema.String,
  /** Billed cost in USD (0 on cache hits and when absent). */
  cost: withDefault(Schema.Number, "cost", () => 0),
  cacheHit: withDefault(Schema.Boolean, "cache_hit", () => false),
  /** `exact` or `semantic` when the result came from the cache. */
  cacheSource: optional(Schema.String, "cache_source"),
  /** Provider cost avoided by a cache hit, in micro-USD (1e-6 USD). */
  providerCostAvoidedMicro: optional(Schema.Number, "provider_cost_avoided_micro"),
  /** Amount saved by a cache hit, in USD. */
  savedAmount: optional(Schema.Number, "saved_amount"),
  marginPercent: optional(Schema.Number, "margin_percent"),
  latencyMs: optional(Schema.Number, "latency_ms"),
  createdAt: optional(Schema.String, "created_at"),
  /** Host that stores the output, e.g. `storage.googleapis.com`. */
  outputStorage: optional(Schema.String, "output_storage"),
  outputSizeBytes: optional(Schema.Number, "output_size_bytes"),
  /** Per-step timings, only with `includeSteps: true`. Opaque. */
  steps: optional(Schema.Array(Loose), "steps")
}) {}

/** The `POST /images/generate` body, validated before sending (camelCase in, snake_case on the wire). */
export const ImageGenerateBody = Schema.Struct({
  model: NonBlank,
  prompt: NonBlank,
  width: PositiveInt,
  height: PositiveInt,
  numImages: required(PositiveInt, "num_images"),
  negativePrompt: Schema.optional(Schema.String).pipe(Schema.fromKey("negative_prompt")),
  seed: Schema.optional(NonNegativeInt),
  imageUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("image_url")),
  preferCache: Schema.optional(Schema.Boolean).pipe(Schema.fromKey("prefer_cache")),
  maxLatencyMs: Schema.optional(PositiveInt).pipe(Schema.fromKey("max_latency_ms")),
  webhookUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("webhook_url")),
  callbackId: Schema.optional(Schema.String).pipe(Schema.fromKey("callback_id"))
})

/** Wire form of {@link ImageGenerateBody}. */
export type ImageGenerateBodyWire = Schema.Schema.Encoded<typeof ImageGenerateBody>
