/**
 * `POST /videos/generate` (reference §2.3).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NonBlank, optional, PositiveNumber, wire } from "../internal/schema.js"
import { generationResultFields } from "./Requests.js"

/** `POST /videos/generate` 200. `cost` is USD. */
export class VideoResult extends Schema.Class<VideoResult>("VideoResult")(wire({
  ...generationResultFields,
  /** May be absent when the job failed or is still processing. */
  videoUrl: optional(Schema.String)
})) {}

/** The `POST /videos/generate` body, validated before sending. */
export const VideoGenerateBody = Schema.Struct(wire({
  model: NonBlank,
  prompt: NonBlank,
  durationSeconds: Schema.propertySignature(PositiveNumber),
  imageUrl: Schema.optional(NonBlank),
  skipGcsUpload: Schema.optional(Schema.Boolean),
  webhookUrl: Schema.optional(NonBlank),
  callbackId: Schema.optional(Schema.String)
}))

/** Wire form of {@link VideoGenerateBody}. */
export type VideoGenerateBodyWire = Schema.Schema.Encoded<typeof VideoGenerateBody>
