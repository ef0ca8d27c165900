/**
 * The core client: the one place that builds and sends requests. Every resource service
 * (`Images`, `Videos`, `Requests`, ...) sends its requests through it.
 *
 * The pipeline for one logical call:
 *
 * 1. build the request once (URL, query, JSON body, `Idempotency-Key` for generation POSTs);
 * 2. per attempt: resolve auth (`getToken` is awaited every attempt), send, read the body,
 *    all under the per-attempt `timeout`; a status >= 400 fails with the raw HTTP failure;
 * 3. retry raw failures with the one retry policy (`RetryPolicy.ts`: 408/429/5xx, timeouts,
 *    connection errors, `Retry-After` honoured);
 * 4. map what is left to the typed errors of `schemas/Errors.ts`, once, after the retries
 *    (`ErrorMapping.ts`, the one place that maps HTTP errors);
 * 5. decode the body with the caller's schema decoder (a failure names the field).
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { constTrue } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Stream from "effect/Stream"
import { requestIdOf } from "../internal/attemptLog.js"
import { headerSafe, NOT_HEADER_SAFE } from "../internal/body.js"
import * as FetchClient from "../internal/fetchClient.js"
import { parseJson as parseJsonText, TOO_DEEP } from "../internal/plain.js"
import { builder, type CallShape, heldSecrets, invalidCall, plainGet } from "../internal/request.js"
import { timeoutFail } from "../internal/timeout.js"
import * as Transport from "../internal/transport.js"
import { AttemptTimeout, HttpStatusFailure, type RawFailure } from "../internal/transport.js"
import type { AuthenticationError, DecodeError, VisgateApiError } from "../schemas/Errors.js"
import * as CallObserver from "./CallObserver.js"
import { currentCallOptions } from "./CallOptions.js"
import {
  notJson,
  scrubError,
  streamBroken,
  toDecodeError,
  tokenFailed,
  tokenTimedOut,
  toVisgateError
} from "./ErrorMapping.js"
import * as FlowControl from "./FlowControl.js"
import { fromSchedule, isRetryable, retryPolicy } from "./RetryPolicy.js"
import { type ResolvedConfig, VisgateConfig } from "./VisgateConfig.js"

export type { QueryValue } from "../internal/request.js"

// -----------------------------------------------------------------------------
// Request description
// -----------------------------------------------------------------------------

/** One logical API call: what goes on the wire (`CallShape`), and how it is sent. */
export interface RequestSpec extends CallShape {
  /**
   * Send an `Idempotency-Key` that stays the same on every retry of this call: `true`
   * generates one, a string is used as is.
   */
  readonly idempotencyKey?: boolean | string | undefined
  /** Per-call override of the per-attempt timeout, in ms. */
  readonly timeoutMs?: number | undefined
  /** Secrets this call sends in its body (a key being stored): scrubbed from its errors too. */
  readonly secrets?: ReadonlyArray<string> | undefined
}

/** How errors name a call's endpoint, e.g. `POST /images/generate`. */
export const endpointOf = (spec: RequestSpec): string => `${spec.method} ${spec.path}`

/** A successful response, body parsed (`undefined` for an empty body). */
export interface JsonResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: unknown
}

/** A schema decoder built once per model (`Schema.decodeUnknown(Model)`). */
export type Decoder<A> = (u: unknown) => Effect.Effect<A, ParseResult.ParseError>

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
  /**
   * Opens a public URL (a generated output on a CDN or bucket) on the same transport: a plain GET
   * with no API key, BYOK header or retry; a status >= 400 fails with it. For `Downloads`.
   */
  readonly openUrl: (url: string) => Effect.Effect<Transport.OpenResponse, Transport.RawFailure>
  /** Decodes with the endpoint named in a failure. */
  readonly decode: <A>(decode: Decoder<A>, u: unknown, endpoint: string) => Effect.Effect<A, DecodeError>
  /**
   * An error with every secret the client holds (keys, `getToken` results) scrubbed from its
   * message and details: for errors a service builds from a response body itself.
   */
  readonly scrub: <E>(error: E) => E
}

const noHeaders: Readonly<Record<string, string>> = {}

/** Status and headers of what an attempt gave: a whole-body response, or an opened (2xx) stream. */
const responseMeta = (u: unknown): { readonly status: number; readonly headers: Readonly<Record<string, string>> } => {
  const r = u as { readonly status?: unknown; readonly headers?: Readonly<Record<string, string>> }
  return typeof r.status === "number"
    ? { status: r.status, headers: r.headers ?? noHeaders }
    : { status: 200, headers: noHeaders }
}

/** The core client tag. */
export class VisgateClient extends Context.Tag("@visgate_ai/client/VisgateClient")<VisgateClient, Service>() {}

