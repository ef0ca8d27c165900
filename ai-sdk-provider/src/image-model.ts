/**
 * `visgate.image(modelId)`: an AI SDK image model (`ImageModelV4`) over `client.images.generate`
 * (`POST /images/generate`), returning the generated images as bytes.
 */
import {
  APICallError,
  type ImageModelV4,
  type ImageModelV4CallOptions,
  type ImageModelV4Result,
  InvalidArgumentError,
  type SharedV4Warning
} from "@ai-sdk/provider"
import type { ImageGenerateOptions, ImageResult } from "@visgate_ai/client"
import type { ModelConfig } from "./config.js"
import { isAbortError, mapErrors, RETRYABLE_STATUSES } from "./errors.js"
import { generationMetadata } from "./metadata.js"
import { defined, type ImageInput, parseImageOptions, PROVIDER_KEY, readHeaders, toImageInput } from "./options.js"

/** Images one `POST /images/generate` returns at most (`num_images` 1..4). */
export const IMAGES_PER_REQUEST = 4

/**
 * `maxImagesPerCall` of the image models: any `n` is one model call, which the model sends as
 * requests of at most {@link IMAGES_PER_REQUEST} images. Splitting here rather than in the AI SDK
 * keeps the images distinct: only the first request may be served from Visgate's cache, and each
 * further request gets its own seed (`seed + images before it`) and Idempotency-Key.
 */
export const MAX_IMAGES_PER_CALL = Number.MAX_SAFE_INTEGER

/** Longest side of a size derived from `aspectRatio` alone. */
const ASPECT_RATIO_LONG_SIDE = 1024

/** `"W:H"` → width and height with the longer side 1024, each a multiple of 8. */
const sizeFromAspectRatio = (aspectRatio: string): { readonly width: number; readonly height: number } => {
  const [w, h] = aspectRatio.split(":").map(Number)
  if (w === undefined || h === undefined || !(w > 0) || !(h > 0) || !Number.isFinite(w) || !Number.isFinite(h)) {
    throw new InvalidArgumentError({
      argument: "aspectRatio",
      message: `aspectRatio must look like "16:9", got ${JSON.stringify(aspectRatio)}`
    })
  }
  const round8 = (x: number) => Math.max(8, Math.round(x / 8) * 8)
  return w >= h
    ? { width: ASPECT_RATIO_LONG_SIDE, height: round8((ASPECT_RATIO_LONG_SIDE * h) / w) }
    : { width: round8((ASPECT_RATIO_LONG_SIDE * w) / h), height: ASPECT_RATIO_LONG_SIDE }
}

const parseSize = (size: string): { readonly width: number; readonly height: number } => {
  const [width, height] = size.split("x").map(Number)
  if (width === undefined || height === undefined || !Number.isInteger(width) || !Number.isInteger(height)) {
    throw new InvalidArgumentError({
      argument: "size",
      message: `size must look like "1024x768", got ${JSON.stringify(size)}`
    })
  }
  return { width, height }
}

/** `providerMetadata.visgate` of one request (JSON only). */
const requestMetadata = (result: ImageResult) =>
  generationMetadata(result, {
    providerCostAvoidedMicro: result.providerCostAvoidedMicro,
    marginPercent: result.marginPercent
  })

/** Sizes of the requests for `n` images: 4, 4, ..., the rest. */
const batches = (n: number): Array<number> =>
  Array.from(
    { length: Math.ceil(n / IMAGES_PER_REQUEST) },
    (_, i) => Math.min(IMAGES_PER_REQUEST, n - i * IMAGES_PER_REQUEST)
  )

export class VisgateImageModel implements ImageModelV4 {
  readonly specificationVersion = "v4"
  readonly maxImagesPerCall: number = MAX_IMAGES_PER_CALL
  /** One input image is sent (img2img); masks are not supported. */
  readonly supportsFileInputs = true
  readonly supportsMaskInputs = false

  constructor(readonly modelId: string, private readonly config: ModelConfig) {}

  get provider(): string {
    return this.config.provider
  }

