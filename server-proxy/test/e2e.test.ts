/**
 * End to end over real loopback HTTP: the browser-side `Client` (`proxyUrl` mode) → the proxy as a
 * `node:http` server → the fake Visgate API served by `serve({ port: 0 })`. Every request the client
 * sends and every response it reads goes through a recording `fetch`, and none may carry the key.
 */
import { createServer, type RequestListener } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  AuthenticationError,
  Client,
  type ClientOptions,
  isVisgateError,
  RateLimitError,
  VisgateError
} from "../../src/index.js"
import { type FakeServer, serve as serveFake } from "../../src/testing/fake/index.js"
import { DEFAULT_ROUTE_GROUPS, type ProxyErrorEvent, readBearerToken } from "../src/index.js"
import { createNodeProxy } from "../src/node.js"

const SERVER_KEY = "vg-server-key"
const RUNPOD_KEY = "rpa_e2e_runpod_key"
const USER_TOKENS = Array.from({ length: 20 }, (_, i) => `vg-user-token-${i + 1}`)
const IMAGE_MODEL = "fal-ai/flux/schnell"
const VIDEO_MODEL = "fal-ai/kling-video/v1.6/standard/text-to-video"
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

interface Listening {
  readonly origin: string
  close(): Promise<void>
}

const listen = async (listener: RequestListener): Promise<Listening> => {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** One request the browser side sent and the response it read, as seen on the wire by `fetch`. */
interface Exchange {
  readonly method: string
  readonly url: string
  readonly requestHeaders: Record<string, string>
  readonly requestBody: string
  readonly status: number
  readonly responseHeaders: Record<string, string>
  readonly responseBody: string
}

const headersOf = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

/** A `fetch` that records every exchange (for JSON calls; it reads a clone of each response body). */
const recordingFetch = (log: Array<Exchange>): typeof globalThis.fetch => async (input, init) => {
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
const expectKeyNeverSeen = (log: ReadonlyArray<Exchange>): void => {
  expect(log.length).toBeGreaterThan(0)
  for (const exchange of log) {
    expect(JSON.stringify(exchange).includes(SERVER_KEY), `${exchange.method} ${exchange.url} carried the key`).toBe(
      false
    )
    for (const name of Object.keys(exchange.responseHeaders)) expect(name.startsWith("access-control-")).toBe(false)
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Awaits a promise that must reject and returns the rejection. */
const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the call to reject")
}

let fakeServer: FakeServer
let deployFake: FakeServer
let mainProxy: Listening
let tokenProxy: Listening
let deployProxy: Listening
let deployProxyDefaultHeaders: Listening
let shortTimeoutProxy: Listening
/** The signal of every upstream fetch the deployments proxy made, by upstream URL. */
const deployUpstreamSignals: Array<{ readonly url: string; readonly signal: AbortSignal }> = []
const proxyErrors: Array<ProxyErrorEvent> = []
const clients: Array<Client> = []

const clientFor = (proxy: Listening, log: Array<Exchange>, options: ClientOptions = {}): Client => {
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
const upstreamSince = (server: FakeServer, from: number) => server.fake.requests.slice(from)

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

describe("Client({ proxyUrl }) → proxy (server key) → fake", () => {
  const log: Array<Exchange> = []

  it("client.generate: the upstream sees the server key, the browser never sends it", async () => {
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const result = await client.generate("a sunset over Istanbul")
    expect(result.model).toBe(IMAGE_MODEL)
    expect(result.imageUrl).toMatch(/\.png$/)

    const upstream = upstreamSince(fakeServer, from)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]).toMatchObject({ method: "POST", path: "/generate" })
    expect(upstream[0]!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
    expect(upstream[0]!.body).toMatchObject({ prompt: "a sunset over Istanbul", model: IMAGE_MODEL })

    const sent = log.at(-1)!
    expect(sent.url).toBe(`${mainProxy.origin}/api/visgate/generate`)
    expect(sent.requestHeaders.authorization).toBeUndefined()
    expect(sent.status).toBe(200)
    expectKeyNeverSeen(log)
  })

  it("client.images.generate returns image URLs on the fake that serve a PNG", async () => {
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const result = await client.images.generate(IMAGE_MODEL, "a lighthouse at dawn", { width: 512, height: 512 })
    expect(result.status).toBe("completed")
    expect(result.images.length).toBeGreaterThan(0)
    const url = result.images[0]!
    // Output URLs are the upstream's own (the fake's origin), not the proxy's.
    expect(url.startsWith(`${fakeServer.url}/`)).toBe(true)

    const upstream = upstreamSince(fakeServer, from)
    expect(upstream.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /images/generate"])
    expect(upstream[0]!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)

    const image = await fetch(url)
    expect(image.status).toBe(200)
    expect(image.headers.get("content-type")).toMatch(/^image\/png/)
    const bytes = new Uint8Array(await image.arrayBuffer())
    expect(Array.from(bytes.subarray(0, 8))).toEqual(PNG_SIGNATURE)
    expectKeyNeverSeen(log)
  })

  it("client.videos.generate({ preferAsync: true }) is accepted, then client.requests.get polls it to completion", async () => {
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const accepted = await client.videos.generate(VIDEO_MODEL, "waves on a pebble beach", {
      preferAsync: true,
      durationSeconds: 5
    })
    expect(accepted).toMatchObject({ status: "accepted", requestId: expect.any(String) })
    const requestId = (accepted as { requestId: string }).requestId

    let status = await client.requests.get(requestId)
    const seen = [status.status]
    for (let i = 0; i < 400 && status.status !== "completed" && status.status !== "failed"; i++) {
      await sleep(20)
      status = await client.requests.get(requestId)
      seen.push(status.status)
    }
    expect(status).toMatchObject({ requestId, status: "completed", mediaType: "video" })
    expect(status.outputUrl).toMatch(/\.mp4$/)

    const upstream = upstreamSince(fakeServer, from)
    expect(upstream[0]).toMatchObject({ method: "POST", path: "/videos/generate" })
    expect(upstream[0]!.headers.prefer).toMatch(/respond-async/)
    expect(upstream.slice(1).every((r) => r.method === "GET" && r.path === `/requests/${requestId}`)).toBe(true)
    expect(upstream).toHaveLength(seen.length + 1)
    for (const r of upstream) expect(r.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
    expect(log.filter((e) => e.url.includes(`/api/visgate/requests/${requestId}`))).toHaveLength(seen.length)
    expectKeyNeverSeen(log)
  })

  it("client.health() and GET /models go through the default route groups", async () => {
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const health = await client.health()
    expect(health.status).toBe("ok")

    // The client on main has no models method: the browser's raw fetch of the list.
    const models = await recordingFetch(log)(`${mainProxy.origin}/api/visgate/models?limit=3`)
    expect(models.status).toBe(200)
    const body = (await models.json()) as { models?: Array<{ id: string }>; total_count?: number }
    expect(body.models).toHaveLength(3)

    const upstream = upstreamSince(fakeServer, from)
    expect(upstream.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /health", "GET /models"])
    expect(upstream[1]!.query).toEqual({ limit: "3" })
    for (const r of upstream) expect(r.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
    expectKeyNeverSeen(log)
  })

  it("async 202: Location is mapped onto the proxy; Idempotency-Key goes through and a replay is marked", async () => {
    const from = fakeServer.fake.requests.length
    const send = () =>
      recordingFetch(log)(`${mainProxy.origin}/api/visgate/images/generate`, {
        method: "POST",
        headers: { "content-type": "application/json", prefer: "respond-async", "idempotency-key": "e2e-idem-1" },
        body: JSON.stringify({ model: IMAGE_MODEL, prompt: "an owl at night", width: 256, height: 256, num_images: 1 })
      })
    const first = await send()
    expect(first.status).toBe(202)
    const { request_id: id } = (await first.json()) as { request_id: string }
    expect(first.headers.get("location")).toBe(`/api/visgate/requests/${id}`)

    const replay = await send()
    expect(replay.status).toBe(202)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(((await replay.json()) as { request_id: string }).request_id).toBe(id)

    const upstream = upstreamSince(fakeServer, from)
    expect(upstream).toHaveLength(2)
    for (const r of upstream) {
      expect(r.headers["idempotency-key"]).toBe("e2e-idem-1")
      expect(r.headers.prefer).toBe("respond-async")
      expect(r.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
    }

    // The Client's own generated Idempotency-Key reaches the fake unchanged.
    const client = clientFor(mainProxy, log)
    const before = fakeServer.fake.requests.length
    await client.images.generate(IMAGE_MODEL, "an owl at dawn", { width: 256, height: 256, preferAsync: true })
    const sent = log.at(-1)!
    expect(sent.requestHeaders["idempotency-key"]).toEqual(expect.any(String))
    expect(upstreamSince(fakeServer, before)[0]!.headers["idempotency-key"]).toBe(
      sent.requestHeaders["idempotency-key"]
    )
    expectKeyNeverSeen(log)
  })

  it("a Client given apiKey and BYOK keys next to proxyUrl still sends neither", async () => {
    const own: Array<Exchange> = []
    const client = clientFor(mainProxy, own, {
      apiKey: SERVER_KEY,
      falKey: "fal_browser_secret",
      runpodKey: "rpa_browser_secret"
    })
    const from = fakeServer.fake.requests.length
    await client.generate("a misconfigured browser")
    expect(own).toHaveLength(1)
    expect(own[0]!.requestHeaders.authorization).toBeUndefined()
    expect(JSON.stringify(own[0]).includes("_browser_secret")).toBe(false)
    const upstream = upstreamSince(fakeServer, from)
    expect(upstream[0]!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
    expect(upstream[0]!.headers["x-fal-key"]).toBeUndefined()
    expect(upstream[0]!.headers).not.toHaveProperty("x-runpod-key")
    expectKeyNeverSeen(own)
  })

  it("no request the client sent and no response it read contained the key", () => {
    expect(log.length).toBeGreaterThanOrEqual(6)
    for (const exchange of log) {
      expect(exchange.url.startsWith(`${mainProxy.origin}/api/visgate/`)).toBe(true)
      expect(exchange.requestHeaders.authorization).toBeUndefined()
      for (const name of Object.keys(exchange.requestHeaders)) expect(name).not.toMatch(/^x-.*-key$/)
    }
    expectKeyNeverSeen(log)
  })
})

describe("the seed's getToken flow through a keyFromRequest proxy", () => {
  it("the fake sees each request's fresh user token as the Bearer", async () => {
    const log: Array<Exchange> = []
    let issued = 0
    const client = clientFor(tokenProxy, log, { getToken: async () => USER_TOKENS[issued++]! })
    const from = fakeServer.fake.requests.length

    await client.generate("a red fox in snow")
    const accepted = await client.images.generate(IMAGE_MODEL, "a blue fox in snow", { preferAsync: true })
    expect(accepted).toMatchObject({ status: "accepted" })
    const status = await client.requests.get((accepted as { requestId: string }).requestId)
    expect(status.requestId).toBe((accepted as { requestId: string }).requestId)

    expect(issued).toBe(3)
    expect(log.map((e) => e.requestHeaders.authorization)).toEqual(USER_TOKENS.slice(0, 3).map((t) => `Bearer ${t}`))
    const upstream = upstreamSince(fakeServer, from)
    expect(upstream.map((r) => `${r.method} ${r.path.replace(/\/requests\/.*/, "/requests/{id}")}`)).toEqual([
      "POST /generate",
      "POST /images/generate",
      "GET /requests/{id}"
    ])
    expect(upstream.map((r) => r.headers.authorization)).toEqual(USER_TOKENS.slice(0, 3).map((t) => `Bearer ${t}`))
    expectKeyNeverSeen(log)
  })

  it("a token the fake does not know comes back as the fake's 401 (AuthenticationError)", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(tokenProxy, log, { getToken: () => "vg-stranger-token" })
    const from = fakeServer.fake.requests.length
    const error = await rejectionOf(client.generate("a cat"))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toMatchObject({ statusCode: 401, errorCode: "AUTHENTICATION_ERROR" })
    const upstream = upstreamSince(fakeServer, from)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]!.headers.authorization).toBe("Bearer vg-stranger-token")
  })

  it("without a token the proxy answers 401 UNAUTHORIZED and never contacts the fake", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(tokenProxy, log, { getToken: () => "" })
    const from = fakeServer.fake.requests.length
    const error = await rejectionOf(client.generate("a cat"))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toMatchObject({ statusCode: 401, errorCode: "UNAUTHORIZED" })
    expect(log[0]!.requestHeaders.authorization).toBeUndefined()
    expect(upstreamSince(fakeServer, from)).toHaveLength(0)
  })
})

describe("refusals end to end through the Client", () => {
  it("an unlisted route: 403 ROUTE_NOT_ALLOWED in the API envelope, a typed VisgateError in the Client", async () => {
    const log: Array<Exchange> = []
    const from = fakeServer.fake.requests.length

    const raw = await recordingFetch(log)(`${mainProxy.origin}/api/visgate/billing/info`)
    expect(raw.status).toBe(403)
    expect(raw.headers.get("content-type")).toMatch(/^application\/json/)
    expect(await raw.json()).toMatchObject({
      error: "ROUTE_NOT_ALLOWED",
      message: expect.any(String),
      details: { method: "GET", path: "/billing/info" }
    })

    // The token proxy does not list "health": the Client's own call is refused the same way.
    const client = clientFor(tokenProxy, log, { getToken: () => USER_TOKENS[19]! })
    const error = await rejectionOf(client.health())
    expect(isVisgateError(error)).toBe(true)
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toMatchObject({
      _tag: "VisgateError",
      errorCode: "ROUTE_NOT_ALLOWED",
      statusCode: 403,
      details: { path: "/health" }
    })

    expect(upstreamSince(fakeServer, from)).toHaveLength(0)
    expectKeyNeverSeen(log)
  })

  it("allowModels: a model outside the list is MODEL_NOT_ALLOWED (403) and never reaches the fake", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const error = await rejectionOf(client.images.generate("fal-ai/flux-pro", "a castle"))
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toMatchObject({ _tag: "VisgateError", errorCode: "MODEL_NOT_ALLOWED", statusCode: 403 })
    const videoError = await rejectionOf(
      client.videos.generate("fal-ai/minimax/video-01", "a castle", { preferAsync: true })
    )
    expect(videoError).toMatchObject({ errorCode: "MODEL_NOT_ALLOWED", statusCode: 403 })
    expect(upstreamSince(fakeServer, from)).toHaveLength(0)
    expect(proxyErrors.filter((e) => e.code === "MODEL_NOT_ALLOWED").length).toBeGreaterThanOrEqual(2)
    expectKeyNeverSeen(log)
  })

  it("an oversize body: 413 PAYLOAD_TOO_LARGE, surfaced as a VisgateError", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(mainProxy, log)
    const from = fakeServer.fake.requests.length
    const error = await rejectionOf(client.generate("a very detailed city", { params: { notes: "x".repeat(20_000) } }))
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toMatchObject({ errorCode: "PAYLOAD_TOO_LARGE", statusCode: 413 })
    expect(log).toHaveLength(1)
    expect(log[0]!.requestBody.length).toBeGreaterThan(8_192)
    expect(upstreamSince(fakeServer, from)).toHaveLength(0)
    expectKeyNeverSeen(log)
  })
})

describe("429 from the fake", () => {
  it("passes through the proxy unchanged, and the Client maps it to RateLimitError with retryAfter", async () => {
    const fake = fakeServer.fake
    // The fake's own answer, for comparison (straight to the fake, with the server key).
    fake.faults.add({ route: "POST /generate", times: 1, fault: { kind: "rateLimit", retryAfter: 7 } })
    const direct = await fetch(`${fakeServer.baseUrl}/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${SERVER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a cat", model: IMAGE_MODEL })
    })
    const directBody = await direct.text()
    expect(direct.status).toBe(429)

    const log: Array<Exchange> = []
    fake.faults.add({ route: "POST /generate", times: 1, fault: { kind: "rateLimit", retryAfter: 7 } })
    const proxied = await recordingFetch(log)(`${mainProxy.origin}/api/visgate/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a cat", model: IMAGE_MODEL })
    })
    expect(proxied.status).toBe(429)
    expect(proxied.headers.get("retry-after")).toBe(direct.headers.get("retry-after"))
    expect(proxied.headers.get("retry-after")).toBe("7")
    expect(proxied.headers.get("content-type")).toBe(direct.headers.get("content-type"))
    expect(await proxied.text()).toBe(directBody)

    const client = clientFor(mainProxy, log, { maxRetries: 0 })
    fake.faults.add({ route: "POST /generate", times: 1, fault: { kind: "rateLimit", retryAfter: 7 } })
    const from = fake.requests.length
    const error = await rejectionOf(client.generate("a cat"))
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ _tag: "RateLimitError", statusCode: 429, retryAfter: 7 })
    const upstream = upstreamSince(fakeServer, from)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]!.fault).toBeDefined()
    expectKeyNeverSeen(log)
  })
})

