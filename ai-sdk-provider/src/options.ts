/**
 * `providerOptions.visgate`: read and checked before any request (a wrong type is an
 * `InvalidArgumentError`, an unknown key a warning), plus the helpers both models share.
 */
import { InvalidArgumentError, type SharedV4Warning } from "@ai-sdk/provider"

/** The key of this provider in `providerOptions` and `providerMetadata`. */
export const PROVIDER_KEY = "visgate"

/** `providerOptions.visgate` for image models (`generateImage`). */
export interface VisgateImageProviderOptions {
  /** What the image should not contain. */
  readonly negativePrompt?: string
  /** Use Visgate's cache (exact or semantic match); the server default is `true`. */
  readonly preferCache?: boolean
  /** Maximum acceptable latency in ms. */
  readonly maxLatencyMs?: number
  /** Callback URL when done. */
  readonly webhookUrl?: string
  /** Id echoed in the callback payload. */
  readonly callbackId?: string
  /** Model-specific provider parameters (their own snake_case names), merged into the request body. */
  readonly params?: Record<string, unknown>
  /**
   * Your own `Idempotency-Key` (else one per call, or the `idempotency-key` header when you pass
   * one). Reused across the AI SDK's retries, so a retried call is never billed twice.
   */
  readonly idempotencyKey?: string
}

/** `providerOptions.visgate` for video models (`experimental_generateVideo`). */
export interface VisgateVideoProviderOptions {
  /** Return the provider's URL directly instead of copying the video to storage (faster). */
  readonly skipGcsUpload?: boolean
  /** Callback URL when done (the AI SDK's `webhook` option sets it too). */
  readonly webhookUrl?: string
  /** Id echoed in the callback payload. */
  readonly callbackId?: string
  /** Model-specific provider parameters (e.g. `{ aspect_ratio: "16:9" }`), merged into the request body. */
  readonly params?: Record<string, unknown>
  /** Your own `Idempotency-Key` (else the AI SDK's, or one per call). */
  readonly idempotencyKey?: string
  /**
   * Overall deadline in ms when the model waits itself (`experimental_generateVideo` without `poll`
   * or `webhook`); past it the call fails. Default: no deadline beyond the abort signal.
   */
  readonly pollTimeoutMs?: number
}

type Kind = "string" | "boolean" | "number" | "object"

const IMAGE_KEYS: Readonly<Record<keyof VisgateImageProviderOptions, Kind>> = {
  negativePrompt: "string",
  preferCache: "boolean",
  maxLatencyMs: "number",
  webhookUrl: "string",
  callbackId: "string",
  params: "object",
  idempotencyKey: "string"
}

const VIDEO_KEYS: Readonly<Record<keyof VisgateVideoProviderOptions, Kind>> = {
  skipGcsUpload: "boolean",
  webhookUrl: "string",
  callbackId: "string",
  params: "object",
  idempotencyKey: "string",
  pollTimeoutMs: "number"
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const parse = <O>(
  raw: unknown,
  keys: Readonly<Record<string, Kind>>,
  warnings: Array<SharedV4Warning>
): O => {
  if (raw === undefined || raw === null) return {} as O
  if (!isPlainObject(raw)) {
    throw new InvalidArgumentError({
      argument: `providerOptions.${PROVIDER_KEY}`,
      message: `providerOptions.${PROVIDER_KEY} must be an object`
    })
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    const kind = keys[key]
    if (kind === undefined) {
      warnings.push({
        type: "other",
        message: `Unknown option providerOptions.${PROVIDER_KEY}.${key} was ignored ` +
          `(known: ${Object.keys(keys).join(", ")}; model parameters go in params).`
      })
      continue
    }
    if (value === undefined || value === null) continue
    const ok = kind === "object" ? isPlainObject(value) : typeof value === kind &&
      (kind !== "number" || Number.isFinite(value))
    if (!ok) {
      throw new InvalidArgumentError({
        argument: `providerOptions.${PROVIDER_KEY}.${key}`,
        message: `providerOptions.${PROVIDER_KEY}.${key} must be ${kind === "object" ? "an object" : `a ${kind}`}, ` +
          `got ${Array.isArray(value) ? "an array" : typeof value}`
      })
    }
    out[key] = value
  }
  return out as O
}

/** Reads `providerOptions.visgate` of an image call. */
export const parseImageOptions = (
  providerOptions: Readonly<Record<string, unknown>> | undefined,
  warnings: Array<SharedV4Warning>
): VisgateImageProviderOptions => parse(providerOptions?.[PROVIDER_KEY], IMAGE_KEYS, warnings)

/** Reads `providerOptions.visgate` of a video call. */
export const parseVideoOptions = (
  providerOptions: Readonly<Record<string, unknown>> | undefined,
  warnings: Array<SharedV4Warning>
): VisgateVideoProviderOptions => parse(providerOptions?.[PROVIDER_KEY], VIDEO_KEYS, warnings)

/**
 * The AI SDK's per-call `headers`. The Visgate client sends its own headers (auth, BYOK, `User-Agent`),
 * so only `idempotency-key` is used (as the call's Idempotency-Key); the AI SDK's own `user-agent`
 * suffix is dropped quietly and any other header is reported as an unsupported setting.
 */
export const readHeaders = (
  headers: Readonly<Record<string, string | undefined>> | undefined,
  warnings: Array<SharedV4Warning>
): { readonly idempotencyKey: string | undefined } => {
  let idempotencyKey: string | undefined
  const ignored: Array<string> = []
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (lower === "idempotency-key") idempotencyKey = value
    else if (lower !== "user-agent") ignored.push(name)
  }
  if (ignored.length > 0) {
    warnings.push({
      type: "unsupported",
      feature: "headers",
      details: `Visgate sends its own headers; these were not sent: ${ignored.join(", ")}.`
    })
  }
  return { idempotencyKey }
}

/** A file part of a call (`{ type: "url" }` or `{ type: "file" }` with base64 or bytes) as the client's input. */
export type FileInput =
  | { readonly type: "url"; readonly url: string }
  | { readonly type: "file"; readonly data: string | Uint8Array; readonly mediaType?: string }

/** `imageUrl` or `imageFile` of the client's generate options (none without an input file). */
export type ImageInput =
  | { readonly imageUrl: string }
  | { readonly imageFile: Uint8Array }
  | { readonly imageUrl?: never; readonly imageFile?: never }

/** `imageUrl` or `imageFile` of the client's generate options for one input file. */
export const toImageInput = (file: FileInput): ImageInput =>
  file.type === "url"
    ? { imageUrl: file.url }
    : { imageFile: typeof file.data === "string" ? base64ToBytes(file.data) : file.data }

/** Standard (or URL-safe) base64 to bytes, with the runtime's `atob` (Node 16+, browsers, edge). */
export const base64ToBytes = (base64: string): Uint8Array => {
  const binary = atob(base64.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, ""))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Copies only the defined values (`exactOptionalPropertyTypes`-friendly option objects, JSON metadata). */
export const defined = <T extends Record<string, unknown>>(record: T): { [K in keyof T]: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as never
