/** The handler's request checks: path safety, allowModels, maxBodyBytes, request headers (setup in handlerSetup.ts). */
import { describe, expect, it } from "vitest"
import { createProxyHandler } from "../src/index.js"
import { json, proxy, upstream } from "./handlerSetup.js"
import { byteStream, expectEnvelope, KEY, recordErrors, send, TOKEN } from "./helpers.js"

describe("path safety (web Request)", () => {
  // A WHATWG URL parser has already resolved `..`, `%2e%2e` and `\` before a web handler sees
  // the request; what survives parsing must still be refused. Raw variants: node.test.ts.
  it.each([
    ["encoded slash", "/api/visgate/models/fal-ai%2fflux"],
    ["encoded slash, upper case", "/api/visgate/requests/..%2F..%2Fauth%2Fme"],
    ["encoded backslash", "/api/visgate/models/a%5c..%5cauth"],
    ["double slash", "/api/visgate//models"],
    ["double slash inside", "/api/visgate/models//fal-ai"],
    ["two trailing slashes", "/api/visgate/models//"],
    ["protocol-relative", "/api/visgate//evil.example/health"],
    ["absolute URL", "/api/visgate/https://evil.example/health"],
    ["absolute URL, encoded", "/api/visgate/https:%2F%2Fevil.example%2Fhealth"],
    ["scheme segment", "/api/visgate/javascript:alert(1)"],
    ["double-encoded dots", "/api/visgate/models/%252e%252e/auth/me"],
    ["double-encoded slash", "/api/visgate/models/a%252fb"],
    ["NUL byte", "/api/visgate/models/a%00b"],
    ["malformed escape", "/api/visgate/models/%zz"]
  ])("refuses %s with 400 INVALID_PATH", async (_label, path) => {
    const errors = recordErrors()
    const sent = await send(proxy({ onError: errors.onError }), path)
    expectEnvelope(sent, 400, "INVALID_PATH")
    expect(upstream.requests).toHaveLength(0)
    expect(errors.events[0]?.code).toBe("INVALID_PATH")
  })

  it("dot segments resolved by the URL parser still go through the allow-list", async () => {
    // new Request() turns /api/visgate/models/../auth/me into /api/visgate/auth/me.
    expectEnvelope(await send(proxy(), "/api/visgate/models/../auth/me"), 403, "ROUTE_NOT_ALLOWED")
    expectEnvelope(await send(proxy(), "/api/visgate/models/%2e%2e/%2E%2E/admin"), 404, "ROUTE_NOT_FOUND")
    expectEnvelope(await send(proxy(), "/api/visgate/../../etc/passwd"), 404, "ROUTE_NOT_FOUND")
    expect(upstream.requests).toHaveLength(0)
  })

  it("tolerates one trailing slash (Next.js trailingSlash) and forwards without it", async () => {
    expect((await send(proxy(), "/api/visgate/models/fal-ai/flux/schnell/?x=1")).status).toBe(200)
    expect(upstream.requests[0]?.path).toBe("/api/v1/models/fal-ai/flux/schnell")
    expect(upstream.requests[0]?.query).toBe("?x=1")
    expectEnvelope(await send(proxy(), "/api/visgate/"), 400, "INVALID_PATH")
  })

  it("only ever contacts the configured origin", async () => {
    const contacted: Array<string> = []
    const handler = proxy({
      fetch: (input, init) => {
        contacted.push(input)
        return fetch(input, init)
      }
    })
    for (
      const path of [
        "/api/visgate/health?next=https://evil.example",
        "/api/visgate/models/@evil.example",
        "/api/visgate/models/evil.example:80",
        "/api/visgate/models/%40evil.example",
        "/api/visgate//evil.example/x",
        "/api/visgate/http:%2f%2fevil.example"
      ]
    ) {
      await send(handler, path)
    }
    expect(contacted.length).toBeGreaterThan(0)
    for (const url of contacted) expect(new URL(url).origin).toBe(upstream.origin)
    for (const url of contacted) expect(new URL(url).pathname.startsWith("/api/v1/")).toBe(true)
  })

  it("does not follow upstream redirects; Location is mapped back onto the prefix or dropped", async () => {
    upstream.respond = (_req, res, recorded) => {
      const location = recorded.path.endsWith("/a") ? `${upstream.baseUrl}/models/b?x=1` : "https://evil.example/steal"
      res.writeHead(307, { location })
      res.end()
    }
    const inside = await send(proxy(), "/api/visgate/models/a")
    expect(inside.status).toBe(307)
    expect(inside.response.headers.get("location")).toBe("/api/visgate/models/b?x=1")
    const outside = await send(proxy(), "/api/visgate/models/c")
    expect(outside.status).toBe(307)
    expect(outside.response.headers.get("location")).toBeNull()
    expect(upstream.requests).toHaveLength(2)
  })

  it("validates baseUrl and pathPrefix when created", () => {
    expect(() => createProxyHandler({ baseUrl: "not a url" })).toThrow(/baseUrl/)
    expect(() => createProxyHandler({ baseUrl: "ftp://x.example/api" })).toThrow(/http/)
    expect(() => createProxyHandler({ baseUrl: "https://u:p@x.example/api" })).toThrow(/credentials/)
    expect(() => createProxyHandler({ pathPrefix: "api/visgate" })).toThrow(/pathPrefix/)
    expect(() => createProxyHandler({ pathPrefix: "/api/../x" })).toThrow(/pathPrefix/)
  })
})