describe("upstream failures and retries through the proxy", () => {
  it("a connection reset by the fake: 502 UPSTREAM_UNAVAILABLE, a VisgateError in the Client", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(shortTimeoutProxy, log)
    fakeServer.fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "reset" } })
    const error = await rejectionOf(client.health())
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toMatchObject({ _tag: "VisgateError", errorCode: "UPSTREAM_UNAVAILABLE", statusCode: 502 })
    expectKeyNeverSeen(log)
  })

  it("a fake that never answers: 504 UPSTREAM_TIMEOUT after the proxy's timeout", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(shortTimeoutProxy, log)
    fakeServer.fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "hang" } })
    const error = await rejectionOf(client.health())
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toMatchObject({ errorCode: "UPSTREAM_TIMEOUT", statusCode: 504, details: { timeout_ms: 300 } })
    expectKeyNeverSeen(log)
  })

  it("the Client retries a 503 through the proxy with the same Idempotency-Key", async () => {
    const log: Array<Exchange> = []
    const client = clientFor(mainProxy, log, { maxRetries: 1 })
    fakeServer.fake.faults.add({
      route: "POST /generate",
      times: 1,
      fault: { status: 503, headers: { "retry-after": "0" } }
    })
    const from = fakeServer.fake.requests.length
    const result = await client.generate("a retried sunrise")
    expect(result.status).toBe("completed")
    expect(log.map((e) => e.status)).toEqual([503, 200])
    const upstream = upstreamSince(fakeServer, from)
    expect(upstream).toHaveLength(2)
    expect(upstream[0]!.fault).toBeDefined()
    const keys = upstream.map((r) => r.headers["idempotency-key"])
    expect(keys[0]).toEqual(expect.any(String))
    expect(keys[1]).toBe(keys[0])
    expect(log.map((e) => e.requestHeaders["idempotency-key"])).toEqual(keys)
    expectKeyNeverSeen(log)
  })
})