/** A new random Idempotency-Key (a v4 UUID). */
export const makeIdempotencyKey = (): string => {
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

/** A parsed response; its headers are only converted when read. */
class ParsedResponse implements JsonResponse {
  constructor(private readonly response: Transport.WireResponse, readonly body: unknown) {}
  get status(): number {
    return this.response.status
  }
  get headers(): Headers.Headers {
    return this.response.headers
  }
}

/**
 * How the core client sends: the transport (whole-body calls and streams), and who observes its
 * calls (log lines, spans: `CallObserver.ts`), if anyone.
 *
 * @internal
 */
export interface Wiring {
  readonly transport: Transport.Transport
  readonly observer?: CallObserver.Observer | undefined
}

/**
 * The transport over an `HttpClient`. The ready layers' fetch client (tracing off) sends through
 * its own transport (one fetch, no platform request/response objects); any other client through
 * `execute`. Tracing off (the default): no span; when the fiber's tracer is already off nothing
 * at all is set per request. Tracing on: the platform's span per request, with trace
 * propagation (the call's span is the observer's).
 */
const transportOver = (httpClient: HttpClient.HttpClient, tracing: boolean): Transport.Transport => {
  if (!tracing) {
    const execute: HttpClient.HttpClient["execute"] = (request) =>
      Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
        fiber.getFiberRef(FiberRef.currentTracerEnabled)
          ? Effect.locally(httpClient.execute(request), HttpClient.currentTracerDisabledWhen, constTrue)
          : httpClient.execute(request)
      )
    return FetchClient.transportOf(httpClient) ?? Transport.fromHttpClient(execute)
  }
  const traced = httpClient.pipe(HttpClient.withTracerDisabledWhen(() => false), HttpClient.withTracerPropagation(true))
  return Transport.fromHttpClient(traced.execute)
}

