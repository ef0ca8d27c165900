/**
 * `visgate.video(modelId)`: an AI SDK video model (`Experimental_VideoModelV4`) over
 * `POST /videos/generate` in async mode (`Prefer: respond-async`) and `GET /requests/{id}`.
 *
 * - `doGenerate` (`experimental_generateVideo` without `poll`/`webhook`): submits and waits with the
 *   client's `videos.generateAndWait` (the server's poll interval hints, the abort signal).
 * - `doStart` / `doStatus` (`experimental_generateVideo` with `poll` or `webhook`,
 *   `experimental_startVideo`, `experimental_getVideoStatus`): one submit, then one status request per
 *   poll the AI SDK makes. The operation is `{ requestId }` (JSON), so it can be stored and resumed.
 * - `handleWebhookOption`: Visgate calls a `webhook_url` when done, so the AI SDK's `webhook` works.
 */
import {
  APICallError,
  type Experimental_VideoModelV4 as VideoModelV4,
  type Experimental_VideoModelV4CallOptions as VideoModelV4CallOptions,
  type Experimental_VideoModelV4OperationStartResult as VideoModelV4OperationStartResult,
  type Experimental_VideoModelV4OperationStatusResult as VideoModelV4OperationStatusResult,
  type Experimental_VideoModelV4OperationWebhook as VideoModelV4OperationWebhook,
  type Experimental_VideoModelV4Result as VideoModelV4Result,
  InvalidArgumentError,
  type JSONObject,
  type JSONValue,
  type SharedV4Warning
} from "@ai-sdk/provider"
import type { RequestStatus, VideoGenerateOptions, VideoResult } from "@visgate_ai/client"
import type { ModelConfig } from "./config.js"
import { mapErrors } from "./errors.js"
import { generationMetadata } from "./metadata.js"
import { defined, type ImageInput, parseVideoOptions, PROVIDER_KEY, readHeaders, toImageInput } from "./options.js"

/** Media type reported for generated videos (Visgate outputs MP4). */
const VIDEO_MEDIA_TYPE = "video/mp4"

/** The operation `doStart` returns and `doStatus` reads. */
interface Operation {
  readonly requestId: string
  /** Set when the server answered at once (200): the finished result. */
  readonly videoUrl?: string
}

const readOperation = (operation: JSONValue): Operation => {
  if (typeof operation === "object" && operation !== null && !Array.isArray(operation)) {
    const o = operation as JSONObject
    if (typeof o.requestId === "string" && o.requestId.length > 0) {
      return typeof o.videoUrl === "string"
        ? { requestId: o.requestId, videoUrl: o.videoUrl }
        : { requestId: o.requestId }
    }
  }
  throw new InvalidArgumentError({
    argument: "operation",
    message: `Not a Visgate video operation (expected { requestId: string }): ${JSON.stringify(operation)}`
  })
}

/** `providerMetadata.visgate` of a finished (200) result. */
const resultMetadata = (result: VideoResult): JSONObject =>
  generationMetadata(result, { videos: result.videoUrl !== undefined ? [{ url: result.videoUrl }] : undefined })

/** `providerMetadata.visgate` of a polled request status. */
const statusMetadata = (status: RequestStatus): JSONObject =>
  defined({
    requestId: status.requestId,
    model: status.model,
    provider: status.provider,
    status: status.status,
    createdAt: status.createdAt,
    completedAt: status.completedAt,
    estimatedRemainingSeconds: status.estimatedRemainingSeconds,
    errorMessage: status.errorMessage,
    videos: status.outputUrl !== undefined ? [{ url: status.outputUrl }] : undefined
  })

export class VisgateVideoModel implements VideoModelV4 {
  readonly specificationVersion = "v4"
  /** One video per request. */
  readonly maxVideosPerCall = 1

  constructor(readonly modelId: string, private readonly config: ModelConfig) {}

  get provider(): string {
    return this.config.provider
  }