describe("deployment status stream (SSE) through the proxy", () => {
  interface SseEvent {
    readonly event: string
    readonly data: { status?: string; deployment_id?: string }
  }

  /** Reads server-sent events one at a time from a fetch body. */
  const sseReader = (body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let buffer = ""
    let ended = false
    return {
      get ended() {
        return ended
      },
      /** The next event, or `undefined` once the stream has ended. */
      async next(): Promise<SseEvent | undefined> {
        for (;;) {
          const at = buffer.indexOf("\n\n")
          if (at >= 0) {
            const block = buffer.slice(0, at)
            buffer = buffer.slice(at + 2)
            if (block.startsWith(":")) continue
            let event = "message"
            let data = ""
            for (const line of block.split("\n")) {
              if (line.startsWith("event: ")) event = line.slice(7)
              else if (line.startsWith("data: ")) data += line.slice(6)
            }
            return { event, data: JSON.parse(data) as SseEvent["data"] }
          }
          if (ended) return undefined
          const { done, value } = await reader.read()
          if (done) ended = true
          else buffer += decoder.decode(value, { stream: true })
        }
      },
      cancel: () => reader.cancel()
    }
  }

  it("events arrive one by one: the first is read while the stream is still open", async () => {
    const fake = deployFake.fake
    const from = fake.requests.length
    const created = await fetch(`${deployProxy.origin}/api/visgate/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-runpod-key": RUNPOD_KEY },
      body: JSON.stringify({ hf_model_id: "stabilityai/sdxl-turbo" })
    })
    expect(created.status).toBe(202)
    const { deployment_id: id } = (await created.json()) as { deployment_id: string }

    const stream = await fetch(`${deployProxy.origin}/api/visgate/deployments/${id}/stream`, {
      headers: { accept: "text/event-stream", "x-runpod-key": RUNPOD_KEY }
    })
    expect(stream.status).toBe(200)
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/)
    expect(stream.headers.get("x-accel-buffering")).toBe("no")
    for (const [name, value] of stream.headers) expect(`${name}: ${value}`.includes(SERVER_KEY)).toBe(false)

    const events = sseReader(stream.body!)
    // The fake's clock is frozen: the stream cannot progress or end until the test advances it.
    const first = await events.next()
    expect(first).toMatchObject({ event: "status", data: { deployment_id: id, status: "validating" } })
    expect(events.ended).toBe(false)

    fake.advance(2_000)
    const second = await events.next()
    expect(second).toMatchObject({ event: "status", data: { status: "selecting_gpu" } })
    expect(events.ended).toBe(false)

    fake.advance(60_000)
    const rest: Array<string | undefined> = []
    for (let e = await events.next(); e !== undefined; e = await events.next()) rest.push(e.data.status)
    expect(rest).toEqual(["creating_endpoint", "downloading_model", "loading_model", "ready"])
    expect(events.ended).toBe(true)

    const upstream = upstreamSince(deployFake, from)
    expect(upstream.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /deployments", `GET /deployments/${id}/stream`])
    for (const r of upstream) {
      expect(r.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
      expect(r.headers["x-runpod-key"]).toBe(RUNPOD_KEY)
    }
  })

  it("a browser that disconnects mid-stream aborts the proxy's upstream request", async () => {
    const created = await fetch(`${deployProxy.origin}/api/visgate/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-runpod-key": RUNPOD_KEY },
      body: JSON.stringify({ hf_model_id: "stabilityai/sd-turbo" })
    })
    expect(created.status).toBe(202)
    const { deployment_id: id } = (await created.json()) as { deployment_id: string }

    const browser = new AbortController()
    const stream = await fetch(`${deployProxy.origin}/api/visgate/deployments/${id}/stream`, {
      headers: { "x-runpod-key": RUNPOD_KEY },
      signal: browser.signal
    })
    const events = sseReader(stream.body!)
    expect(await events.next()).toMatchObject({ event: "status", data: { status: "validating" } })
    const upstream = deployUpstreamSignals.find((s) => s.url.endsWith(`/deployments/${id}/stream`))!
    expect(upstream.signal.aborted).toBe(false)

    browser.abort()
    await events.cancel().catch(() => undefined)
    // Bounded only by the test timeout: the abort travels browser → socket close → proxy → upstream fetch.
    while (!upstream.signal.aborted) await sleep(10)
    expect(upstream.signal.aborted).toBe(true)
  })

  it("without forwardHeaders the browser's X-Runpod-Key is dropped (the fake answers 401)", async () => {
    const fake = deployFake.fake
    const from = fake.requests.length
    const res = await fetch(`${deployProxyDefaultHeaders.origin}/api/visgate/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-runpod-key": RUNPOD_KEY },
      body: JSON.stringify({ hf_model_id: "stabilityai/sdxl-turbo" })
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: "UNAUTHORIZED" })
    const upstream = upstreamSince(deployFake, from)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]!.headers["x-runpod-key"]).toBeUndefined()
    expect(upstream[0]!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`)
  })
})
