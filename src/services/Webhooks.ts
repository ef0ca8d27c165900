/**
 * `Webhooks`: verifying and parsing the Deploy API's outbound webhooks (reference §3.13).
 *
 * A receiver checks the `X-Visgate-Internal-Secret` header against its own secret (in constant
 * time; before reading the body), reads the body up to a cap (default 1 MiB; a streaming body is
 * cancelled as soon as it passes the cap), and decodes the JSON into a {@link WebhookEvent}
 * discriminated by `event`. Failures are typed: `WebhookVerificationError` (missing or wrong
 * secret, no secret configured, body over the cap), `DecodeError` (not JSON, not an object, a
 * field of a known event that does not match, naming the field), `ValidationError` (a bad option,
 * or a body that was already parsed). No message ever contains a secret.
 *
 * Web-standard only (`Request`, `ReadableStream`, `TextEncoder`): Node 18+, browsers, edge
 * runtimes and Workers.
 *
 * ```ts
 * const event = yield* Webhooks.unwrap(request, { secret: Redacted.make(secret) })
 * if (event.event === "deployment_ready") console.log(event.endpointUrl)
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { constantTimeEqual } from "../internal/constantTime.js"
import { describeParseError } from "../internal/schema.js"
import { DecodeError, ValidationError, WebhookVerificationError } from "../schemas/Errors.js"
import {
  DEFAULT_WEBHOOK_MAX_BYTES,
  DEPLOYMENT_READY,
  DeploymentReadyEvent,
  INFERENCE_JOB_PREFIX,
  InferenceJobEventFromWire,
  UnknownWebhookEvent,
  WEBHOOK_SECRET_HEADER,
  type WebhookEvent
} from "../schemas/Webhooks.js"

/** The shared secret: a string or a `Redacted` string. */
export type WebhookSecret = string | Redacted.Redacted<string>

/** Options of {@link unwrap} and {@link unwrapRaw}. */
export interface UnwrapOptions {
  /**
   * The secret the Deploy API sends in `X-Visgate-Internal-Secret`. Required: `undefined` or
   * `""` (an unset environment variable) refuses every webhook (`secret_not_configured`)
   * rather than accepting unverified ones.
   */
  readonly secret: WebhookSecret | undefined
  /** Largest body accepted, in bytes (a positive integer). Default 1 MiB. */
  readonly maxBytes?: number | undefined
}

/** A raw body: the text, or its bytes (`Uint8Array`, Node's `Buffer`, an `ArrayBuffer`). */
export type WebhookRawBody = string | Uint8Array | ArrayBuffer

/** Headers: a web `Headers`, or a plain object such as Node's `IncomingHttpHeaders` (any case). */
export type WebhookHeaders =
  | Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | number | undefined>>

/** Every way {@link unwrap} and {@link unwrapRaw} can fail. */
export type WebhookError = WebhookVerificationError | DecodeError | ValidationError

const ENDPOINT = "webhook"
const encoder = new TextEncoder()

const refused = (reason: WebhookVerificationError["reason"], message: string, details: Record<string, unknown> = {}) =>
  new WebhookVerificationError({
    message,
    errorCode: reason === "body_too_large" ? "WEBHOOK_BODY_TOO_LARGE" : "WEBHOOK_VERIFICATION_FAILED",
    reason,
    details
  })

const decodeFailure = (message: string, field?: string, details: Record<string, unknown> = {}) =>
  new DecodeError({
    message: `Invalid webhook payload: ${message}`,
    errorCode: "DECODE_ERROR",
    endpoint: ENDPOINT,
    ...(field !== undefined ? { field } : {}),
    details
  })

const tooLarge = (maxBytes: number) =>
  refused("body_too_large", `The webhook body is larger than ${maxBytes} bytes (maxBytes)`, { maxBytes })

// ----------------------------------------------------------------------------- options

const checkMaxBytes = (options: UnwrapOptions): Effect.Effect<number, ValidationError> => {
  const max = options.maxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES
  return Number.isSafeInteger(max) && max > 0
    ? Effect.succeed(max)
    : Effect.fail(
      new ValidationError({
        message: `maxBytes must be a positive integer, got ${String(max)}`,
        errorCode: "VALIDATION_ERROR",
        field: "maxBytes"
      })
    )
}

const secretBytes = (secret: unknown): Uint8Array | undefined => {
  const value = Redacted.isRedacted(secret) ? Redacted.value(secret as Redacted.Redacted<unknown>) : secret
  return typeof value === "string" && value !== "" ? encoder.encode(value) : undefined
}

// ----------------------------------------------------------------------------- headers

const isWebHeaders = (h: WebhookHeaders): h is Headers =>
  typeof (h as { get?: unknown }).get === "function" && typeof (h as { has?: unknown }).has === "function"

