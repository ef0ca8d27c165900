/**
 * End to end through the proxy (setup in e2eSetup.ts): refusals, the fake's 429, upstream failures
 * and retries, and the deployment status stream (SSE).
 */
import { describe, expect, it } from "vitest"
import { isVisgateError, RateLimitError, VisgateError } from "../../src/index.js"
import {
  clientFor,
  deployFake,
  deployProxy,
  deployProxyDefaultHeaders,
  deployUpstreamSignals,
  type Exchange,
  expectKeyNeverSeen,
  fakeServer,
  IMAGE_MODEL,
  mainProxy,
  proxyErrors,
  recordingFetch,
  rejectionOf,
  RUNPOD_KEY,
  SERVER_KEY,
  shortTimeoutProxy,
  sleep,
  tokenProxy,
  upstreamSince,
  USER_TOKENS
} from "./e2eSetup.js"

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