/** The core client over the {@link Wiring} that `wire` gives for the configuration. */
const makeWith = <R>(wire: (config: ResolvedConfig) => Effect.Effect<Wiring, never, R>) =>
  Effect.gen(function*() {
    const config = yield* VisgateConfig
    const { observer, transport } = yield* wire(config)
    // Built once: the retry schedule (no retries: none at all).
    // The caller's own schedule (`retrySchedule`) replaces the policy; `maxRetries` per call caps it.
    const custom = config.retrySchedule
    const retryPolicyFor = (maxRetries: number) =>
      custom !== undefined ? fromSchedule(custom, maxRetries) : retryPolicy(maxRetries)
    const retrySchedule = custom !== undefined
      ? fromSchedule(custom)
      : config.maxRetries > 0
      ? retryPolicy(config.maxRetries)
      : undefined
    // This client's flow control: the rate-limit gate, `rateLimit`, `maxConcurrency` (FlowControl.ts).
    const flow = FlowControl.make(config)
    // Headers shared by every request, computed once, and the request builder (`internal/request.ts`).
    const { baseHeaders, build } = builder(config)

    // Every secret this client holds, longest first (so a key containing another goes first): its
    // keys, and the latest `getToken` results. Errors are scrubbed of them (`scrubError`).
    const held = heldSecrets(config)
    const tokens: Array<string> = []
    const scrubWith = (extra: ReadonlyArray<string> | undefined) => <E>(error: E): E =>
      scrubError(
        error,
        [...(extra ?? []), ...held, ...tokens].filter((s) => s !== "").sort((a, b) => b.length - a.length)
      )
    const scrub = scrubWith(undefined)

    const getToken = config.getToken
    // getToken is bounded by the per-attempt timeout too, so a stuck token source never hangs a call.
    const tokenHeaders: Effect.Effect<Readonly<Record<string, string>>, AuthenticationError> = getToken === undefined
      ? Effect.succeed(baseHeaders)
      : timeoutFail(
        Effect.tryPromise({
          try: async () => {
            const token = await getToken()
            if (typeof token !== "string" || token.trim() === "") return baseHeaders
            const value = token.trim()
            // The latest 8 tokens are remembered, to scrub them from errors.
            if (!tokens.includes(value) && tokens.push(value) > 8) tokens.shift()
            if (!headerSafe(value)) throw new Error(`its result${NOT_HEADER_SAFE}`)
            return { ...baseHeaders, authorization: `Bearer ${value}` } as Readonly<Record<string, string>>
          },
          catch: tokenFailed
        }),
        config.timeoutMs,
        () => tokenTimedOut(config.timeoutMs)
      )

    /** Per attempt: the request with `getToken`'s header (without getToken it already has its auth). */
    const withAuth = (wire: Transport.WireRequest): Effect.Effect<Transport.WireRequest, AuthenticationError> =>
      Effect.map(tokenHeaders, (auth) => ({ ...wire, headers: { ...auth, ...wire.headers } }))

    /** A status >= 400 is a raw failure (the retry policy decides); anything else passes. */
    const checkStatus = (response: Transport.WireResponse): Effect.Effect<Transport.WireResponse, HttpStatusFailure> =>
      response.status >= 400 || Transport.isRedirect(response.status)
        ? Effect.fail(
          new HttpStatusFailure({ status: response.status, headers: response.headers, text: response.text })
        )
        : Effect.succeed(response)

    /** One whole-body attempt: auth, send and read, status check, all within the attempt's timeout. */
    const attemptText = (wire: Transport.WireRequest, timeoutMs: number) =>
      Effect.flatMap(
        getToken === undefined
          ? transport.send(wire, timeoutMs)
          : Effect.flatMap(withAuth(wire), (authed) => transport.send(authed, timeoutMs)),
        checkStatus
      )

    /** One streaming attempt: auth, send, status check within the timeout; the body is left unread. */
    const attemptStream = (wire: Transport.WireRequest, timeoutMs: number) =>
      timeoutFail(
        Effect.map(
          getToken === undefined ? transport.open(wire) : Effect.flatMap(withAuth(wire), transport.open),
          (response) => response.body
        ),
        timeoutMs,
        () => new AttemptTimeout({ timeoutMs })
      )

    /** Runs one logical call with the per-attempt timeout, the retry policy and the error mapping. */
    const run = <A>(
      spec: RequestSpec,
      attemptRaw: (wire: Transport.WireRequest, timeoutMs: number) => Effect.Effect<A, RawFailure | AuthenticationError>
    ): Effect.Effect<A, VisgateApiError> =>
      Effect.withFiberRuntime((fiber) => {
        // Per-call overrides (`CallOptions.ts`), read off the fiber: one lookup.
        const overrides = fiber.getFiberRef(currentCallOptions)
        const onResponse = overrides?.onResponse
        const key = spec.idempotencyKey === true
          ? makeIdempotencyKey()
          : typeof spec.idempotencyKey === "string"
          ? spec.idempotencyKey
          : undefined
        const invalid = invalidCall(spec.path, key)
        if (invalid !== undefined) return Effect.fail(invalid)
        const scrubCall = scrubWith(spec.secrets)
        const wire = build(spec, key, overrides?.headers)
        const timeoutMs = overrides?.timeout ?? spec.timeoutMs ?? config.timeoutMs
        const schedule = overrides?.maxRetries === undefined
          ? retrySchedule
          : overrides.maxRetries > 0
          ? retryPolicyFor(overrides.maxRetries)
          : undefined
        // Every attempt waits its turn (gate, quota) and, for a generation, a concurrency permit.
        const generation = key !== undefined
        const sent = flow.around(generation, attemptRaw(wire, timeoutMs))
        // The caller's `onResponse` (per-call options) sees each attempt's status and headers.
        const answered = onResponse === undefined ? sent : Effect.tap(sent, (response) => {
          const meta = responseMeta(response)
          onResponse({
            status: meta.status,
            headers: meta.headers,
            requestId: requestIdOf(meta.headers),
            method: spec.method,
            path: spec.path
          })
        })
        let attempts = 1
        // Log lines and span attributes, when anyone observes (`CallObserver.ts`).
        const observing = observer?.call(fiber, spec, () => attempts)
        const timed = observing === undefined ? answered : observing.attempt(answered, responseMeta)
        const fail = (failure: RawFailure | AuthenticationError) => {
          const error = Effect.flatMap(
            Clock.currentTimeMillis,
            (now) => Effect.fail(scrubCall(toVisgateError(failure, attempts, endpointOf(spec), now)))
          )
          return observing === undefined ? error : Effect.zipRight(observing.failing, error)
        }
        // The retry machinery (a schedule driver per call) starts only after a retryable failure:
        // the schedule sees that first failure as its first input, exactly as `Effect.retry` would.
        const mapped = Effect.catchAll(timed, (first) => {
          if (schedule === undefined || !isRetryable(first)) return fail(first)
          let replayed = false
          const again = Effect.suspend(() => {
            if (!replayed) {
              replayed = true
              return Effect.fail(first)
            }
            attempts++
            return timed
          })
          const policy = observing === undefined ? schedule : observing.retrying(schedule)
          return Effect.catchAll(Effect.retry(again, policy), fail)
        })
        return observing === undefined ? mapped : observing.done(mapped)
      })

    /** With an observer, `effect` (a call: its attempts and the body's parsing) in the call's span. */
    const spanned = <A, E>(spec: RequestSpec, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      observer === undefined ? effect : observer.span(spec, effect)

    /** The body as JSON (`undefined` when empty), or a DecodeError when it is not JSON. */
    const parseJson = (spec: RequestSpec, response: Transport.WireResponse): Either.Either<unknown, DecodeError> => {
      const text = response.text
      if (text === "" || text.trim() === "") return Either.right(undefined)
      try {
        return Either.right(parseJsonText(text))
      } catch (error) {
        // Too deep: say so rather than quote the body.
        return Either.left(
          scrub(notJson(endpointOf(spec), response.status, (error as Error).message === TOO_DEEP ? TOO_DEEP : text))
        )
      }
    }

    const send = (spec: RequestSpec): Effect.Effect<JsonResponse, VisgateApiError> =>
      spanned(
        spec,
        Effect.flatMap(run(spec, attemptText), (response) => {
          const body = parseJson(spec, response)
          if (Either.isLeft(body)) return Effect.fail(body.left)
          const parsed: JsonResponse = new ParsedResponse(response, body.right)
          return observer === undefined
            ? Effect.succeed(parsed)
            : Effect.as(observer.response(response, body.right), parsed)
        })
      )

    const decode = <A>(decoder: Decoder<A>, u: unknown, endpoint: string): Effect.Effect<A, DecodeError> => {
      const result = decoder(u)
      // Synchronous schemas decode to an `Either` (itself an Effect): no extra step on success.
      if (Either.isEither(result)) {
        const decoded = result as Either.Either<A, ParseResult.ParseError>
        return Either.isRight(decoded)
          ? Effect.succeed(decoded.right)
          : Effect.fail(scrub(toDecodeError(decoded.left, endpoint)))
      }
      return Effect.mapError(result, (error) => scrub(toDecodeError(error, endpoint)))
    }

    const request = <A>(spec: RequestSpec, decoder: Decoder<A>): Effect.Effect<A, VisgateApiError> =>
      spanned(
        spec,
        Effect.flatMap(run(spec, attemptText), (response) => {
          const body = parseJson(spec, response)
          if (Either.isLeft(body)) return Effect.fail(body.left)
          const decoded = decode(decoder, body.right, endpointOf(spec))
          const scrubbed = spec.secrets === undefined ? decoded : Effect.mapError(decoded, scrubWith(spec.secrets))
          return observer === undefined ? scrubbed : Effect.zipRight(observer.response(response, body.right), scrubbed)
        })
      )

    const stream = (spec: RequestSpec): Effect.Effect<Stream.Stream<Uint8Array, VisgateApiError>, VisgateApiError> =>
      Effect.map(spanned(spec, run(spec, attemptStream)), (body) =>
        Stream.mapError(body, (cause) => scrub(streamBroken(endpointOf(spec), cause))))

    const openUrl = (url: string) =>
      transport.open(plainGet(url))

    return { config, send, request, stream, openUrl, decode, scrub } satisfies Service
  })

/** Secret headers join Effect's redaction list, so a logged or inspected request never shows them. */
const redactSecrets = /*#__PURE__*/ Layer.fiberRefLocallyScopedWith(
  Headers.currentRedactedNames,
  (names) => [...names, ...SECRET_HEADERS]
)

/** Builds the core client from configuration and an `HttpClient`, observed by `CallObserver.make`. */
export const make: Effect.Effect<Service, never, VisgateConfig | HttpClient.HttpClient> = /*#__PURE__*/ makeWith((
  config
) =>
  Effect.map(HttpClient.HttpClient, (httpClient): Wiring => ({
    // The caller's middleware (`transformClient`): a derived client has no fast transport, so the
    // middleware sees every request.
    transport: transportOver(
      config.transformClient !== undefined ? config.transformClient(httpClient) : httpClient,
      config.tracing
    ),
    observer: CallObserver.make(config.tracing)
  }))
)

/** The core client layer; needs `VisgateConfig` and an `HttpClient`. */
export const layer: Layer.Layer<VisgateClient, never, VisgateConfig | HttpClient.HttpClient> = /*#__PURE__*/ Layer
  .merge(/*#__PURE__*/ Layer.effect(VisgateClient, make), redactSecrets)

/**
 * The core client layer of the Promise client: straight on the fetch transport
 * (`Transport.TransportService`), no `HttpClient`, and observed only when a `CallObserver` is
 * provided (the Promise client loads one with `logLevel` or tracing). The platform's client,
 * response and span code, and the observer's, stay out of its bundle.
 *
 * @internal
 */
export const layerUntraced: Layer.Layer<VisgateClient, never, VisgateConfig | Transport.TransportService> =
  /*#__PURE__*/ Layer.merge(
    /*#__PURE__*/ Layer.effect(
      VisgateClient,
      /*#__PURE__*/ makeWith(() =>
        Effect.zipWith(
          Transport.TransportService,
          Effect.serviceOption(CallObserver.CallObserver),
          (transport, observer): Wiring => ({ transport, observer: Option.getOrUndefined(observer) })
        )
      )
    ),
    redactSecrets
  )