/** The one value of header `name` (any case); `null` when several differ or it is not a string. */
const headerOf = (headers: WebhookHeaders | undefined, name: string): string | undefined | null => {
  if (headers === undefined || headers === null) return undefined
  if (isWebHeaders(headers)) return headers.get(name) ?? undefined
  let found: string | undefined
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue
    const raw = headers[key]
    if (raw === undefined) continue
    const values = Array.isArray(raw) ? raw : [raw]
    for (const v of values) {
      if (typeof v !== "string") return null
      if (found !== undefined && found !== v) return null
      found = v
    }
  }
  return found
}

// ----------------------------------------------------------------------------- verification

/**
 * Checks the `X-Visgate-Internal-Secret` header against `secret` in constant time. Fails with
 * `WebhookVerificationError` (`secret_not_configured`, `missing_secret`, `invalid_secret`).
 */
export const verifySecret = (
  headers: WebhookHeaders | undefined,
  secret: WebhookSecret | undefined
): Effect.Effect<void, WebhookVerificationError> =>
  Effect.suspend(() => {
    const expected = secretBytes(secret)
    if (expected === undefined) {
      return Effect.fail(refused(
        "secret_not_configured",
        "No webhook secret is configured (the `secret` option is empty): every webhook is refused until one is set"
      ))
    }
    const received = headerOf(headers, WEBHOOK_SECRET_HEADER)
    if (received === undefined || received === "") {
      return Effect.fail(refused("missing_secret", "The webhook has no X-Visgate-Internal-Secret header"))
    }
    // several different values count as a wrong secret (the comparison still runs in full)
    const ok = constantTimeEqual(encoder.encode(received ?? ""), expected) && received !== null
    return ok ? Effect.void : Effect.fail(
      refused("invalid_secret", "The webhook's X-Visgate-Internal-Secret header does not match the configured secret")
    )
  })

// ----------------------------------------------------------------------------- body

const concat = (chunks: ReadonlyArray<Uint8Array>, total: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** Reads a stream up to `maxBytes`: `undefined` (and the stream cancelled) as soon as it passes the cap. */
const readCapped = async (
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal
): Promise<Uint8Array | undefined> => {
  const reader = body.getReader()
  const onAbort = () => {
    reader.cancel().catch(() => undefined)
  }
  signal.addEventListener("abort", onAbort, { once: true })
  const chunks: Array<Uint8Array> = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return concat(chunks, total)
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        return undefined
      }
      chunks.push(value)
    }
  } finally {
    signal.removeEventListener("abort", onAbort)
  }
}

const requestBody = (request: Request, maxBytes: number): Effect.Effect<Uint8Array, WebhookError> => {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) return Effect.fail(tooLarge(maxBytes))
  if (request.bodyUsed) {
    return Effect.fail(
      new ValidationError({
        message: "The request body was already read: pass the Request to unwrap before reading it",
        errorCode: "VALIDATION_ERROR",
        field: "request"
      })
    )
  }
  const body = request.body
  if (body === null) return Effect.succeed(new Uint8Array(0))
  return Effect.tryPromise({
    try: (signal) => readCapped(body, maxBytes, signal),
    catch: (cause) => decodeFailure(`the body could not be read (${String(cause)})`, "body")
  }).pipe(Effect.flatMap((bytes) => bytes === undefined ? Effect.fail(tooLarge(maxBytes)) : Effect.succeed(bytes)))
}

const rawBytes = (body: unknown, maxBytes: number): Effect.Effect<Uint8Array, WebhookError> => {
  if (typeof body === "string") {
    // UTF-8 needs at least one byte per UTF-16 unit: a longer string is over the cap unencoded
    if (body.length > maxBytes) return Effect.fail(tooLarge(maxBytes))
    const bytes = encoder.encode(body)
    return bytes.length > maxBytes ? Effect.fail(tooLarge(maxBytes)) : Effect.succeed(bytes)
  }
  const bytes = body instanceof Uint8Array
    ? body
    : body instanceof ArrayBuffer
    ? new Uint8Array(body)
    : ArrayBuffer.isView(body)
    ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    : undefined
  if (bytes === undefined) {
    return Effect.fail(
      new ValidationError({
        message: `unwrapRaw needs the raw body (a string or bytes), got ${
          body === null ? "null" : typeof body
        }: with Express, use express.raw({ type: "application/json" }) on the webhook route`,
        errorCode: "VALIDATION_ERROR",
        field: "body"
      })
    )
  }
  return bytes.length > maxBytes ? Effect.fail(tooLarge(maxBytes)) : Effect.succeed(bytes)
}

// ----------------------------------------------------------------------------- decoding

const decodeReady = Schema.decodeUnknown(DeploymentReadyEvent)
const decodeJob = Schema.decodeUnknown(InferenceJobEventFromWire)
const utf8 = new TextDecoder("utf-8", { fatal: true })

