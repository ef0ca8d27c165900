/**
 * The core client: the one place that owns HTTP, authentication, retries and error mapping.
 * Every resource service (`Images`, `Videos`, `Requests`, ...) sends its requests through it.
 *
 * The pipeline for one logical call:
 *
 * 1. build the request once (URL, query, JSON body, `Idempotency-Key` for generation POSTs);
 * 2. per attempt: resolve auth (`getToken` is awaited every attempt), send, read the body,
 *    all under the per-attempt `timeout`; a status >= 400 fails with the raw HTTP failure;
 * 3. retry raw failures with {@link retryPolicy} (408/429/5xx, timeouts, connection errors);
 * 4. map what is left to the typed errors of `schemas/Errors.ts`, once, after the retries;
 * 5. decode the body with the caller's schema decoder (a failure names the field).
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { constTrue } from "effect/Function"
import * as Layer from "effect/Layer"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import {
  AuthenticationError,
  ConnectionError,
  DecodeError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  VisgateError
} from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { isBrowser } from "../internal/runtime.js"
import * as FetchClient from "../internal/fetchClient.js"
import { timeoutFail } from "../internal/timeout.js"
import { USER_AGENT } from "../internal/version.js"
import { type ResolvedConfig, VisgateConfig } from "./VisgateConfig.js"

// -----------------------------------------------------------------------------
// Request description
// -----------------------------------------------------------------------------

/** Query values; `undefined` and `null` are left out, booleans are sent as `"true"` / `"false"`. */
export type QueryValue = string | number | boolean | undefined | null

/** One logical API call. */
export interface RequestSpec {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** Path relative to the base URL, starting with `/` (segments already encoded). */
  readonly path: string
  readonly query?: Readonly<Record<string, QueryValue>> | undefined
  /** JSON body (already in wire form). `undefined` means no body and no `Content-Type`. */
  readonly body?: unknown
  /** Extra headers (e.g. `Prefer`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * Send an `Idempotency-Key` that stays the same on every retry of this call: `true`
   * generates one, a string is used as is.
   */
  readonly idempotencyKey?: boolean | string | undefined
  /** Which base URL: the API (default) or the deployments base. */
  readonly base?: "api" | "deployments" | undefined
  /** Per-call override of the per-attempt timeout, in ms. */
  readonly timeoutMs?: number | undefined
}

/** A successful response, body parsed (`undefined` for an empty body). */
export interface JsonResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: unknown
}

/** A schema decoder built once per model (`Schema.decodeUnknown(Model)`). */
export type Decoder<A> = (u: unknown) => Effect.Effect<A, ParseResult.ParseError>

// -----------------------------------------------------------------------------
// Raw failures: what the retry policy sees
// -----------------------------------------------------------------------------

/** A response with status >= 400, body read as text. @internal */
export class HttpStatusFailure extends Data.TaggedError("HttpStatusFailure")<{
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}> {}

/** One attempt exceeded the per-attempt timeout. @internal */
export class AttemptTimeout extends Data.TaggedError("AttemptTimeout")<{ readonly timeoutMs: number }> {}

/** Transport failure: no response (refused, reset, DNS, CORS, body cut off). @internal */
export class TransportFailure extends Data.TaggedError("TransportFailure")<{
  readonly reason: "Transport" | "InvalidUrl" | "Encode" | "Body"
  readonly cause: unknown
}> {}

/** Everything an attempt can fail with before mapping. */
export type RawFailure = HttpStatusFailure | AttemptTimeout | TransportFailure

/** Statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** Whether a raw failure is retried. Domain errors (auth hooks, validation) never are. */
export const isRetryable = (u: unknown): boolean => {
  if (!(u instanceof Error) || !("_tag" in u)) return false
  switch (u._tag) {
    case "HttpStatusFailure":
      return RETRYABLE_STATUSES.has((u as HttpStatusFailure).status)
    case "AttemptTimeout":
      return true
    case "TransportFailure":
      return (u as TransportFailure).reason === "Transport" || (u as TransportFailure).reason === "Body"
    default:
      return false
  }
}