  async doGenerate(options: ImageModelV4CallOptions): Promise<ImageModelV4Result> {
    const timestamp = this.config.now()
    const warnings: Array<SharedV4Warning> = []
    const vg = parseImageOptions(options.providerOptions, warnings)
    const headers = readHeaders(options.headers, warnings)

    let dimensions: { readonly width: number; readonly height: number } | undefined
    if (options.size !== undefined) {
      dimensions = parseSize(options.size)
      if (options.aspectRatio !== undefined) {
        warnings.push({
          type: "unsupported",
          feature: "aspectRatio",
          details: "Visgate takes a width and a height: size was used and aspectRatio ignored."
        })
      }
    } else if (options.aspectRatio !== undefined) {
      dimensions = sizeFromAspectRatio(options.aspectRatio)
    }

    const files = options.files ?? []
    if (files.length > 1) {
      warnings.push({
        type: "unsupported",
        feature: "files",
        details: `Visgate takes one input image; the first was sent and ${files.length - 1} ignored.`
      })
    }
    if (options.mask !== undefined) {
      warnings.push({ type: "unsupported", feature: "mask", details: "Visgate image models take no mask." })
    }

    const prompt = options.prompt ?? ""
    const idempotencyKey = vg.idempotencyKey ?? headers.idempotencyKey
    const request: Omit<ImageGenerateOptions, "preferAsync"> = defined({
      width: dimensions?.width,
      height: dimensions?.height,
      seed: options.seed,
      negativePrompt: vg.negativePrompt,
      preferCache: vg.preferCache,
      maxLatencyMs: vg.maxLatencyMs,
      webhookUrl: vg.webhookUrl,
      callbackId: vg.callbackId,
      params: vg.params
    })
    const first = files[0]
    const input: ImageInput = first !== undefined ? toImageInput(first) : {}
    const url = this.config.url("/images/generate")
    const signal = options.abortSignal !== undefined ? { signal: options.abortSignal } : {}

    /** One request for `count` images; `offset` images come before it in this call. */
    const send = (count: number, offset: number, index: number, allowCache: boolean) => {
      const body: Omit<ImageGenerateOptions, "preferAsync"> = {
        ...request,
        numImages: count,
        ...(options.seed !== undefined && offset > 0 ? { seed: options.seed + offset } : {}),
        ...(allowCache ? {} : { preferCache: false }),
        ...(idempotencyKey !== undefined
          ? { idempotencyKey: index === 0 ? idempotencyKey : `${idempotencyKey}-${index + 1}` }
          : {})
      }
      const requestBodyValues = defined({
        model: this.modelId,
        prompt,
        ...body,
        idempotencyKey: undefined,
        imageUrl: "imageUrl" in input ? input.imageUrl : undefined,
        imageFile: "imageFile" in input ? `<${input.imageFile.byteLength} bytes>` : undefined
      })
      return mapErrors(
        { url, requestBodyValues },
        () => this.config.client().images.generate(this.modelId, prompt, { ...body, ...input, ...signal })
      )
    }

    // The first request may be served from the cache (which answers with the images it has, more
    // or fewer than asked); the rest of the images come from uncached requests, sent in parallel.
    // With `preferCache: false` every request goes at once.
    const cacheable = request.preferCache !== false
    const firstCount = Math.min(options.n, IMAGES_PER_REQUEST)
    const head = cacheable ? [await send(firstCount, 0, 0, true)] : []
    const headImages = head.flatMap((result) =>
      result.images.slice(0, firstCount).map((imageUrl) => ({ imageUrl, result }))
    )
    const rest = cacheable && headImages.length === 0 ? [] : batches(options.n - headImages.length)
    const tail = await Promise.all(
      rest.map((count, i) => send(count, headImages.length + i * IMAGES_PER_REQUEST, head.length + i, false))
    )
    const results = [...head, ...tail]
    const picked = [
      ...headImages,
      ...tail.flatMap((result, i) => result.images.slice(0, rest[i]).map((imageUrl) => ({ imageUrl, result })))
    ]

    if (picked.length > 0 && picked.length < options.n) {
      warnings.push({
        type: "other",
        message: `Visgate returned ${picked.length} of the ${options.n} images asked for.`
      })
    }
    const images = await Promise.all(picked.map(({ imageUrl }) => this.download(imageUrl, options.abortSignal)))
    const requests = results.map(requestMetadata)
    const main = requests[0]!
    return {
      images,
      // An empty answer was still a billed call: the AI SDK must not submit it again.
      ...(images.length === 0 ? { isRetryable: false } : {}),
      warnings,
      providerMetadata: {
        [PROVIDER_KEY]: {
          images: picked.map(({ imageUrl, result }) =>
            defined({
              url: imageUrl,
              requestId: result.id,
              provider: result.provider,
              cacheHit: result.cacheHit,
              cacheSource: result.cacheSource
            })
          ),
          ...main,
          cost: Math.round(results.reduce((sum, r) => sum + r.cost, 0) * 1e9) / 1e9,
          cacheHit: results.every((r) => r.cacheHit),
          ...(requests.length > 1 ? { requests } : {})
        }
      },
      response: { timestamp, modelId: main.model, headers: undefined }
    }
  }

  /** The bytes of one generated image (aborted with the call). */
  private async download(imageUrl: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const fail = (message: string, extra: { statusCode?: number; cause?: unknown; isRetryable: boolean }) =>
      new APICallError({ message, url: imageUrl, requestBodyValues: {}, ...extra })
    let response: Response
    try {
      response = await this.config.fetch()(imageUrl, signal !== undefined ? { signal } : {})
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw error
      throw fail(`Could not download the generated image ${imageUrl}`, { cause: error, isRetryable: true })
    }
    if (!response.ok) {
      throw fail(`Downloading the generated image ${imageUrl} failed with HTTP ${response.status}`, {
        statusCode: response.status,
        isRetryable: RETRYABLE_STATUSES.has(response.status)
      })
    }
    return new Uint8Array(await response.arrayBuffer())
  }
}
