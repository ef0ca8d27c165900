/**
 * `Videos`: video generation (`POST /videos/generate`), sync or async.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { bodyEncoder, omitNullish } from "../internal/body.js"
import { unwrap } from "../internal/stream.js"
import type { ValidationError, VisgateApiError } from "../schemas/Errors.js"
import type { RequestStatus } from "../schemas/Requests.js"
import { VideoGenerateBody, VideoResult } from "../schemas/Videos.js"
import * as Batch from "./Batch.js"
import { buildGenerationSpec, type GenerationService, type ImageFile, makeGenerationService } from "./Generation.js"
import type { RequestWaitOptions } from "./Requests.js"
import { type RequestSpec, VisgateClient } from "./VisgateClient.js"

/** Options of `videos.generate(model, prompt, options)`; `null` means unset. */
export interface VideoGenerateOptions {
  /** Length in seconds (default 5). */
  readonly durationSeconds?: number | null | undefined
  /** Return the provider URL directly instead of copying to storage (faster). */
  readonly skipGcsUpload?: boolean | null | undefined
  /** Ask for async mode (`Prefer: respond-async`): a 202 returns `{ status: "accepted", requestId }`. */
  readonly preferAsync?: boolean | null | undefined
  /** Input image URL for image-to-video. */
  readonly imageUrl?: string | null | undefined
  /** Input image bytes for image-to-video (sent as a data URI in `image_url`). */
  readonly imageFile?: ImageFile | null | undefined
  readonly webhookUrl?: string | null | undefined
  readonly callbackId?: string | null | undefined
  /** Extra provider params, merged into the top level of the body. */
  readonly params?: Readonly<Record<string, unknown>> | null | undefined
  /** Your own idempotency key; one is generated per call otherwise. */
  readonly idempotencyKey?: string | null | undefined
}

/** The `Videos` service: `generate` and `generateAndWait` on `POST /videos/generate`. */
export interface Service extends GenerationService<VideoGenerateOptions, VideoResult> {}

/** Tag of the `Videos` service. */
export class Videos extends Context.Tag("@visgate_ai/client/Videos")<Videos, Service>() {}

const encodeBody = bodyEncoder(VideoGenerateBody, "videos.generate options")
const decodeResult = Schema.decodeUnknown(VideoResult)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  /** Validates the options and builds the POST, before any request. */
  const buildSpec = (
    model: string,
    prompt: string,
    options: Omit<VideoGenerateOptions, "preferAsync">
  ): Effect.Effect<RequestSpec, VisgateApiError> =>
    buildGenerationSpec(client, "/videos/generate", options, (imageUrl) =>
      encodeBody(omitNullish({
        model,
        prompt,
        durationSeconds: options.durationSeconds ?? 5,
        imageUrl,
        skipGcsUpload: options.skipGcsUpload === true ? true : undefined,
        webhookUrl: options.webhookUrl,
        callbackId: options.callbackId
      })))
  return makeGenerationService<VideoGenerateOptions, VideoResult>(client, buildSpec, decodeResult)
})

/** The `Videos` layer. */
export const layer: Layer.Layer<Videos, never, VisgateClient> = Layer.effect(Videos, make)

/** One item of a video batch: `{ prompt, model?, key?, ...VideoGenerateOptions }`. */
export type VideoBatchItem = Batch.BatchItem<VideoGenerateOptions>

/**
 * Generates many videos, `concurrency` at a time (default 4): each item is submitted async and
 * waited for (`generateAndWait`, with the batch's wait options), so its value is the result or
 * the completed `RequestStatus` (`outputUrl`). A `Stream` of one entry per item, emitted as items
 * finish (`index` gives the input position); a failed or timed-out job is that item's
 * `{ ok: false, error }`. Items need a `model` (or `options.model`). An item's `key` makes its
 * Idempotency-Key `batch:<key>`. Fails only for bad options (`ValidationError`, before any request).
 */
export const generateMany = (
  items: Iterable<VideoBatchItem>,
  options?: Batch.BatchOptions & RequestWaitOptions
): Stream.Stream<Batch.BatchEntry<VideoResult | RequestStatus, VideoBatchItem>, ValidationError, Videos> =>
  unwrap(
    Effect.map(Videos, (videos) =>
      Batch.generateMany(items, options, undefined, (model, prompt, o) =>
        videos.generateAndWait(model, prompt, { ...options, ...o })))
  )
