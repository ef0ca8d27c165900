/**
 * The fetch `HttpClient` of the ready layers (`layerFetch`, the Promise client). It is an
 * `@effect/platform` `HttpClient` (`HttpClient.makeWith`: the platform's URL building, request
 * and response types and errors) that sends requests the way `FetchHttpClient` does: same
 * `FetchHttpClient.Fetch` and `FetchHttpClient.RequestInit` services, same body handling.
 *
 * Differences, for speed (on a loopback call the platform's per-request machinery costs more
 * than the request itself): it also carries a transport ({@link transportOf}) that the core
 * client uses for every whole-body call: one `fetch`, one `AbortController` for interruption and
 * the attempt deadline, no platform request or response objects. Through `execute` (streams, or
 * any caller), there is no finalization registry or interruptible response wrapper, and `text`
 * reads the body once through a memoised promise instead of `Effect.cached` run through
 * `Effect.runSync`.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { parseJson } from "./plain.js"
import { MAX_TIMER_MS } from "./timeout.js"
import * as Transport from "./transport.js"

/**
 * The platform's response for `source`, with `text` (and so `json` and `urlParamsBody`) reading
 * the body once through a memoised promise that an interruption aborts. A plain delegating class:
 * `Object.create` with a property descriptor turns each response into a slow dictionary object.
 */
class FetchResponse implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly text: Effect.Effect<string, HttpClientError.ResponseError>
  constructor(
    readonly original: HttpClientResponse.HttpClientResponse,
    source: Response,
    controller: AbortController
  ) {
    let body: Promise<string> | undefined
    this.text = Effect.async<string, HttpClientError.ResponseError>((resume) => {
      body ??= source.text()
      body.then(
        (value) => resume(Effect.succeed(value)),
        (cause) =>
          resume(Effect.fail(
            new HttpClientError.ResponseError({
              request: original.request,
              response: original,
              reason: "Decode",
              cause
            })
          ))
      )
      // Interrupted while reading: stop the transfer.
      return Effect.sync(() => controller.abort())
    })
  }
  get request() {
    return this.original.request
  }
  get status() {
    return this.original.status
  }
  get headers() {
    return this.original.headers
  }
  get cookies() {
    return this.original.cookies
  }
  get remoteAddress() {
    return this.original.remoteAddress
  }
  get formData() {
    return this.original.formData
  }
  get arrayBuffer() {
    return this.original.arrayBuffer
  }
  get stream() {
    return this.original.stream
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : parseJson(text)),
        catch: (cause) =>
          new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
      }))
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  toJSON(): unknown {
    return this.original.toJSON()
  }
  toString(): string {
    return this.original.toString()
  }
  [Inspectable.NodeInspectSymbol](): unknown {
    return this.original.toJSON()
  }
}

const noInit: globalThis.RequestInit = {}

/** The `fetch` and extra `RequestInit` a request uses: from the context when provided there. */
const fetchOf = (
  context: Context.Context<never>,
  fetch: typeof globalThis.fetch | undefined
): typeof globalThis.fetch => Context.getOrElse(context, FetchHttpClient.Fetch, () => fetch ?? globalThis.fetch)

const requestInitOf = (context: Context.Context<never>): globalThis.RequestInit =>
  Context.getOrElse(context, FetchHttpClient.RequestInit, () => noInit)

/**
 * The transport of this client (see `transport.ts`): one `fetch` per attempt with the request's
 * headers as given, and one `AbortController` that serves both interruption and the attempt's
 * deadline (a plain timer that covers the headers and the body); the body is read once as text.
 * No platform request or response objects are made: on a loopback call those cost more than the
 * request itself.
 */