describe("allowModels", () => {
  it("forwards allowed models and refuses others with 403 MODEL_NOT_ALLOWED", async () => {
    const handler = proxy({ allowModels: ["fal-ai/flux/schnell", "replicate/*"] })
    expect((await send(handler, "/api/visgate/generate", json({ model: "fal-ai/flux/schnell", prompt: "p" }))).status)
      .toBe(200)
    expect(
      (await send(
        handler,
        "/api/visgate/videos/generate",
        json({ model: "replicate/lucataco/cogvideox-5b", prompt: "p" })
      )).status
    ).toBe(200)
    const refused = await send(handler, "/api/visgate/images/generate", json({ model: "fal-ai/veo3", prompt: "p" }))
    expectEnvelope(refused, 403, "MODEL_NOT_ALLOWED")
    expect(refused.json).toMatchObject({ details: { model: "fal-ai/veo3" } })
    expect(upstream.requests.map((r) => r.path)).toEqual(["/api/v1/generate", "/api/v1/videos/generate"])
    // The checked body is forwarded unchanged.
    expect(JSON.parse(upstream.requests[0]?.body ?? "")).toEqual({ model: "fal-ai/flux/schnell", prompt: "p" })
  })

  it("accepts a predicate", async () => {
    const handler = proxy({
      allowModels: async (model, request) => model.startsWith("fal-ai/") && request.method === "POST"
    })
    expect((await send(handler, "/api/visgate/generate", json({ model: "fal-ai/flux/schnell" }))).status).toBe(200)
    expectEnvelope(
      await send(handler, "/api/visgate/generate", json({ model: "runway/gen4_turbo" })),
      403,
      "MODEL_NOT_ALLOWED"
    )
  })

  it("refuses a missing model (403) and a body that is not JSON (400)", async () => {
    const handler = proxy({ allowModels: ["fal-ai/flux/schnell"] })
    expectEnvelope(await send(handler, "/api/visgate/generate", json({ prompt: "p" })), 403, "MODEL_NOT_ALLOWED")
    expectEnvelope(await send(handler, "/api/visgate/generate", json({ model: 42 })), 403, "MODEL_NOT_ALLOWED")
    expectEnvelope(
      await send(handler, "/api/visgate/generate", { method: "POST", body: "model=fal-ai/flux/schnell" }),
      400,
      "INVALID_JSON"
    )
    expectEnvelope(await send(handler, "/api/visgate/generate", { method: "POST" }), 400, "INVALID_JSON")
    expect(upstream.requests).toHaveLength(0)
  })

  it("only inspects generation routes", async () => {
    const handler = proxy({
      allowModels: ["fal-ai/flux/schnell"],
      allowRoutes: ["generation", "models", "POST /usage/downloads"]
    })
    expect((await send(handler, "/api/visgate/models/fal-ai/veo3")).status).toBe(200)
    expect((await send(handler, "/api/visgate/usage/downloads", json({ model: "other" }))).status).toBe(200)
  })
})

