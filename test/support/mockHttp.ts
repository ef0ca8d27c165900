/**
 * A recording mock `HttpClient` for service tests: answers from a route table and records every
 * request (method, URL, path, query, headers, JSON body).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as VisgateLayer from "../../src/layers/Live.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"

/** Base URL used by {@link testLayer}. */
export const BASE_URL = "https://api.test/v1"

/** One recorded request. */
export interface Recorded {
  readonly method: string
  readonly url: string
  /** Path relative to the origin, e.g. `/v1/models/fal-ai/flux/schnell` (raw, still encoded). */
  readonly pathname: string
  readonly query: Record<string, string>
  /** Lowercase names. */
  readonly headers: Record<string, string>
  /** Parsed JSON body, or `undefined` when there was none. */
  readonly body: unknown
}

/** A canned answer. `body: undefined` with status 204 means an empty body. */
export interface Reply {
  readonly status?: number
  readonly body?: unknown
  /** Raw text instead of JSON. */
  readonly text?: string
  readonly headers?: Record<string, string>
}

/** A route: method and path (relative to the base URL's path, e.g. `/models`) or a matcher. */
export interface Route {
  readonly method?: string
  readonly path: string | RegExp
  readonly reply: Reply | ((req: Recorded) => Reply)
}

const decoder = new TextDecoder()

const bodyOf = (req: HttpClientRequest.HttpClientRequest): unknown => {
  const body = req.body
  if (body._tag === "Uint8Array") return JSON.parse(decoder.decode(body.body))
  if (body._tag === "Empty") return undefined
  return `<${body._tag} body>`
}

/** Builds a recording mock; `recorded` fills as requests are made. */
export const mockHttp = (routes: ReadonlyArray<Route>, basePath = new URL(BASE_URL).pathname) => {
  const recorded: Array<Recorded> = []
  const client = HttpClient.make((req) =>
    Effect.sync(() => {
      const url = new URL(req.url)
      for (const [k, v] of req.urlParams) url.searchParams.append(k, v)
      const rec: Recorded = {
        method: req.method,
        url: url.toString(),
        pathname: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers },
        body: bodyOf(req)
      }
      recorded.push(rec)
      const rel = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname
      const route = routes.find((r) =>
        (r.method === undefined || r.method === req.method) &&
        (typeof r.path === "string" ? r.path === rel : r.path.test(rel))
      )
      const reply: Reply = route === undefined
        ? { status: 404, body: { error: "NOT_FOUND", message: `no mock route for ${req.method} ${rel}` } }
        : typeof route.reply === "function"
        ? route.reply(rec)
        : route.reply
      const status = reply.status ?? 200
      const text = reply.text ?? (reply.body === undefined ? null : JSON.stringify(reply.body))
      const headers = { ...(text !== null && reply.text === undefined ? { "content-type": "application/json" } : {}), ...reply.headers }
      return HttpClientResponse.fromWeb(req, new Response(status === 204 ? null : text, { status, headers }))
    })
  )
  return { recorded, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** All SDK services over a recording mock: `apiKey: "vg-test"`, no retries, base {@link BASE_URL}. */
export const testLayer = (routes: ReadonlyArray<Route>, options: VisgateClientOptions = {}) => {
  const mock = mockHttp(routes)
  const layer = VisgateLayer.layer({ apiKey: "vg-test", maxRetries: 0, baseUrl: BASE_URL, ...options }).pipe(
    Layer.provide(mock.layer)
  )
  return { recorded: mock.recorded, layer }
}

/** A `fetch` for the Promise client that answers from routes and records requests. */
export const mockFetch = (routes: ReadonlyArray<Route>, basePath = new URL(BASE_URL).pathname) => {
  const recorded: Array<Recorded> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const text = await request.text()
    const headers: Record<string, string> = {}
    request.headers.forEach((v, k) => {
      headers[k] = v
    })
    const rec: Recorded = {
      method: request.method,
      url: url.toString(),
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: text === "" ? undefined : JSON.parse(text)
    }
    recorded.push(rec)
    const rel = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname
    const route = routes.find((r) =>
      (r.method === undefined || r.method === request.method) &&
      (typeof r.path === "string" ? r.path === rel : r.path.test(rel))
    )
    const reply: Reply = route === undefined
      ? { status: 404, body: { error: "NOT_FOUND", message: `no mock route for ${request.method} ${rel}` } }
      : typeof route.reply === "function"
      ? route.reply(rec)
      : route.reply
    const status = reply.status ?? 200
    const body = reply.text ?? (reply.body === undefined ? null : JSON.stringify(reply.body))
    return new Response(status === 204 ? null : body, {
      status,
      headers: { ...(reply.text === undefined && body !== null ? { "content-type": "application/json" } : {}), ...reply.headers }
    })
  }
  return { recorded, fetch: fetch as typeof globalThis.fetch }
}