  /** Submits and waits (the client polls `GET /requests/{id}` at the server's pace). */
  async doGenerate(options: VideoModelV4CallOptions): Promise<VideoModelV4Result> {
    const timestamp = this.config.now()
    const { prompt, request, warnings, context, pollTimeoutMs } = this.prepare(options)
    const result = await mapErrors(context, () =>
      this.config.client().videos.generateAndWait(this.modelId, prompt, {
        ...request,
        ...(pollTimeoutMs !== undefined ? { timeout: pollTimeoutMs } : {}),
        ...(options.abortSignal !== undefined ? { signal: options.abortSignal } : {})
      }))
    const finished = "requestId" in result
      ? { url: result.outputUrl, metadata: statusMetadata(result), model: result.model, id: result.requestId }
      : { url: result.videoUrl, metadata: resultMetadata(result), model: result.model, id: result.id }
    // `generateAndWait` rejects a failed async request itself; a 200 may still say failed or lack the URL.
    if (finished.url === undefined || result.status === "failed") {
      throw new APICallError({
        message: `Visgate video generation ${finished.id} ended without a video`,
        url: context.url,
        requestBodyValues: context.requestBodyValues,
        isRetryable: false,
        data: finished.metadata
      })
    }
    return {
      videos: [{ type: "url", url: finished.url, mediaType: VIDEO_MEDIA_TYPE }],
      warnings,
      providerMetadata: { [PROVIDER_KEY]: finished.metadata },
      response: { timestamp, modelId: finished.model ?? this.modelId, headers: undefined }
    }
  }

  /** Visgate calls `webhook_url` when the generation is done: the AI SDK's `webhook` factory is used. */
  async handleWebhookOption(options: {
    webhook: () => PromiseLike<{ url: string; received: PromiseLike<VideoModelV4OperationWebhook> }>
  }): Promise<{ webhookUrl: string; received: PromiseLike<VideoModelV4OperationWebhook> }> {
    const { received, url } = await options.webhook()
    return { webhookUrl: url, received }
  }

  /** Submits in async mode: `{ requestId }` after a 202, or the finished video when the server answered 200. */
  async doStart(
    options: VideoModelV4CallOptions & { webhookUrl?: string }
  ): Promise<VideoModelV4OperationStartResult> {
    const timestamp = this.config.now()
    const { prompt, request, warnings, context } = this.prepare(options)
    if (options.webhookUrl !== undefined && request.webhookUrl != null && request.webhookUrl !== options.webhookUrl) {
      warnings.push({
        type: "other",
        message: `providerOptions.${PROVIDER_KEY}.webhookUrl was replaced by the URL of the AI SDK's webhook option.`
      })
    }
    const result = await mapErrors(context, () =>
      this.config.client().videos.generate(this.modelId, prompt, {
        ...request,
        ...(options.webhookUrl !== undefined ? { webhookUrl: options.webhookUrl } : {}),
        preferAsync: true,
        ...(options.abortSignal !== undefined ? { signal: options.abortSignal } : {})
      }))
    if (result.status === "accepted") {
      return {
        operation: { requestId: result.requestId },
        warnings,
        providerMetadata: { [PROVIDER_KEY]: { requestId: result.requestId, status: "pending" } },
        response: { timestamp, modelId: this.modelId, headers: undefined }
      }
    }
    return {
      operation: defined({ requestId: result.id, videoUrl: result.videoUrl }),
      warnings,
      providerMetadata: { [PROVIDER_KEY]: resultMetadata(result) },
      response: { timestamp, modelId: result.model, headers: undefined }
    }
  }

  /** One `GET /requests/{id}`: `pending`, `completed` with the video URL, or `error` with the server's message. */
  async doStatus(options: {
    operation: JSONValue
    abortSignal?: AbortSignal
    headers?: Record<string, string | undefined>
  }): Promise<VideoModelV4OperationStatusResult> {
    const timestamp = this.config.now()
    const operation = readOperation(options.operation)
    const response = { timestamp, modelId: this.modelId, headers: undefined }
    if (operation.videoUrl !== undefined) {
      return {
        status: "completed",
        videos: [{ type: "url", url: operation.videoUrl, mediaType: VIDEO_MEDIA_TYPE }],
        warnings: [],
        providerMetadata: { [PROVIDER_KEY]: { requestId: operation.requestId, status: "completed" } },
        response
      }
    }
    const path = `/requests/${encodeURIComponent(operation.requestId)}`
    const status = await mapErrors(
      { url: this.config.url(path), requestBodyValues: {} },
      () =>
        this.config.client().requests.get(
          operation.requestId,
          options.abortSignal !== undefined ? { signal: options.abortSignal } : {}
        )
    )
    const providerMetadata = { [PROVIDER_KEY]: statusMetadata(status) }
    const withModel = { ...response, modelId: status.model ?? this.modelId }
    switch (status.status) {
      case "completed":
        if (status.outputUrl === undefined) {
          return {
            status: "error",
            error: `Visgate request ${status.requestId} completed without an output URL`,
            providerMetadata,
            response: withModel
          }
        }
        return {
          status: "completed",
          videos: [{ type: "url", url: status.outputUrl, mediaType: VIDEO_MEDIA_TYPE }],
          warnings: [],
          providerMetadata,
          response: withModel
        }
      case "failed":
        return {
          status: "error",
          error: status.errorMessage ?? `Visgate request ${status.requestId} failed`,
          providerMetadata,
          response: withModel
        }
      default:
        return { status: "pending", providerMetadata, response: withModel }
    }
  }

