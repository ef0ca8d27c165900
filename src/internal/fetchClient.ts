/**
 * The fetch `HttpClient` of the ready layers (`layerFetch`, the Promise client). It is an
 * `@effect/platform` `HttpClient` (`HttpClient.make`: same URL building, abort signal, interruption
 * and tracing as every platform client) that sends requests the way `FetchHttpClient` does: same
 * `FetchHttpClient.Fetch` and `FetchHttpClient.RequestInit` services, same body handling, same errors.
 *
 * One difference, for speed: `FetchHttpClient` builds every response's `text` with
 * `Effect.cached` run through `Effect.runSync` (an extra fiber and a memoised deferred per
 * response), which on a loopback call costs more than the request itself. Here `text` reads the
 * body once through a memoised promise; a second read gets the same text, as there.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const fromWeb = (request: HttpClientRequest.HttpClientRequest, source: Response): HttpClientResponse.HttpClientResponse => {
  const response = HttpClientResponse.fromWeb(request, source)
  let body: Promise<string> | undefined
  const text = Effect.tryPromise({
    try: () => (body ??= source.text()),
    catch: (cause) => new HttpClientError.ResponseError({ request, response, reason: "Decode", cause })
  })
  // Everything else (status, headers, json, stream, ...) is the platform's own response.
  return Object.create(response, { text: { value: text, enumerable: false } }) as HttpClientResponse.HttpClientResponse
}

const noInit: globalThis.RequestInit = {}

/** A fetch client; `fetch` is used unless the context provides `FetchHttpClient.Fetch`. */
export const make = (fetch?: typeof globalThis.fetch | undefined): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal, fiber) => {
    const context = fiber.currentContext
    const doFetch = Context.getOrElse(context, FetchHttpClient.Fetch, () => fetch ?? globalThis.fetch)
    const options = Context.getOrElse(context, FetchHttpClient.RequestInit, () => noInit)
    let headers = options.headers ? Headers.merge(Headers.fromInput(options.headers), request.headers) : request.headers
    if (headers["content-length"]) headers = Headers.remove(headers, "content-length")
    const send = (body: BodyInit | undefined) =>
      Effect.map(
        Effect.tryPromise({
          try: () =>
            doFetch(url, {
              ...options,
              method: request.method,
              headers,
              body,
              ...(request.body._tag === "Stream" ? { duplex: "half" } : {}),
              signal
            } as globalThis.RequestInit),
          catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
        }),
        (source) => fromWeb(request, source)
      )
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

/** The fetch `HttpClient` layer. */
export const layer = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))
