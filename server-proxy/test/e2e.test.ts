/**
 * End to end over real loopback HTTP: the browser-side `Client` (`proxyUrl` mode) → the proxy as a
 * `node:http` server → the fake Visgate API served by `serve({ port: 0 })`. Every request the client
 * sends and every response it reads goes through a recording `fetch`, and none may carry the key.
 */
import { describe, expect, it } from "vitest"
import { AuthenticationError } from "../../src/index.js"
import {
  clientFor,
  type Exchange,
  expectKeyNeverSeen,
  fakeServer,
  IMAGE_MODEL,
  mainProxy,
  PNG_SIGNATURE,
  recordingFetch,
  rejectionOf,
  SERVER_KEY,
  sleep,
  tokenProxy,
  upstreamSince,
  USER_TOKENS,
  VIDEO_MODEL
} from "./e2eSetup.js"

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
