/**
 * `POST /videos/generate` (reference §2.3).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NonBlank, optional, PositiveNumber } from "../internal/schema.js"
import { generationResultFields } from "./Requests.js"

/** `POST /videos/generate` 200. `cost` is USD. */
export class VideoResult extends Schema.Class<VideoResult>("VideoResult")({
  ...generationResultFields,
  /** May be absent when the job failed or is still processing. */
  videoUrl: optional(Schema.String, "video_url")
}) {}

/** The `POST /videos/generate` body, validated before sending. */
export const VideoGenerateBody = Schema.Struct({
  model: NonBlank,
  prompt: NonBlank,
  durationSeconds: Schema.propertySignature(PositiveNumber).pipe(Schema.fromKey("duration_seconds")),
  imageUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("image_url")),
  skipGcsUpload: Schema.optional(Schema.Boolean).pipe(Schema.fromKey("skip_gcs_upload")),
  webhookUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("webhook_url")),
  callbackId: Schema.optional(Schema.String).pipe(Schema.fromKey("callback_id"))
})

/** Wire form of {@link VideoGenerateBody}. */
export type VideoGenerateBodyWire = Schema.Schema.Encoded<typeof VideoGenerateBody>
