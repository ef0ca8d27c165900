/**
 * The fetch `HttpClient` of the ready layers (`layerFetch`; the Promise client uses only its
 * transport, `fetchTransport.ts`, and none of this module). It is an
 * `@effect/platform` `HttpClient` (`HttpClient.makeWith`: the platform's URL building, request
 * and response types and errors) that sends requests the way `FetchHttpClient` does: same
 * `FetchHttpClient.Fetch` and `FetchHttpClient.RequestInit` services, same body handling.
 *
 * Differences, for speed (on a loopback call the platform's per-request machinery costs more
 * than the request itself): it also carries a transport ({@link transportOf}) that the core
 * client uses for every call (whole-body and streams): one `fetch`, one `AbortController` for
 * interruption and the attempt deadline, no platform request or response objects. Through
 * `execute` (any other caller), there is no finalization registry or interruptible response wrapper, and `text`
 * reads the body once through a memoised promise instead of `Effect.cached` run through
 * `Effect.runSync`.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchTransport from "./fetchTransport.js"
import { parseJson } from "./plain.js"
import type * as Transport from "./transport.js"

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
 * ({@link transportOf}), streams included.
 */
export const make = (fetch?: typeof globalThis.fetch | undefined): HttpClient.HttpClient => {
  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(
        effect,
        (request) =>
          Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
            const urlResult = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
            if (Either.isLeft(urlResult)) {
              return Effect.fail(
                new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: urlResult.left })
              )
            }
            const url = urlResult.right
            const context = fiber.currentContext
            const controller = new AbortController()
            const doFetch = FetchTransport.fetchOf(context, fetch)
            const options = FetchTransport.requestInitOf(context)
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
                  (source) =>
                    resume(
                      Effect.succeed(new FetchResponse(HttpClientResponse.fromWeb(request, source), source, controller))
                    ),
                  (cause) =>
                    resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
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
          })
      ),
    Effect.succeed
  )
  return Object.assign(client, { [TransportKey]: FetchTransport.make(fetch) })
}

/** The fetch `HttpClient` layer. */
export const layer = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))
