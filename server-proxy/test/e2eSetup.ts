/**
 * What the end-to-end tests (`e2e*.test.ts`) share: the fake API, the proxies in front of it, and
 * the recording client. Importing this module registers its hooks in the importing file.
 */
import { afterAll, beforeAll, expect } from "vitest"
import { Client, type ClientOptions } from "../../src/index.js"
import { type FakeServer, serve as serveFake } from "../../src/testing/fake/index.js"
import { DEFAULT_ROUTE_GROUPS, type ProxyErrorEvent, readBearerToken } from "../src/index.js"
import { createNodeProxy } from "../src/node.js"
import { listen, type Listening } from "./helpers.js"

export const SERVER_KEY = "vg-server-key"
export const RUNPOD_KEY = "rpa_e2e_runpod_key"
export const USER_TOKENS = Array.from({ length: 20 }, (_, i) => `vg-user-token-${i + 1}`)
export const IMAGE_MODEL = "fal-ai/flux/schnell"
export const VIDEO_MODEL = "fal-ai/kling-video/v1.6/standard/text-to-video"
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** One request the browser side sent and the response it read, as seen on the wire by `fetch`. */
export interface Exchange {
  readonly method: string
  readonly url: string
  readonly requestHeaders: Record<string, string>
  readonly requestBody: string
  readonly status: number
  readonly responseHeaders: Record<string, string>
  readonly responseBody: string
}

export const headersOf = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

/** A `fetch` that records every exchange (for JSON calls; it reads a clone of each response body). */
export const recordingFetch = (log: Array<Exchange>): typeof globalThis.fetch => async (input, init) => {
  const request = new Request(input, init)
  const requestBody = request.body !== null ? await request.clone().text() : ""
  const response = await globalThis.fetch(request)
  const responseBody = await response.clone().text()
  log.push({
    method: request.method,
    url: request.url,
    requestHeaders: headersOf(request.headers),
    requestBody,
    status: response.status,
    responseHeaders: headersOf(response.headers),
    responseBody
  })
  return response
}

/** No request or response the client saw contains the server key (URL, headers, bodies). */
export const expectKeyNeverSeen = (log: ReadonlyArray<Exchange>): void => {
  expect(log.length).toBeGreaterThan(0)
  for (const exchange of log) {
    expect(JSON.stringify(exchange).includes(SERVER_KEY), `${exchange.method} ${exchange.url} carried the key`).toBe(
      false
    )
    for (const name of Object.keys(exchange.responseHeaders)) expect(name.startsWith("access-control-")).toBe(false)
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Awaits a promise that must reject and returns the rejection. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the call to reject")
}

export let fakeServer: FakeServer
export let deployFake: FakeServer
export let mainProxy: Listening
export let tokenProxy: Listening
export let deployProxy: Listening
export let deployProxyDefaultHeaders: Listening
export let shortTimeoutProxy: Listening
/** The signal of every upstream fetch the deployments proxy made, by upstream URL. */
export const deployUpstreamSignals: Array<{ readonly url: string; readonly signal: AbortSignal }> = []
export const proxyErrors: Array<ProxyErrorEvent> = []
export const clients: Array<Client> = []

export const clientFor = (proxy: Listening, log: Array<Exchange>, options: ClientOptions = {}): Client => {
  const client = new Client({
    proxyUrl: `${proxy.origin}/api/visgate`,
    fetch: recordingFetch(log),
    maxRetries: 0,
    ...options
  })
  clients.push(client)
  return client
}

/** The fake's requests made after `from` (an index into `fake.requests`). */
export const upstreamSince = (server: FakeServer, from: number) => server.fake.requests.slice(from)

beforeAll(async () => {
  fakeServer = await serveFake({
    port: 0,
    fakeOptions: {
      apiKeys: [SERVER_KEY],
      acceptAnyVgKey: false,
      sessionTokens: USER_TOKENS,
      timings: { imagePendingMs: 30, imageProcessingMs: 60, videoPendingMs: 200, videoProcessingMs: 800 }
    }
  })
  // Deployments on a frozen clock: SSE streams only move when the test calls `fake.advance`.
  deployFake = await serveFake({
    port: 0,
    fakeOptions: { apiKeys: [SERVER_KEY], acceptAnyVgKey: false, startAt: Date.UTC(2026, 2, 1), ssePollMs: 20 }
  })
  mainProxy = await listen(createNodeProxy({
    apiKey: SERVER_KEY,
    baseUrl: fakeServer.baseUrl,
    allowModels: [IMAGE_MODEL, "fal-ai/kling-video/*"],
    maxBodyBytes: 8_192,
    onError: (event) => proxyErrors.push(event)
  }))
  tokenProxy = await listen(createNodeProxy({
    keyFromRequest: readBearerToken,
    baseUrl: fakeServer.baseUrl,
    allowRoutes: ["generation", "requests"]
  }))
  deployProxy = await listen(createNodeProxy({
    apiKey: SERVER_KEY,
    baseUrl: deployFake.baseUrl,
    allowRoutes: [...DEFAULT_ROUTE_GROUPS, "deployments"],
    forwardHeaders: ["x-runpod-key"],
    fetch: (input, init) => {
      if (init?.signal) deployUpstreamSignals.push({ url: String(input), signal: init.signal })
      return globalThis.fetch(input, init)
    }
  }))
  deployProxyDefaultHeaders = await listen(createNodeProxy({
    apiKey: SERVER_KEY,
    baseUrl: deployFake.baseUrl,
    allowRoutes: [...DEFAULT_ROUTE_GROUPS, "deployments"]
  }))
  shortTimeoutProxy = await listen(createNodeProxy({ apiKey: SERVER_KEY, baseUrl: fakeServer.baseUrl, timeout: 300 }))
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(
    [mainProxy, tokenProxy, deployProxy, deployProxyDefaultHeaders, shortTimeoutProxy].map((p) => p?.close())
  )
  await Promise.all([fakeServer, deployFake].map((f) => f?.close()))
})
