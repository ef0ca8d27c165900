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
import { generationResultFields } from "./Requests.js"

/** `POST /images/generate` 200. `cost` is USD. */
export class ImageResult extends Schema.Class<ImageResult>("ImageResult")({
  ...generationResultFields,
  images: withDefault(Schema.Array(Schema.String), "images", () => []),
  marginPercent: optional(Schema.Number, "margin_percent"),
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