const schemaFailure = (event: string) => (error: ParseResult.ParseError): DecodeError => {
  const { field, issues, what } = describeParseError(error)
  return decodeFailure(`${event}: ${what}`, field, { event, issues })
}

/**
 * Decodes a parsed webhook payload (already verified) into its event: `deployment_ready`,
 * `inference_job_<status>`, or {@link UnknownWebhookEvent} for any other `event`.
 */
export const decodeEvent = (payload: unknown): Effect.Effect<WebhookEvent, DecodeError> => {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return Effect.fail(decodeFailure("the body must be a JSON object", "body"))
  }
  const record = payload as Record<string, unknown>
  const event = record.event
  if (typeof event !== "string" || event === "") {
    return Effect.fail(decodeFailure("field \"event\" must be a non-empty string", "event"))
  }
  if (event === DEPLOYMENT_READY) return Effect.mapError(decodeReady(payload), schemaFailure(event))
  if (event.startsWith(INFERENCE_JOB_PREFIX) && event.length > INFERENCE_JOB_PREFIX.length) {
    return Effect.mapError(decodeJob(payload), schemaFailure(event))
  }
  return Effect.succeed(new UnknownWebhookEvent({ event: "unknown", rawEvent: event, payload: record }))
}

/** Decodes the bytes of a body: UTF-8 text, then JSON, then {@link decodeEvent}. */
export const decodeBody = (bytes: Uint8Array): Effect.Effect<WebhookEvent, DecodeError> =>
  Effect.suspend(() => {
    let text: string
    try {
      text = utf8.decode(bytes)
    } catch {
      return Effect.fail(decodeFailure("the body is not valid UTF-8", "body"))
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return Effect.fail(decodeFailure(`the body is not valid JSON (${bytes.length} bytes)`, "body"))
    }
    return decodeEvent(json)
  })

// ----------------------------------------------------------------------------- entry points

/**
 * Verifies and parses a webhook delivered as a web `Request` (Next.js route handlers, edge
 * functions, Workers, Deno, Bun): the secret header first, then the body, read as a stream and
 * cancelled once it passes `maxBytes`.
 */
export const unwrap = (request: Request, options: UnwrapOptions): Effect.Effect<WebhookEvent, WebhookError> =>
  Effect.flatMap(checkMaxBytes(options), (maxBytes) =>
    verifySecret(request.headers, options.secret).pipe(
      Effect.zipRight(requestBody(request, maxBytes)),
      Effect.flatMap(decodeBody)
    ))

/**
 * Verifies and parses a webhook from its raw body and headers (Node's `http`, Express with
 * `express.raw({ type: "application/json" })`, Fastify, ...). `headers` may be Node's
 * `IncomingHttpHeaders` or a web `Headers`.
 */
export const unwrapRaw = (
  body: WebhookRawBody,
  headers: WebhookHeaders,
  options: UnwrapOptions
): Effect.Effect<WebhookEvent, WebhookError> =>
  Effect.flatMap(checkMaxBytes(options), (maxBytes) =>
    verifySecret(headers, options.secret).pipe(
      Effect.zipRight(rawBytes(body, maxBytes)),
      Effect.flatMap(decodeBody)
    ))

// ----------------------------------------------------------------------------- service

/** The `Webhooks` service: {@link unwrap} and {@link unwrapRaw} with the secret and cap bound. */
export interface Service {
  readonly unwrap: (request: Request) => Effect.Effect<WebhookEvent, WebhookError>
  readonly unwrapRaw: (body: WebhookRawBody, headers: WebhookHeaders) => Effect.Effect<WebhookEvent, WebhookError>
}

/** Tag of the `Webhooks` service. */
export class Webhooks extends Context.Tag("@visgate_ai/client/Webhooks")<Webhooks, Service>() {}

/** Builds the service with `options` bound. */
export const make = (options: UnwrapOptions): Service => ({
  unwrap: (request) => unwrap(request, options),
  unwrapRaw: (body, headers) => unwrapRaw(body, headers, options)
})

/** The `Webhooks` layer with a given secret (and cap). */
export const layer = (options: UnwrapOptions): Layer.Layer<Webhooks> => Layer.succeed(Webhooks, make(options))

/**
 * The `Webhooks` layer with the secret read from Effect's `Config`, by default the
 * `VISGATE_WEBHOOK_SECRET` environment variable (as a `Redacted`).
 */
export const layerConfig = (
  secret: Config.Config<Redacted.Redacted<string>> = Config.redacted("VISGATE_WEBHOOK_SECRET"),
  options: { readonly maxBytes?: number | undefined } = {}
): Layer.Layer<Webhooks, ConfigError.ConfigError> =>
  Layer.effect(Webhooks, Effect.map(secret, (s) => make({ secret: s, maxBytes: options.maxBytes })))
