/**
 * `POST /images/generate`: image generation with full control (reference §2.2).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Loose, NonBlank, NonNegativeInt, optional, PositiveInt, wire, withDefault } from "../internal/schema.js"
import { generationResultFields } from "./Requests.js"

/** `POST /images/generate` 200. `cost` is USD. */
export class ImageResult extends Schema.Class<ImageResult>("ImageResult")(wire({
  ...generationResultFields,
  images: withDefault(Schema.Array(Schema.String), () => []),
  marginPercent: optional(Schema.Number),
  /** Host that stores the output, e.g. `storage.googleapis.com`. */
  outputStorage: optional(Schema.String),
  outputSizeBytes: optional(Schema.Number),
  /** Per-step timings, only with `includeSteps: true`. Opaque. */
  steps: optional(Schema.Array(Loose))
})) {}

/** The `POST /images/generate` body, validated before sending (camelCase in, snake_case on the wire). */
export const ImageGenerateBody = Schema.Struct(wire({
  model: NonBlank,
  prompt: NonBlank,
  width: PositiveInt,
  height: PositiveInt,
  numImages: PositiveInt,
  negativePrompt: Schema.optional(Schema.String),
  seed: Schema.optional(NonNegativeInt),
  imageUrl: Schema.optional(NonBlank),
  preferCache: Schema.optional(Schema.Boolean),
  maxLatencyMs: Schema.optional(PositiveInt),
  webhookUrl: Schema.optional(NonBlank),
  callbackId: Schema.optional(Schema.String)
}))

/** Wire form of {@link ImageGenerateBody}. */
export type ImageGenerateBodyWire = Schema.Schema.Encoded<typeof ImageGenerateBody>