describe("maxBodyBytes", () => {
  it("answers 413 from Content-Length alone, without contacting upstream", async () => {
    const errors = recordErrors()
    const handler = proxy({ maxBodyBytes: 1_000, onError: errors.onError })
    const sent = await send(handler, "/api/visgate/generate", json({ model: "m", prompt: "x".repeat(2_000) }))
    expectEnvelope(sent, 413, "PAYLOAD_TOO_LARGE")
    expect(sent.json).toMatchObject({ details: { max_bytes: 1_000 } })
    expect(upstream.requests).toHaveLength(0)
    expect(errors.events[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 })
  })

  it("answers 413 when a streamed body without Content-Length passes the limit", async () => {
    const sent = await send(proxy(), "/api/visgate/generate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: byteStream(1_048_577),
      duplex: "half"
    })
    expectEnvelope(sent, 413, "PAYLOAD_TOO_LARGE")
    expect(upstream.requests).toHaveLength(0)
  })

  it("accepts a streamed body exactly at the limit and forwards it with a Content-Length", async () => {
    const sent = await send(proxy({ maxBodyBytes: 50_000 }), "/api/visgate/generate", {
      method: "POST",
      body: byteStream(50_000, 7_000),
      duplex: "half"
    })
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.body.length).toBe(50_000)
    expect(upstream.requests[0]?.headers["content-length"]).toBe("50000")
  })

  it("uses 1 MiB by default", async () => {
    const ok = await send(proxy(), "/api/visgate/generate", { method: "POST", body: new Uint8Array(1_048_576) })
    expect(ok.status).toBe(200)
    const tooBig = await send(proxy(), "/api/visgate/generate", { method: "POST", body: new Uint8Array(1_048_577) })
    expectEnvelope(tooBig, 413, "PAYLOAD_TOO_LARGE")
  })
})

describe("request headers", () => {
  it("forwards only Accept, Content-Type, Prefer, Idempotency-Key and Last-Event-ID", async () => {
    await send(proxy(), "/api/visgate/videos/generate", {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        prefer: "respond-async",
        "idempotency-key": "idem-123",
        "last-event-id": "7",
        authorization: `Bearer ${TOKEN}`,
        cookie: `session=${TOKEN}`,
        "x-fal-key": "fal_browser",
        "x-replicate-key": "r8_browser",
        "x-runway-key": "rw_browser",
        "x-runpod-key": "rpa_browser",
        "x-runpod-api-key": "rpa_browser",
        "x-huggingface-api-key": "hf_browser",
        "x-anything-key": "k",
        "x-forwarded-for": "10.0.0.1",
        "x-visgate-internal-secret": "s",
        "user-agent": "browser",
        origin: "https://app.test",
        referer: "https://app.test/page",
        "keep-alive": "timeout=5",
        te: "trailers",
        trailer: "x-t",
        upgrade: "websocket",
        "proxy-authorization": "Basic eDp5",
        "x-custom": "1"
      },
      body: JSON.stringify({ model: "fal-ai/veo3", prompt: "waves" })
    })
    const headers = upstream.requests[0]?.headers ?? {}
    expect(headers.accept).toBe("application/json")
    expect(headers["content-type"]).toBe("application/json")
    expect(headers.prefer).toBe("respond-async")
    expect(headers["idempotency-key"]).toBe("idem-123")
    expect(headers["last-event-id"]).toBe("7")
    expect(headers.authorization).toBe(`Bearer ${KEY}`)
    for (
      const dropped of [
        "cookie",
        "x-fal-key",
        "x-replicate-key",
        "x-runway-key",
        "x-runpod-key",
        "x-runpod-api-key",
        "x-huggingface-api-key",
        "x-anything-key",
        "x-forwarded-for",
        "x-visgate-internal-secret",
        "origin",
        "referer",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "x-custom"
      ]
    ) {
      expect(headers[dropped], dropped).toBeUndefined()
    }
    expect(headers.host).toBe(new URL(upstream.origin).host)
  })

  it("forwards BYOK headers only when forwardHeaders lists them", async () => {
    const handler = proxy({ forwardHeaders: ["X-Fal-Key"] })
    await send(
      handler,
      "/api/visgate/generate",
      json({ model: "m" }, { "x-fal-key": "fal_browser", "x-replicate-key": "r8_browser" })
    )
    expect(upstream.requests[0]?.headers["x-fal-key"]).toBe("fal_browser")
    expect(upstream.requests[0]?.headers["x-replicate-key"]).toBeUndefined()
  })

  it("never forwards credentials, framing or hop-by-hop headers, whatever forwardHeaders says", () => {
    for (
      const name of [
        "authorization",
        "Cookie",
        "host",
        "content-length",
        "connection",
        "transfer-encoding",
        "proxy-foo",
        "x-forwarded-for"
      ]
    ) {
      expect(() => proxy({ forwardHeaders: [name] }), name).toThrow(/can never be forwarded/)
    }
    expect(() => proxy({ forwardHeaders: ["bad header"] })).toThrow(/invalid header name/)
  })
})