/** Longest `Retry-After` we wait, in ms. */
export const MAX_RETRY_AFTER_MS = 60_000

/**
 * Parses `Retry-After` (delta-seconds or HTTP date) into milliseconds from `now`, capped at 60 s.
 * Returns `undefined` when the header is absent or unreadable.
 */
export const parseRetryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === "") return undefined
  let ms: number
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1000
  } else {
    const date = Date.parse(trimmed)
    if (Number.isNaN(date)) return undefined
    ms = date - now
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS)
}

/**
 * The one retry policy: exponential from 500 ms, jittered (x0.8..1.2), capped at 8 s, at most
 * `maxRetries` retries, only for retryable raw failures, waiting `Retry-After` (capped at 60 s)
 * instead of the backoff when the response carries it.
 */
export const retryPolicy = (maxRetries: number): Schedule.Schedule<unknown, unknown> =>
  Schedule.exponential("500 millis").pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(8))),
    Schedule.intersect(Schedule.recurs(maxRetries)),
    Schedule.intersect(Schedule.identity<unknown>()),
    Schedule.whileInput(isRetryable),
    Schedule.modifyDelayEffect(([, failure], delay) =>
      failure instanceof HttpStatusFailure && failure.headers["retry-after"] !== undefined
        ? Effect.map(Clock.currentTimeMillis, (now) => {
          const ms = parseRetryAfterMs(failure.headers["retry-after"], now)
          return ms === undefined ? delay : Duration.millis(ms)
        })
        : Effect.succeed(delay)
    )
  )

// -----------------------------------------------------------------------------
// Error mapping: once, after the retries
// -----------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const safeJson = (text: string): unknown => {
  if (text.trim() === "") return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const summarizeText = (text: string): string => {
  const plain = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  return plain.length > 300 ? `${plain.slice(0, 300)}...` : plain
}

interface Envelope {
  readonly code: string | undefined
  readonly message: string | undefined
  readonly details: Record<string, unknown>
  readonly field: string | undefined
}

/** Reads `{error, message, details}`, FastAPI's `{detail: [...]}` and `{detail: "..." | {error, message}}`. */
const readEnvelope = (json: unknown): Envelope => {
  if (!isRecord(json)) return { code: undefined, message: undefined, details: {}, field: undefined }
  const details = isRecord(json.details) ? json.details : {}
  let code = typeof json.error === "string" ? json.error : undefined
  let message = typeof json.message === "string" ? json.message : undefined
  let field = typeof details.field === "string" ? details.field : undefined
  const detail = json.detail
  if (Array.isArray(detail) && detail.length > 0 && isRecord(detail[0])) {
    const first = detail[0]
    if (Array.isArray(first.loc)) {
      const loc = first.loc.filter((p) => p !== "body" && p !== "query" && p !== "path")
      if (field === undefined && loc.length > 0) field = String(loc[loc.length - 1])
    }
    if (message === undefined && typeof first.msg === "string") {
      message = field !== undefined ? `${field}: ${first.msg}` : first.msg
    }
  } else if (typeof detail === "string") {
    message ??= detail
  } else if (isRecord(detail)) {
    if (code === undefined && typeof detail.error === "string") code = detail.error
    if (message === undefined && typeof detail.message === "string") message = detail.message
  }
  return { code, message, details, field }
}

const requestIdOf = (headers: Headers.Headers): string | undefined =>
  headers["x-request-id"] ?? headers["request-id"] ?? headers["x-visgate-request-id"]

