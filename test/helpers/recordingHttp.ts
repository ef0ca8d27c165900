/**
 * A recording mock `HttpClient` for the long-running-work tests: every request is recorded with
 * the (Test)Clock time it was made at, and answered by a handler.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly at: number
  readonly headers: Readonly<Record<string, string>>
}

export type Handler = (
  request: HttpClientRequest.HttpClientRequest,
  index: number,
  at: number
) => Response | Effect.Effect<Response>

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

export const recordingHttp = (handler: Handler) => {
  const calls: Array<Recorded> = []
  const client = HttpClient.make((request) =>
    Effect.gen(function*() {
      const at = yield* Clock.currentTimeMillis
      const index = calls.length
      calls.push({
        method: request.method,
        url: request.url,
        path: new URL(request.url).pathname,
        at,
        headers: request.headers
      })
      const answer = handler(request, index, at)
      const response = Effect.isEffect(answer) ? yield* answer : answer
      return HttpClientResponse.fromWeb(request, response)
    })
  )
  return { calls, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** All SDK services over the recording client (`maxRetries` defaults to 2, as in production). */
export const servicesWith = (
  http: { readonly layer: Layer.Layer<HttpClient.HttpClient> },
  options: VisgateClientOptions = {}
) =>
  VisgateLayer.layer({ apiKey: "vg-test", baseUrl: "https://api.test/v1", ...options }).pipe(
    Layer.provide(http.layer),
    Layer.orDie
  )
