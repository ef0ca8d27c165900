/**
 * The shapes of `providerMetadata.visgate` (all JSON). The AI SDK types provider metadata loosely;
 * cast to these to read it: `call.providerMetadata?.visgate as VisgateImageMetadata | undefined`.
 * They are type aliases with mutable arrays, so they stay comparable with the AI SDK's `JSONObject`.
 * `generationMetadata` builds the part every finished generation (image or video) reports.
 */
import type { ImageResult, VideoResult } from "@visgate_ai/client"
import { defined } from "./options.js"

/**
 * `providerMetadata.visgate` of a finished generation (a 200 image or video result): the fields
 * both report, then `extra` (each model's own), without the `undefined` ones (JSON only).
 */
export const generationMetadata = <X extends Record<string, unknown>>(result: ImageResult | VideoResult, extra: X) =>
  defined({
    requestId: result.id,
    model: result.model,
    provider: result.provider,
    status: result.status,
    cost: result.cost,
    cacheHit: result.cacheHit,
    cacheSource: result.cacheSource,
    savedAmount: result.savedAmount,
    latencyMs: result.latencyMs,
    createdAt: result.createdAt,
    ...extra
  })

/** One generated image: `providerMetadata.visgate.images[i]`, and `images[i].providerMetadata.visgate`. */
export type VisgateImageFileMetadata = {
  url: string
  /** The request that produced this image. */
  requestId: string
  provider: string
  cacheHit: boolean
  cacheSource?: string
}

/** One Visgate request of an image call. */
export type VisgateImageRequestMetadata = {
  /** Visgate's id of the generation. */
  requestId: string
  model: string
  /** `fal`, `replicate`, `runway`, `runpod`. */
  provider: string
  status: string
  /** Billed USD (0 on cache hits). */
  cost: number
  cacheHit: boolean
  /** `exact` or `semantic`. */
  cacheSource?: string
  /** USD a cache hit saved. */
  savedAmount?: number
  /** Provider cost a cache hit avoided, micro-USD. */
  providerCostAvoidedMicro?: number
  marginPercent?: number
  latencyMs?: number
  createdAt?: string
}

/**
 * `providerMetadata.visgate` of one image model call (`result.calls[i].providerMetadata`): the first
 * request's fields, with `cost` summed over the call's requests and `cacheHit` true only when every
 * request was a hit; `requests` lists them when there were several.
 */
export type VisgateImageMetadata = VisgateImageRequestMetadata & {
  images: Array<VisgateImageFileMetadata>
  requests?: Array<VisgateImageRequestMetadata>
}

/** `providerMetadata.visgate` of a video call (`result.providerMetadata`, `startVideo`, `getVideoStatus`). */
export type VisgateVideoMetadata = {
  /** Visgate's id of the generation (for async generations, the request id polled). */
  requestId: string
  model?: string
  provider?: string
  status: string
  /** Billed USD: only when the server answered at once (the async status does not report it). */
  cost?: number
  cacheHit?: boolean
  cacheSource?: string
  savedAmount?: number
  latencyMs?: number
  createdAt?: string
  completedAt?: string
  estimatedRemainingSeconds?: number
  /** The server's message of a failed generation. */
  errorMessage?: string
  videos?: Array<{ url: string }>
}
