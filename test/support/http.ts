/**
 * A recording mock `HttpClient` for tests: answers from a handler and records every request
 * (method, URL, headers, parsed JSON body) in order.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

/** `"reset"` fails the attempt like a dropped connection (a transport `RequestError`). */
export type Reply = Response | Effect.Effect<Response, unknown> | "reset"

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

export const text = (body: string, status: number, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers })

const decodeBody = (body: unknown): unknown => {
  const b = body as { _tag: string; body?: Uint8Array }
  if (b._tag === "Uint8Array" && b.body !== undefined) {
    const t = new TextDecoder().decode(b.body)
    try {
      return JSON.parse(t)
    } catch {
      return t
    }
  }
  return undefined
}

export const mockHttp = (handler: (request: Recorded, index: number) => Reply) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const recorded: Recorded = {
        method: request.method,
        url,
        path: url.pathname + url.search,
        headers: { ...request.headers },
        body: decodeBody(request.body)
      }
      requests.push(recorded)
      const reply = handler(recorded, requests.length - 1)
      if (reply === "reset") {
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new TypeError("fetch failed") })
        )
      }
      const effect = Effect.isEffect(reply) ? reply : Effect.succeed(reply)
      return Effect.map(
        Effect.orDie(effect as Effect.Effect<Response, unknown>),
        (response) => HttpClientResponse.fromWeb(request, response)
      )
    })
  )
  const httpLayer = Layer.succeed(HttpClient.HttpClient, client)
  /** All services over this mock. */
  const layer = (options: VisgateClientOptions = {}) =>
    VisgateLayer.layer({ apiKey: "vg-test-key", baseUrl: "https://api.test/api/v1", ...options }).pipe(
      Layer.provide(httpLayer)
    )
  return { requests, httpLayer, layer }
}
