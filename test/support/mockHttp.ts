/**
 * Route tables over the recording mocks: `testLayer` (all services over `http.ts`'s recording
 * `HttpClient`) and `mockFetch` (a `fetch` for the Promise client). Requests are recorded as
 * method, URL, path, query, headers and JSON body.
 */
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"
import { mockHttp, type Recorded as HttpRecorded } from "./http.js"

/** Base URL used by {@link testLayer}. */
export const BASE_URL = "https://api.test/v1"
const BASE_PATH = new URL(BASE_URL).pathname

/** One recorded request. */
export interface Recorded {
  readonly method: string
  readonly url: string
  /** Path from the origin, still encoded, e.g. `/v1/models/fal-ai/flux/schnell`. */
  readonly pathname: string
  readonly query: Record<string, string>
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON body, or `undefined` when there was none. */
  readonly body: unknown
}

/** A canned answer; status 204 (or no `body`) sends an empty body. */
export interface Reply {
  readonly status?: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

/** A route: method and path relative to {@link BASE_URL} (e.g. `/models`), or a pattern. */
export interface Route {
  readonly method?: string
  readonly path: string | RegExp
  readonly reply: Reply | ((req: Recorded) => Reply)
}

const record = (method: string, url: URL, headers: Readonly<Record<string, string>>, body: unknown): Recorded => ({
  method,
  url: url.toString(),
  pathname: url.pathname,
  query: Object.fromEntries(url.searchParams),
  headers,
  body
})

/** Answers a recorded request from the first matching route (404 envelope when none matches). */
const answer = (routes: ReadonlyArray<Route>, req: Recorded): Response => {
  const rel = req.pathname.startsWith(BASE_PATH) ? req.pathname.slice(BASE_PATH.length) : req.pathname
  const route = routes.find((r) =>
    (r.method === undefined || r.method === req.method) &&
    (typeof r.path === "string" ? r.path === rel : r.path.test(rel))
  )
  const reply: Reply = route === undefined
    ? { status: 404, body: { error: "NOT_FOUND", message: `no mock route for ${req.method} ${rel}` } }
    : typeof route.reply === "function"
    ? route.reply(req)
    : route.reply
  const status = reply.status ?? 200
  const empty = status === 204 || reply.body === undefined
  return new Response(empty ? null : JSON.stringify(reply.body), {
    status,
    headers: { ...(empty ? {} : { "content-type": "application/json" }), ...reply.headers }
  })
}

/** All SDK services over a recording mock: `apiKey: "vg-test"`, no retries, base {@link BASE_URL}. */
export const testLayer = (routes: ReadonlyArray<Route>, options: VisgateClientOptions = {}) => {
  const recorded: Array<Recorded> = []
  const mock = mockHttp((req: HttpRecorded) => {
    const rec = record(req.method, req.url, req.headers, req.body)
    recorded.push(rec)
    return answer(routes, rec)
  })
  return { recorded, layer: mock.layer({ apiKey: "vg-test", maxRetries: 0, baseUrl: BASE_URL, ...options }) }
}

/** A `fetch` for the Promise client that answers from routes and records requests. */
export const mockFetch = (routes: ReadonlyArray<Route>) => {
  const recorded: Array<Recorded> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const text = await request.text()
    const headers: Record<string, string> = {}
    request.headers.forEach((v, k) => {
      headers[k] = v
    })
    const rec = record(request.method, new URL(request.url), headers, text === "" ? undefined : JSON.parse(text))
    recorded.push(rec)
    return answer(routes, rec)
  }
  return { recorded, fetch: fetch as typeof globalThis.fetch }
}