  /** Reads the call options into the client's, with a warning for each setting Visgate does not take. */
  private prepare(options: VideoModelV4CallOptions) {
    const warnings: Array<SharedV4Warning> = []
    const vg = parseVideoOptions(options.providerOptions, warnings)
    const headers = readHeaders(options.headers, warnings)
    const unsupported = (feature: string, present: boolean, details: string) => {
      if (present) warnings.push({ type: "unsupported", feature, details })
    }
    const viaParams = "Pass the model's own parameter in providerOptions.visgate.params if it has one."
    unsupported(
      "aspectRatio",
      options.aspectRatio !== undefined,
      `Visgate video requests take no aspect ratio. ${viaParams}`
    )
    unsupported(
      "resolution",
      options.resolution !== undefined,
      `Visgate video requests take no resolution. ${viaParams}`
    )
    unsupported("fps", options.fps !== undefined, `Visgate video requests take no frame rate. ${viaParams}`)
    unsupported("seed", options.seed !== undefined, `Visgate video requests take no seed. ${viaParams}`)
    unsupported(
      "generateAudio",
      options.generateAudio !== undefined,
      `Visgate video requests take no audio switch. ${viaParams}`
    )
    unsupported(
      "inputReferences",
      (options.inputReferences?.length ?? 0) > 0,
      "Visgate video requests take one input image (the first frame), no references."
    )

    // The input image: `image` (the AI SDK sets it to the first `first_frame` too), else a `first_frame`.
    // Videos as input are not supported.
    let image = options.image
    for (const frame of options.frameImages ?? []) {
      if (frame.frameType === "first_frame" && (image === undefined || frame.image === image)) {
        image = frame.image
        continue
      }
      unsupported(
        "frameImages",
        true,
        frame.frameType === "last_frame"
          ? "Visgate video requests take a first frame only; the last frame was ignored."
          : "Visgate video requests take one first frame; an extra one was ignored."
      )
    }
    if (image !== undefined && image.mediaType?.startsWith("video/") === true) {
      unsupported("image", true, "Visgate video requests take an image as input, not a video; it was ignored.")
      image = undefined
    }
    const input: ImageInput = image !== undefined ? toImageInput(image) : {}

    const prompt = options.prompt ?? ""
    const request: Omit<VideoGenerateOptions, "preferAsync"> = defined({
      ...input,
      durationSeconds: options.duration,
      skipGcsUpload: vg.skipGcsUpload,
      webhookUrl: vg.webhookUrl,
      callbackId: vg.callbackId,
      params: vg.params,
      idempotencyKey: vg.idempotencyKey ?? headers.idempotencyKey
    })
    const requestBodyValues = defined({
      model: this.modelId,
      prompt,
      ...request,
      idempotencyKey: undefined,
      imageFile: "imageFile" in input ? `<${input.imageFile.byteLength} bytes>` : undefined
    })
    if (vg.pollTimeoutMs !== undefined && !(vg.pollTimeoutMs > 0)) {
      throw new InvalidArgumentError({
        argument: `providerOptions.${PROVIDER_KEY}.pollTimeoutMs`,
        message:
          `providerOptions.${PROVIDER_KEY}.pollTimeoutMs must be a positive number of ms, got ${vg.pollTimeoutMs}`
      })
    }
    return {
      prompt,
      request,
      warnings,
      pollTimeoutMs: vg.pollTimeoutMs,
      context: { url: this.config.url("/videos/generate"), requestBodyValues }
    }
  }
}