/** Maps an HTTP status failure to the typed error hierarchy. */
export const fromHttpFailure = (failure: HttpStatusFailure, now: number): VisgateApiError => {
  const { headers, status, text } = failure
  const json = safeJson(text)
  const env = readEnvelope(json)
  const fallbackMessage = json === undefined && text.trim() !== ""
    ? `HTTP ${status}: ${summarizeText(text)}`
    : `HTTP ${status}`
  const requestId = requestIdOf(headers)
  const base = {
    statusCode: status,
    details: env.details,
    ...(requestId !== undefined ? { requestId } : {})
  }
  if (status === 401) {
    return new AuthenticationError({
      ...base,
      message: env.message ?? "Invalid or missing API key",
      errorCode: env.code ?? "AUTHENTICATION_ERROR"
    })
  }
  if (status === 422) {
    return new ValidationError({
      ...base,
      message: env.message ?? fallbackMessage,
      errorCode: env.code ?? "VALIDATION_ERROR",
      ...(env.field !== undefined ? { field: env.field } : {})
    })
  }
  if (status === 429) {
    const fromHeader = parseRetryAfterMs(headers["retry-after"], now)
    const fromBody = typeof env.details.retry_after_seconds === "number" ? env.details.retry_after_seconds : undefined
    const retryAfter = fromHeader !== undefined ? Math.round(fromHeader / 100) / 10 : fromBody
    return new RateLimitError({
      ...base,
      message: env.message ?? "Rate limit exceeded",
      errorCode: env.code ?? "RATE_LIMIT_ERROR",
      ...(retryAfter !== undefined ? { retryAfter } : {})
    })
  }
  const code = env.code ?? (json === undefined ? `HTTP_${status}` : "UNKNOWN_ERROR")
  const message = env.message ?? fallbackMessage
  if (code.includes("PROVIDER")) {
    return new ProviderError({
      ...base,
      message,
      errorCode: code,
      provider: typeof env.details.provider === "string" ? env.details.provider : "unknown"
    })
  }
  return new VisgateError({ ...base, message, errorCode: code })
}

const causeMessage = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause
    const innerText = inner instanceof Error ? `: ${inner.message}` : ""
    return `${cause.message}${innerText}`
  }
  return String(cause)
}

/** Maps whatever is left after the retries to the typed error hierarchy. */
export const toVisgateError = (
  failure: RawFailure | VisgateApiError,
  attempts: number,
  endpoint: string,
  now: number
): VisgateApiError => {
  switch (failure._tag) {
    case "HttpStatusFailure":
      return fromHttpFailure(failure, now)
    case "AttemptTimeout":
      return new TimeoutError({
        message: `${endpoint} timed out after ${failure.timeoutMs} ms (${attempts} attempt${attempts === 1 ? "" : "s"})`,
        errorCode: "TIMEOUT_ERROR",
        attempts
      })
    case "TransportFailure":
      if (failure.reason === "InvalidUrl") {
        return new ValidationError({
          message: `Invalid request URL for ${endpoint}: ${causeMessage(failure.cause)}. Check baseUrl / proxyUrl.`,
          errorCode: "INVALID_OPTION",
          field: "baseUrl"
        })
      }
      return new ConnectionError({
        message: `Could not reach the Visgate API for ${endpoint} after ${attempts} attempt${
          attempts === 1 ? "" : "s"
        }: ${causeMessage(failure.cause)}`,
        errorCode: "CONNECTION_ERROR",
        attempts
      })
    default:
      return failure
  }
}

/** Turns a schema failure into a `DecodeError` naming the first offending field. */
export const toDecodeError = (error: ParseResult.ParseError, endpoint: string): DecodeError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const field = first !== undefined && first.path.length > 0 ? first.path.map(String).join(".") : undefined
  const what = first === undefined
    ? error.message
    : `${field !== undefined ? `field "${field}"` : "body"}: ${first.message}`
  return new DecodeError({
    message: `Unexpected response from ${endpoint}: ${what}`,
    errorCode: "DECODE_ERROR",
    endpoint,
    ...(field !== undefined ? { field } : {}),
    details: { issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) }
  })
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

/** Secret header names added to Effect's redaction list so they never print. */
export const SECRET_HEADERS = ["authorization", "x-fal-key", "x-replicate-key", "x-runway-key", "x-runpod-key"] as const

