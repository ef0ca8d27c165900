/**
 * What one attempt of a call sends and gets back, and the raw failures the retry policy sees.
 *
 * The core client (`services/VisgateClient.ts`) describes every request as a {@link WireRequest}
 * and sends it through a {@link Transport}: for any `HttpClient` that is {@link fromHttpClient}
 * (the platform's request and response types, an Effect timeout per attempt); for the ready
 * layers' fetch client it is that client's own transport (`fetchClient.ts`), which sends the same
 * request with one `fetch` call and enforces the attempt's deadline through its abort signal.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { timeoutFail } from "./timeout.js"

/** One request on the wire, built once per logical call and sent as is by every attempt. */
export interface WireRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** Absolute or (in a browser) relative URL, without the query. */
  readonly url: string
  /** Query parameters, in order. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Lower-case names; `content-type: application/json` comes with a body. */
  readonly headers: Readonly<Record<string, string>>
  /** JSON text; `undefined` means no body. */
  readonly body: string | undefined
}

/** A response whose body has been read as text. */
export interface WireResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}

/** A response with status >= 400, body read as text. */
export class HttpStatusFailure extends Data.TaggedError("HttpStatusFailure")<{
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}> {}

/** One attempt exceeded the per-attempt timeout. */
export class AttemptTimeout extends Data.TaggedError("AttemptTimeout")<{ readonly timeoutMs: number }> {}

/** Transport failure: no response (refused, reset, DNS, CORS, body cut off). */
export class TransportFailure extends Data.TaggedError("TransportFailure")<{
  readonly reason: "Transport" | "InvalidUrl" | "Encode" | "Body"
  readonly cause: unknown
}> {}

/** Everything an attempt can fail with before mapping. */
export type RawFailure = HttpStatusFailure | AttemptTimeout | TransportFailure

/**
 * Sends one attempt and reads the whole body, within `timeoutMs` (headers and body). A body that
 * cannot be read is a `Body` failure, except under an error status (>= 400): that response is
 * returned with an empty body, so the status is what gets reported.
 */
export interface Transport {
  readonly send: (
    request: WireRequest,
    timeoutMs: number
  ) => Effect.Effect<WireResponse, TransportFailure | AttemptTimeout>
  /**
   * Opens a streaming response (no deadline of its own: the caller bounds it). A status >= 400
   * fails with its body read as text; otherwise the body is left unread, as a stream that fails
   * with the cause of a broken read.
   */
  readonly open: (request: WireRequest) => Effect.Effect<OpenResponse, TransportFailure | HttpStatusFailure>
}

/** A streaming response whose status is < 400: its headers, and the body left unread. */
export interface OpenResponse {
  readonly headers: Headers.Headers
  readonly body: Stream.Stream<Uint8Array, unknown>
}

/**
 * The transport of the Promise client's core client (`VisgateClient.layerUntraced`): the fetch
 * transport itself, with no `HttpClient` around it.
 */
export class TransportService
  extends Context.Tag("@visgate_ai/client/internal/Transport")<TransportService, Transport>()
{}

/**
 * Whether a response is a redirect: a 3xx, or status 0 (a browser's opaque redirect under
 * `redirect: "manual"`, or a response a custom fetch reached by following one). The client never
 * follows redirects: a redirect is an error (`UNEXPECTED_REDIRECT`), so no key or body is sent to
 * another origin and no other host's answer is taken for the result.
 */
export const isRedirect = (status: number): boolean => status === 0 || (status >= 300 && status < 400)

/**
 * Runs `effect` with `redirect: "manual"` in the fetch options a fetch-based `HttpClient` reads
 * from the context (`FetchHttpClient.RequestInit`, the platform's and ours), the caller's other
 * options kept: a 30x comes back as it is instead of being followed.
 */
export const manualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime<A, E, R>((fiber) => {
    const init = Context.getOrElse(fiber.currentContext, FetchHttpClient.RequestInit, () => undefined)
    return init?.redirect === "manual"
      ? effect
      : Effect.provideService(effect, FetchHttpClient.RequestInit, { ...init, redirect: "manual" })
  })

/** The platform request for a wire request (JSON body as `application/json`). */
export const toHttpRequest = (wire: WireRequest): HttpClientRequest.HttpClientRequest => {
  const request = HttpClientRequest.make(wire.method)(wire.url, { urlParams: wire.query, headers: wire.headers })
  return wire.body === undefined ? request : HttpClientRequest.bodyText(request, wire.body, "application/json")
}

/** A platform client failure as the raw failure the retry policy sees. */
export const fromHttpClientError = (error: HttpClientError.HttpClientError): TransportFailure =>
  new TransportFailure({
    reason: error._tag === "RequestError" ? error.reason : "Body",
    cause: error.cause ?? error
  })

/**
 * A platform response's body as text. An error status stays that error when its body cannot be
 * read (as an empty body); otherwise that is a `Body` failure. A redirect's body is not read.
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, TransportFailure> =>
  isRedirect(response.status)
    ? Effect.succeed("")
    : response.status >= 400
    ? Effect.orElseSucceed(response.text, () => "")
    : Effect.mapError(response.text, fromHttpClientError)

/**
 * A transport over any `HttpClient` (`execute` is the client's, possibly traced); the attempt's
 * deadline is an Effect timeout, so a `TestClock` drives it.
 */
export const fromHttpClient = (
  execute: HttpClient.HttpClient["execute"]
): Transport => ({
  open: (wire) =>
    Effect.flatMap(
      Effect.mapError(manualRedirects(execute(toHttpRequest(wire))), fromHttpClientError),
      (response) =>
        response.status >= 400 || isRedirect(response.status)
          ? Effect.flatMap(
            readText(response),
            (text) => Effect.fail(new HttpStatusFailure({ status: response.status, headers: response.headers, text }))
          )
          : Effect.succeed({
            headers: response.headers,
            body: Stream.mapError(response.stream, (error: HttpClientError.ResponseError) => error.cause ?? error)
          })
    ),
  send: (wire, timeoutMs) =>
    timeoutFail(
      Effect.flatMap(
        Effect.mapError(manualRedirects(execute(toHttpRequest(wire))), fromHttpClientError),
        (response: HttpClientResponse.HttpClientResponse) =>
          Effect.map(readText(response), (text): WireResponse => ({
            status: response.status,
            headers: response.headers,
            text
          }))
      ),
      timeoutMs,
      () => new AttemptTimeout({ timeoutMs })
    )
})

/** Response headers as the platform's `Headers`, converted on first use. */
export class LazyHeadersResponse implements WireResponse {
  #headers: Headers.Headers | undefined
  constructor(readonly status: number, readonly text: string, private readonly source: globalThis.Headers) {}
  get headers(): Headers.Headers {
    return this.#headers ??= Headers.fromInput(this.source)
  }
}
