/**
 * `client.images` and `client.videos`: one generation resource shape over the `Images` and
 * `Videos` services (which share `GenerationService`), wired once.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type { PromiseServices } from "../layers/PromiseServices.js"
import { DEFAULT_GENERATE_MODEL } from "../schemas/Generate.js"
import type { ImageResult } from "../schemas/Images.js"
import type { AcceptedResult, RequestStatus } from "../schemas/Requests.js"
import type { VideoResult } from "../schemas/Videos.js"
import type { BatchEntry, BatchItem } from "../services/Batch.js"
import type { GenerationOptions, GenerationService } from "../services/Generation.js"
import type { ImageBatchItem, ImageGenerateOptions } from "../services/Images.js"
import type { VideoBatchItem, VideoGenerateOptions } from "../services/Videos.js"
import { type BatchRunOptions, collectBatch, runBatch } from "./batch.js"
import {
  type RequestOptions,
  type WaitOptions,
  type WatchOptions,
  withoutSignal,
  withoutWaitOptions
} from "./options.js"
import type { RequestProgress } from "./Requests.js"
import type { ClientRuntime } from "./runtime.js"

/**
 * A generation resource (`client.images`, `client.videos`): generation options `O`, result `R`.
 * `preferAsync: true` widens `generate`'s result to the 202 acknowledgement.
 */
export interface GenerationResource<O, R> {
  /** `POST /{images,videos}/generate` in async mode: the result, or `{ status: "accepted", requestId }`. */
  generate(
    model: string,
    prompt: string,
    options: O & RequestOptions & { readonly preferAsync: true }
  ): Promise<R | AcceptedResult>
  /** `POST /{images,videos}/generate`. */
  generate(
    model: string,
    prompt: string,
    options?: O & RequestOptions & { readonly preferAsync?: false | null | undefined }
  ): Promise<R>
  generate(model: string, prompt: string, options?: O & RequestOptions): Promise<R | AcceptedResult>
  /**
   * Submits in async mode and waits: the result when the server answers 200, else (after a 202)
   * the final `RequestStatus` polled from `GET /requests/{id}` (`"requestId" in result`).
   * Rejects with `GenerationFailedError`, `WaitTimeoutError` past `timeout`, `AbortError`.
   */
  generateAndWait(
    model: string,
    prompt: string,
    options?: Omit<O, "preferAsync"> & WaitOptions<RequestProgress>
  ): Promise<R | RequestStatus>
}

/**
 * Batches of a generation resource: items `I`, entry values `A`, batch options `B`. Items run
 * `concurrency` at a time (default 4) under the client's flow control; one failure never loses
 * the others; an item's `key` makes its Idempotency-Key `batch:<key>`.
 */
export interface BatchMethods<I, A, B> {
  /**
   * Runs every item; resolves with one entry per item, in input order: `{ index, item, ok: true,
   * value }` or `{ index, item, ok: false, error }`. Rejects only for bad options
   * (`ValidationError`, before any request) or `AbortError`.
   */
  generateMany(items: Iterable<I>, options?: B): Promise<Array<BatchEntry<A, I>>>
  /** As `generateMany`, yielding entries as they finish; `break` aborts the items in flight. */
  generateManyIter(items: Iterable<I>, options?: B): AsyncIterable<BatchEntry<A, I>>
}

/** `client.images`: `POST /images/generate`; batches with `generate` (default model `fal-ai/flux/schnell`). */
export interface ImagesResource
  extends
    GenerationResource<ImageGenerateOptions, ImageResult>,
    BatchMethods<ImageBatchItem, ImageResult, BatchRunOptions<ImageResult, ImageBatchItem>>
{}

/** Options of `client.videos.generateMany`: the batch's, plus each item's wait (`timeout`, `schedule`). */
export interface VideoBatchOptions
  extends BatchRunOptions<VideoResult | RequestStatus, VideoBatchItem>, Omit<WatchOptions, "signal">
{}

/** `client.videos`: `POST /videos/generate`; batches submit async and wait (`generateAndWait`). */
export interface VideosResource
  extends
    GenerationResource<VideoGenerateOptions, VideoResult>,
    BatchMethods<VideoBatchItem, VideoResult | RequestStatus, VideoBatchOptions>
{}

/**
 * The Promise resource over a generation service (`Images` or `Videos`); its batches run each
 * item with `generate` (images) or `generateAndWait` (videos, `waitInBatch`).
 */
export const makeGeneration = <I extends PromiseServices, O extends GenerationOptions, R>(
  runtime: ClientRuntime,
  tag: Context.Tag<I, GenerationService<O, R>>,
  waitInBatch = false
): GenerationResource<O, R> & BatchMethods<any, any, any> => {
  const resource = makeResource(runtime, tag)
  type Options = BatchRunOptions<unknown> & Omit<WatchOptions, "signal">
  const iter = (items: Iterable<BatchItem>, options?: Options) =>
    runBatch<BatchItem, unknown>(
      items,
      options,
      waitInBatch ? undefined : DEFAULT_GENERATE_MODEL,
      waitInBatch
        ? (model, prompt, rest, signal) =>
          resource.generateAndWait(model, prompt, {
            ...rest,
            timeout: options?.timeout,
            schedule: options?.schedule,
            signal
          } as never)
        : (model, prompt, rest, signal) => resource.generate(model, prompt, { ...rest, signal } as never)
    )
  return {
    ...resource,
    generateMany: (items: Iterable<BatchItem>, options?: Options) => collectBatch(iter(items, options)),
    generateManyIter: iter
  }
}

const makeResource = <I extends PromiseServices, O extends GenerationOptions, R>(
  { call, wait }: ClientRuntime,
  tag: Context.Tag<I, GenerationService<O, R>>
): GenerationResource<O, R> =>
  ({
    generate: (model: string, prompt: string, options?: O & RequestOptions) =>
      call(tag, (s) => s.generate(model, prompt, withoutSignal(options) as O | undefined), options),
    generateAndWait: (
      model: string,
      prompt: string,
      options?: Omit<O, "preferAsync"> & WaitOptions<RequestProgress>
    ) =>
      wait(tag, options, (s, waitOptions) =>
        s.generateAndWait(
          model,
          prompt,
          { ...withoutWaitOptions(options), ...waitOptions } as Parameters<typeof s.generateAndWait>[2]
        ))
  }) as GenerationResource<O, R>