/** The core client service. */
export interface Service {
  readonly config: ResolvedConfig
  /** Sends one logical call (with retries and error mapping) and parses the JSON body. */
  readonly send: (spec: RequestSpec) => Effect.Effect<JsonResponse, VisgateApiError>
  /** `send` then decode the body (`undefined` for an empty body). */
  readonly request: <A>(spec: RequestSpec, decode: Decoder<A>) => Effect.Effect<A, VisgateApiError>
  /**
   * Opens a streaming response (e.g. server-sent events): connection errors and retryable
   * statuses before the body starts are retried; the body is not read here.
   */
  readonly stream: (
    spec: RequestSpec
  ) => Effect.Effect<Stream.Stream<Uint8Array, VisgateApiError>, VisgateApiError>
  /** Decodes with the endpoint named in a failure. */
  readonly decode: <A>(decode: Decoder<A>, u: unknown, endpoint: string) => Effect.Effect<A, DecodeError>
}

/** The core client tag. */
export class VisgateClient extends Context.Tag("@visgate_ai/client/VisgateClient")<VisgateClient, Service>() {}

const makeIdempotencyKey = (): string => {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } })
    .crypto
  if (c?.randomUUID) return c.randomUUID()
  const bytes = new Uint8Array(16)
  if (c?.getRandomValues) c.getRandomValues(bytes)
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const encodeQuery = (query: Readonly<Record<string, QueryValue>> | undefined): Array<[string, string]> => {
  const out: Array<[string, string]> = []
  if (query === undefined) return out
  for (const key in query) {
    const value = query[key]
    if (value === undefined || value === null) continue
    out.push([key, typeof value === "string" ? value : String(value)])
  }
  return out
}

