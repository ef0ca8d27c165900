/**
 * `client.images` and `client.videos`: one generation resource shape over the `Images` and
 * `Videos` services (which share `GenerationService`), wired once.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type { GenerationOptions, GenerationService } from "../services/Generation.js"
import type { VisgateServices } from "../layers/VisgateServices.js"
import type { ImageResult } from "../schemas/Images.js"
import type { AcceptedResult, RequestStatus } from "../schemas/Requests.js"
import type { VideoResult } from "../schemas/Videos.js"
import type { ImageGenerateOptions } from "../services/Images.js"
import type { VideoGenerateOptions } from "../services/Videos.js"
import { type RequestOptions, type WaitOptions, withoutSignal, withoutWaitOptions } from "./options.js"
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

/** `client.images`: `POST /images/generate`. */
export interface ImagesResource extends GenerationResource<ImageGenerateOptions, ImageResult> {}

/** `client.videos`: `POST /videos/generate`. */
export interface VideosResource extends GenerationResource<VideoGenerateOptions, VideoResult> {}

/** The Promise resource over a generation service (`Images` or `Videos`). */
export const makeGeneration = <I extends VisgateServices, O extends GenerationOptions, R>(
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
        s.generateAndWait(model, prompt, { ...withoutWaitOptions(options), ...waitOptions } as Parameters<typeof s.generateAndWait>[2]))
  }) as GenerationResource<O, R>
