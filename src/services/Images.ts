/**
 * `Images`: image generation with full control (`POST /images/generate`).
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
import { DEFAULT_GENERATE_MODEL } from "../schemas/Generate.js"
import { ImageGenerateBody, ImageResult } from "../schemas/Images.js"
import * as Batch from "./Batch.js"
import { buildGenerationSpec, type GenerationService, type ImageFile, makeGenerationService } from "./Generation.js"
import { type RequestSpec, VisgateClient } from "./VisgateClient.js"

/** Options of `images.generate(model, prompt, options)`; `null` means unset. */
export interface ImageGenerateOptions {
  /** Width in pixels (default 1024). */
  readonly width?: number | null | undefined
  /** Height in pixels (default 1024). */
  readonly height?: number | null | undefined
  /** Number of images (default 1). */
  readonly numImages?: number | null | undefined
  readonly negativePrompt?: string | null | undefined
  /** A non-negative integer. */
  readonly seed?: number | null | undefined
  /** Input image URL for img2img. */
  readonly imageUrl?: string | null | undefined
  /** Input image bytes for img2img (sent as a data URI in `image_url`; capped by `maxImageBytes`). */
  readonly imageFile?: ImageFile | null | undefined
  /** Use the cache (exact or semantic match); the server default is true. */
  readonly preferCache?: boolean | null | undefined
  /** Maximum acceptable latency in ms. */
  readonly maxLatencyMs?: number | null | undefined
  /** Callback URL when done. */
  readonly webhookUrl?: string | null | undefined
  /** Id echoed in the callback payload. */
  readonly callbackId?: string | null | undefined
  /** Extra provider params, merged into the top level of the body. */
  readonly params?: Readonly<Record<string, unknown>> | null | undefined
  /** Ask for async mode (`Prefer: respond-async`): a 202 returns `{ status: "accepted", requestId }`. */
  readonly preferAsync?: boolean | null | undefined
  /** Include per-step timings (`?include_steps=true`). */
  readonly includeSteps?: boolean | null | undefined
  /** Your own idempotency key; one is generated per call otherwise. */
  readonly idempotencyKey?: string | null | undefined
}

/** The `Images` service: `generate` and `generateAndWait` on `POST /images/generate`. */
export interface Service extends GenerationService<ImageGenerateOptions, ImageResult> {}

/** Tag of the `Images` service. */
export class Images extends Context.Tag("@visgate_ai/client/Images")<Images, Service>() {}

const encodeBody = bodyEncoder(ImageGenerateBody, "images.generate options")
const decodeResult = Schema.decodeUnknown(ImageResult)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  /** Validates the options and builds the POST, before any request. */
  const buildSpec = (
    model: string,
    prompt: string,
    options: Omit<ImageGenerateOptions, "preferAsync">
  ): Effect.Effect<RequestSpec, VisgateApiError> =>
    buildGenerationSpec(
      client,
      "/images/generate",
      options,
      (imageUrl) =>
        encodeBody(omitNullish({
          model,
          prompt,
          width: options.width ?? 1024,
          height: options.height ?? 1024,
          numImages: options.numImages ?? 1,
          negativePrompt: options.negativePrompt === "" ? undefined : options.negativePrompt,
          seed: options.seed,
          imageUrl,
          preferCache: options.preferCache,
          maxLatencyMs: options.maxLatencyMs,
          webhookUrl: options.webhookUrl,
          callbackId: options.callbackId
        })),
      { include_steps: options.includeSteps === true ? "true" : undefined }
    )
  return makeGenerationService<ImageGenerateOptions, ImageResult>(client, buildSpec, decodeResult)
})

/** The `Images` layer. */
export const layer: Layer.Layer<Images, never, VisgateClient> = Layer.effect(Images, make)

/** One item of an image batch: `{ prompt, model?, key?, ...ImageGenerateOptions }`. */
export type ImageBatchItem = Batch.BatchItem<ImageGenerateOptions>

/**
 * Generates many images, `concurrency` at a time (default 4): a `Stream` of one entry per item,
 * emitted as items finish (`index` gives the input position), `{ ok: true, value }` or
 * `{ ok: false, error }`. An item without `model` uses `options.model`, else `fal-ai/flux/schnell`.
 * An item's `key` makes its Idempotency-Key `batch:<key>`, so a batch run again after a crash is
 * not billed twice. Fails only for bad options (`ValidationError`, before any request).
 */
export const generateMany = (
  items: Iterable<ImageBatchItem>,
  options?: Batch.BatchOptions
): Stream.Stream<Batch.BatchEntry<ImageResult, ImageBatchItem>, ValidationError, Images> =>
  unwrap(
    Effect.map(Images, (images) =>
      Batch.generateMany(items, options, DEFAULT_GENERATE_MODEL, (model, prompt, o) =>
        images.generate(model, prompt, { ...o, preferAsync: false })))
  )