const makeTransport = (fetch: typeof globalThis.fetch | undefined): Transport.Transport => ({
  send: (wire, timeoutMs) =>
    Effect.withFiberRuntime<Transport.WireResponse, Transport.TransportFailure | Transport.AttemptTimeout>((fiber) => {
      let url: URL | string = wire.url
      if (wire.query.length > 0 || !(wire.url.startsWith("https://") || wire.url.startsWith("http://"))) {
        const made = UrlParams.makeUrl(wire.url, wire.query, Option.none())
        if (Either.isLeft(made)) {
          return Effect.fail(new Transport.TransportFailure({ reason: "InvalidUrl", cause: made.left }))
        }
        url = made.right
      }
      const context = fiber.currentContext
      const doFetch = fetchOf(context, fetch)
      const options = requestInitOf(context)
      const controller = new AbortController()
      let timer: ReturnType<typeof setTimeout> | undefined
      let timedOut = false
      const request = Effect.async<Transport.WireResponse, Transport.TransportFailure | Transport.AttemptTimeout>(
        (resume) => {
          // No `unref`: while its request is pending the timer may keep the process alive, so a
          // custom fetch that never settles still ends in a TimeoutError. A deadline longer than a
          // timer can hold is not armed.
          if (timeoutMs <= MAX_TIMER_MS) {
            timer = setTimeout(() => {
              timedOut = true
              controller.abort(new Error(`attempt exceeded ${timeoutMs} ms`))
            }, timeoutMs)
          }
          const fail = (reason: "Transport" | "Body") => (cause: unknown) => {
            clearTimeout(timer)
            // Whatever the fetch reports after the deadline fired (a custom fetch may reject with
            // its own AbortError), the failure is the deadline.
            resume(Effect.fail(
              timedOut ? new Transport.AttemptTimeout({ timeoutMs }) : new Transport.TransportFailure({ reason, cause })
            ))
          }
          let pending: Promise<Response>
          try {
            pending = doFetch(url, {
              ...options,
              method: wire.method,
              headers: options.headers ? { ...Headers.fromInput(options.headers), ...wire.headers } : wire.headers,
              body: wire.body,
              redirect: "manual",
              signal: controller.signal
            } as globalThis.RequestInit)
          } catch (cause) {
            pending = Promise.reject(cause)
          }
          pending.then(
            (source) => {
              const done = (text: string, status = source.status) => {
                clearTimeout(timer)
                resume(Effect.succeed(new Transport.LazyHeadersResponse(status, text, source.headers)))
              }
              // A redirect (or a response a custom fetch reached by following one) is never read.
              if (source.redirected || Transport.isRedirect(source.status)) {
                source.body?.cancel().catch(() => {})
                return done("", source.redirected ? 0 : source.status)
              }
              // An error status stays that error when its body cannot be read (as an empty body).
              source.text().then(done, source.status >= 400 && !timedOut ? () => done("") : fail("Body"))
            },
            fail("Transport")
          )
        }
      )
      // Interrupted (or failed): stop the timer and abort the request. Written out rather than as
      // the async's canceler, which costs a few more steps per call (`onInterrupt`).
      return Effect.uninterruptibleMask((restore) =>
        Effect.matchCauseEffect(restore(request), {
          onFailure: (cause) => {
            clearTimeout(timer)
            controller.abort()
            return Effect.failCause(cause)
          },
          onSuccess: Effect.succeed
        })
      )
    })
})

/** Where a client made by {@link make} keeps its transport. */
const TransportKey: unique symbol = Symbol.for("@visgate_ai/client/internal/fetchClient/Transport")

/**
 * The transport of a client made by {@link make}, or `undefined` for any other client (including
 * one derived from ours with `HttpClient.mapRequest` and friends, whose changes it must honour).
 */
export const transportOf = (client: HttpClient.HttpClient): Transport.Transport | undefined =>
  (client as { readonly [TransportKey]?: Transport.Transport })[TransportKey]

/**
 * A fetch client; `fetch` is used unless the context provides `FetchHttpClient.Fetch`.
 *
 * Built with `HttpClient.makeWith` rather than `HttpClient.make`: one `AbortController` per
 * request serves interruption, and there is no per-response finalization registry or
 * interruptible wrapper (every body is read or streamed by the core client). It emits no HTTP
 * span; with `tracing: true` the ready layers use the platform's `FetchHttpClient` instead (see
 * `layers/VisgateLayer.ts`). The core client sends whole-body requests through its transport
 * ({@link transportOf}) and streams through `execute`.
 */
export const make = (fetch?: typeof globalThis.fetch | undefined): HttpClient.HttpClient => {
  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
          const urlResult = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          if (Either.isLeft(urlResult)) {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: urlResult.left }))
          }
          const url = urlResult.right
          const context = fiber.currentContext
          const controller = new AbortController()
          const doFetch = fetchOf(context, fetch)
          const options = requestInitOf(context)
          let headers = options.headers
            ? Headers.merge(Headers.fromInput(options.headers), request.headers)
            : request.headers
          if (headers["content-length"]) headers = Headers.remove(headers, "content-length")
          const send = (body: BodyInit | undefined) =>
            Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
              let pending: Promise<Response>
              try {
                pending = doFetch(url, {
                  ...options,
                  method: request.method,
                  headers,
                  body,
                  ...(request.body._tag === "Stream" ? { duplex: "half" } : {}),
                  redirect: "manual",
                  signal: controller.signal
                } as globalThis.RequestInit)
              } catch (cause) {
                pending = Promise.reject(cause)
              }
              pending.then(
                (source) => resume(Effect.succeed(new FetchResponse(HttpClientResponse.fromWeb(request, source), source, controller))),
                (cause) => resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
              )
              // Interrupted before the headers: abort the request.
              return Effect.sync(() => controller.abort())
            })
          switch (request.body._tag) {
            case "Raw":
            case "Uint8Array":
              return send(request.body.body as BodyInit)
            case "FormData":
              return send(request.body.formData)
            case "Stream":
              return Effect.flatMap(Stream.toReadableStreamEffect(request.body.stream), send)
          }
          return send(undefined)
        })),
    Effect.succeed
  )
  return Object.assign(client, { [TransportKey]: makeTransport(fetch) })
}

/** The fetch `HttpClient` layer. */
export const layer = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))