/** Builds the core client from configuration and an `HttpClient`. */
export const make: Effect.Effect<Service, never, VisgateConfig | HttpClient.HttpClient> = Effect.gen(function*() {
  const config = yield* VisgateConfig
  const tracing = config.tracing
  const httpClient = yield* HttpClient.HttpClient
  const nativeDeadlines = yield* FetchClient.NativeDeadlines
  // Tracing on: the platform's span per request, with trace propagation. Tracing off (the
  // default): no span; when the fiber's tracer is already off (the Promise client's runtime)
  // nothing at all is set per request.
  const traced = httpClient.pipe(HttpClient.withTracerDisabledWhen(() => false), HttpClient.withTracerPropagation(true))
  const execute = (request: HttpClientRequest.HttpClientRequest) =>
    tracing
      ? traced.execute(request)
      : Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
        fiber.getFiberRef(FiberRef.currentTracerEnabled)
          ? Effect.locally(httpClient.execute(request), HttpClient.currentTracerDisabledWhen, constTrue)
          : httpClient.execute(request)
      )
  // Built once: the retry schedule (no retries: none at all).
  const retrySchedule = config.maxRetries > 0 ? retryPolicy(config.maxRetries) : undefined

  // Headers shared by every request, computed once.
  const staticHeaders: Record<string, string> = { accept: "application/json" }
  if (!isBrowser()) staticHeaders["user-agent"] = USER_AGENT
  if (config.proxyUrl === undefined) {
    if (config.apiKey !== undefined) staticHeaders.authorization = `Bearer ${Redacted.value(config.apiKey)}`
    const { fal, replicate, runpod, runway } = config.byok
    if (fal !== undefined) staticHeaders["x-fal-key"] = Redacted.value(fal)
    if (replicate !== undefined) staticHeaders["x-replicate-key"] = Redacted.value(replicate)
    if (runway !== undefined) staticHeaders["x-runway-key"] = Redacted.value(runway)
    if (runpod !== undefined) staticHeaders["x-runpod-key"] = Redacted.value(runpod)
  }
  const baseHeaders = Headers.fromInput(staticHeaders)

  const getToken = config.getToken
  // getToken is bounded by the per-attempt timeout too, so a stuck token source never hangs a call.
  const tokenHeaders: Effect.Effect<Headers.Headers, AuthenticationError> = getToken === undefined
    ? Effect.succeed(baseHeaders)
    : timeoutFail(
      Effect.tryPromise({
        try: async () => {
          const token = await getToken()
          return typeof token === "string" && token.trim() !== ""
            ? Headers.set(baseHeaders, "authorization", `Bearer ${token.trim()}`)
            : baseHeaders
        },
        catch: (cause) =>
          new AuthenticationError({
            message: `getToken() failed: ${causeMessage(cause)}`,
            errorCode: "TOKEN_ERROR"
          })
      }),
      config.timeoutMs,
      () =>
        new AuthenticationError({
          message: `getToken() did not settle within ${config.timeoutMs} ms`,
          errorCode: "TOKEN_ERROR"
        })
    )

  const buildRequest = (spec: RequestSpec, idempotencyKey: string | undefined): HttpClientRequest.HttpClientRequest => {
    const root = spec.base === "deployments" ? config.deploymentsUrl : config.url
    // Without getToken the auth headers never change, so they go in here, once per call;
    // with it they are merged per attempt (see `withAuth`). Request headers win either way.
    const headers = getToken === undefined
      ? spec.headers !== undefined ? { ...baseHeaders, ...spec.headers } : baseHeaders
      : spec.headers
    let request = HttpClientRequest.make(spec.method)(root + spec.path, {
      urlParams: encodeQuery(spec.query),
      ...(headers !== undefined ? { headers } : {})
    })
    if (idempotencyKey !== undefined) request = HttpClientRequest.setHeader(request, "idempotency-key", idempotencyKey)
    if (spec.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, spec.body)
    return request
  }

  const mapRequestError = (error: HttpClientError.HttpClientError): TransportFailure =>
    new TransportFailure({
      reason: error._tag === "RequestError" ? error.reason : "Body",
      cause: error.cause ?? error
    })

  /** Per attempt: the request with `getToken`'s header (without getToken it already has its auth). */
  const withAuth = (
    request: HttpClientRequest.HttpClientRequest
  ): Effect.Effect<HttpClientRequest.HttpClientRequest, AuthenticationError> =>
    getToken === undefined
      ? Effect.succeed(request)
      : Effect.map(tokenHeaders, (auth) => HttpClientRequest.setHeaders(request, { ...auth, ...request.headers }))

  /** One attempt: auth, send, status check; the response is returned unread. */
  const attemptResponse = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.flatMap(withAuth(request), (authed) =>
      execute(authed).pipe(
        Effect.mapError(mapRequestError),
        Effect.flatMap((response) =>
          response.status >= 400
            ? Effect.flatMap(
              Effect.orElseSucceed(response.text, () => ""),
              (text) => Effect.fail(new HttpStatusFailure({ status: response.status, headers: response.headers, text }))
            )
            : Effect.succeed(response)
        )
      ))

  const readJson = (response: HttpClientResponse.HttpClientResponse) =>
    Effect.map(Effect.mapError(response.text, mapRequestError), (text) => ({
      status: response.status,
      headers: response.headers,
      text
    }))

  /** Runs one logical call with the per-attempt timeout, the retry policy and the error mapping. */
  const run = <A>(
    spec: RequestSpec,
    attempt: (
      request: HttpClientRequest.HttpClientRequest
    ) => Effect.Effect<A, RawFailure | AuthenticationError>,
    /** Whether the attempt reads the whole body (the deadline covers it) or only the headers. */
    wholeBody: boolean
  ): Effect.Effect<A, VisgateApiError> =>
    Effect.suspend(() => {
      const key = spec.idempotencyKey === true
        ? makeIdempotencyKey()
        : typeof spec.idempotencyKey === "string"
        ? spec.idempotencyKey
        : undefined
      const request = buildRequest(spec, key)
      const timeoutMs = spec.timeoutMs ?? config.timeoutMs
      const endpoint = `${spec.method} ${spec.path}`
      let attempts = 0
      const deadline = { ms: timeoutMs, body: wholeBody }
      const once = Effect.suspend(() => {
        attempts++
        // Our fetch client enforces the deadline through the request's abort signal (no timeout
        // fiber); any other HttpClient gets the Effect timeout.
        return nativeDeadlines
          ? Effect.catchIf(
            Effect.locally(attempt(request), FetchClient.currentAttemptDeadline, deadline),
            (e): e is TransportFailure => e._tag === "TransportFailure" && FetchClient.isDeadlineCause(e.cause),
            () => Effect.fail(new AttemptTimeout({ timeoutMs }))
          )
          : timeoutFail(attempt(request), timeoutMs, () => new AttemptTimeout({ timeoutMs }))
      })
      // The retry machinery (a schedule driver per call) starts only after a retryable failure:
      // the schedule sees that first failure as its first input, exactly as `Effect.retry` would.
      const retried = retrySchedule === undefined ? once : Effect.catchAll(once, (first) => {
        if (!isRetryable(first)) return Effect.fail(first)
        let replayed = false
        const again = Effect.suspend(() => {
          if (replayed) return once
          replayed = true
          return Effect.fail(first)
        })
        return Effect.retry(again, retrySchedule)
      })
      const mapped = Effect.catchAll(retried, (failure) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fail(toVisgateError(failure, attempts, endpoint, now))))
      return tracing
        ? Effect.withSpan(mapped, `Visgate ${endpoint}`, { attributes: { "http.request.method": spec.method } })
        : mapped
    })

  const send = (spec: RequestSpec): Effect.Effect<JsonResponse, VisgateApiError> =>
    Effect.flatMap(
      run(spec, (request) => Effect.flatMap(attemptResponse(request), readJson), true),
      ({ headers, status, text }) => {
        if (text.trim() === "") return Effect.succeed({ status, headers, body: undefined })
        try {
          return Effect.succeed({ status, headers, body: JSON.parse(text) as unknown })
        } catch {
          const endpoint = `${spec.method} ${spec.path}`
          return Effect.fail(
            new DecodeError({
              message: `Unexpected response from ${endpoint}: body is not valid JSON (${summarizeText(text)})`,
              errorCode: "DECODE_ERROR",
              endpoint,
              statusCode: status
            })
          )
        }
      }
    )

  const decode = <A>(decoder: Decoder<A>, u: unknown, endpoint: string): Effect.Effect<A, DecodeError> =>
    Effect.mapError(decoder(u), (error) => toDecodeError(error, endpoint))

  const request = <A>(spec: RequestSpec, decoder: Decoder<A>): Effect.Effect<A, VisgateApiError> =>
    Effect.flatMap(send(spec), (response) => decode(decoder, response.body, `${spec.method} ${spec.path}`))

  const stream = (spec: RequestSpec): Effect.Effect<Stream.Stream<Uint8Array, VisgateApiError>, VisgateApiError> =>
    Effect.map(run(spec, attemptResponse, false), (response) =>
      Stream.mapError(response.stream, (error) =>
        new ConnectionError({
          message: `The response stream of ${spec.method} ${spec.path} broke: ${causeMessage(error.cause ?? error)}`,
          errorCode: "CONNECTION_ERROR",
          attempts: 1
        })))

  return { config, send, request, stream, decode } satisfies Service
})

/** The core client layer; needs `VisgateConfig` and an `HttpClient`. */
export const layer: Layer.Layer<VisgateClient, never, VisgateConfig | HttpClient.HttpClient> = Layer.merge(
  Layer.effect(VisgateClient, make),
  // Secret headers join Effect's redaction list, so a logged or inspected request never shows them.
  Layer.fiberRefLocallyScopedWith(Headers.currentRedactedNames, (names) => [...names, ...SECRET_HEADERS])
)
