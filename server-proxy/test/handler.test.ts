import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { DROPPED_RESPONSE_HEADERS } from "../src/headers.js"
import {
  createProxyHandler,
  createRouteHandlers,
  type ProxyOptions,
  readBearerToken,
  readCookie
} from "../src/index.js"
import { byteStream, expectEnvelope, KEY, recordErrors, scanResponse, send, TOKEN } from "./helpers.js"
import { sleep, startUpstream, type Upstream } from "./upstream.js"

let upstream: Upstream
const savedEnv = process.env["VISGATE_API_KEY"]

beforeAll(async () => {
  upstream = await startUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => {
  delete process.env["VISGATE_API_KEY"]
  upstream.requests.length = 0
  upstream.aborted.length = 0
  upstream.respond = (_req, res, recorded) => {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ ok: true, path: recorded.path, query: recorded.query }))
  }
})
afterEach(() => {
  if (savedEnv === undefined) delete process.env["VISGATE_API_KEY"]
  else process.env["VISGATE_API_KEY"] = savedEnv
})

const proxy = (options: ProxyOptions = {}) => createProxyHandler({ apiKey: KEY, baseUrl: upstream.baseUrl, ...options })

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

describe("forwarding and the key", () => {
  it("maps <prefix>/<api path>?query onto <baseUrl>/<api path>?query and injects the key", async () => {
    const sent = await send(proxy(), "/api/visgate/models/fal-ai/flux/schnell?limit=5&provider=fal")
    expect(sent.status).toBe(200)
    expect(upstream.requests).toHaveLength(1)
    const [seen] = upstream.requests
    expect(seen?.method).toBe("GET")
    expect(seen?.path).toBe("/api/v1/models/fal-ai/flux/schnell")
    expect(seen?.query).toBe("?limit=5&provider=fal")
    expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it("forwards a generation POST body byte for byte", async () => {
    const body = { model: "fal-ai/flux/schnell", prompt: "a sunset over Istanbul", params: { num_images: 2 } }
    const sent = await send(proxy(), "/api/visgate/generate", json(body))
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.method).toBe("POST")
    expect(upstream.requests[0]?.path).toBe("/api/v1/generate")
    expect(JSON.parse(upstream.requests[0]?.body ?? "")).toEqual(body)
    expect(upstream.requests[0]?.headers["content-type"]).toBe("application/json")
    expect(upstream.requests[0]?.headers["content-length"]).toBe(String(JSON.stringify(body).length))
  })

  it("strips a trailing slash from baseUrl and accepts a custom pathPrefix", async () => {
    const handler = proxy({ baseUrl: `${upstream.baseUrl}/`, pathPrefix: "/visgate-proxy/" })
    expect(handler.pathPrefix).toBe("/visgate-proxy")
    const sent = await send(handler, "/visgate-proxy/health")
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.path).toBe("/api/v1/health")
  })

  it("defaults apiKey to process.env.VISGATE_API_KEY", async () => {
    process.env["VISGATE_API_KEY"] = KEY
    const handler = createProxyHandler({ baseUrl: upstream.baseUrl })
    const sent = await send(handler, "/api/visgate/health")
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it("answers 500 PROXY_NOT_CONFIGURED without contacting upstream when there is no key", async () => {
    const errors = recordErrors()
    const handler = createProxyHandler({ baseUrl: upstream.baseUrl, onError: errors.onError })
    const sent = await send(handler, "/api/visgate/health")
    expectEnvelope(sent, 500, "PROXY_NOT_CONFIGURED")
    expect(upstream.requests).toHaveLength(0)
    expect(errors.events[0]).toMatchObject({
      code: "PROXY_NOT_CONFIGURED",
      status: 500,
      method: "GET",
      path: "/api/visgate/health"
    })
  })

  it("replaces a browser-sent Authorization with the server key", async () => {
    const sent = await send(proxy(), "/api/visgate/health", { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it("createRouteHandlers exports one handler per method for Next.js", async () => {
    const { GET, POST, PUT, PATCH, DELETE, HEAD } = createRouteHandlers({ apiKey: KEY, baseUrl: upstream.baseUrl })
    expect(new Set([GET, POST, PUT, PATCH, DELETE, HEAD]).size).toBe(1)
    // Next.js passes a context object as the second argument; it is ignored.
    const response = await GET(new Request("http://app.test/api/visgate/health"), {
      params: Promise.resolve({ path: ["health"] })
    })
    expect(response.status).toBe(200)
    await response.text()
  })

  it("HEAD is allowed where GET is and returns no body", async () => {
    const sent = await send(proxy(), "/api/visgate/health", { method: "HEAD" })
    expect(sent.status).toBe(200)
    expect(sent.text).toBe("")
    expect(upstream.requests[0]?.method).toBe("HEAD")
  })
})

describe("keyFromRequest (the client's getToken flow)", () => {
  it("forwards the caller's own Bearer token instead of the key", async () => {
    const handler = proxy({ keyFromRequest: readBearerToken })
    const sent = await send(handler, "/api/visgate/requests/0385a863-9eab-44eb-95ea-82f52731996b", {
      headers: { authorization: `Bearer ${TOKEN}` }
    })
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  it("falls back to an explicit apiKey when the caller has no token", async () => {
    const sent = await send(proxy({ keyFromRequest: readBearerToken }), "/api/visgate/health")
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it("answers 401 without contacting upstream when there is no token and no explicit apiKey (env is not a fallback)", async () => {
    process.env["VISGATE_API_KEY"] = KEY
    const handler = createProxyHandler({ baseUrl: upstream.baseUrl, keyFromRequest: readBearerToken })
    const sent = await send(handler, "/api/visgate/health")
    expectEnvelope(sent, 401, "UNAUTHORIZED")
    expect(upstream.requests).toHaveLength(0)
  })

  it("resolves a key from an httpOnly cookie, async", async () => {
    const sessions = new Map([["sess-1", TOKEN]])
    const handler = createProxyHandler({
      baseUrl: upstream.baseUrl,
      keyFromRequest: async (request) => {
        await sleep(1)
        const id = readCookie(request, "session")
        return id === undefined ? undefined : sessions.get(id)
      }
    })
    const sent = await send(handler, "/api/visgate/health", { headers: { cookie: "theme=dark; session=sess-1" } })
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(upstream.requests[0]?.headers.cookie).toBeUndefined()
  })

  it("readBearerToken and readCookie parse their headers", () => {
    const request = new Request("http://app.test/", {
      headers: { authorization: "bearer  abc.def ", cookie: "a=1; b=\"x%20y\"; c" }
    })
    expect(readBearerToken(request)).toBe("abc.def")
    expect(readBearerToken(new Request("http://app.test/", { headers: { authorization: "Basic Zm9v" } })))
      .toBeUndefined()
    expect(readCookie(request, "a")).toBe("1")
    expect(readCookie(request, "b")).toBe("x y")
    expect(readCookie(request, "c")).toBeUndefined()
  })
})

describe("authorize", () => {
  it("false → 401 envelope, upstream never contacted", async () => {
    const sent = await send(proxy({ authorize: () => false }), "/api/visgate/health")
    expectEnvelope(sent, 401, "UNAUTHORIZED")
    expect(upstream.requests).toHaveLength(0)
  })

  it("a Response is returned as is", async () => {
    const handler = proxy({
      authorize: async () => new Response("nope", { status: 403, headers: { "x-why": "banned" } })
    })
    const sent = await send(handler, "/api/visgate/health")
    expect(sent.status).toBe(403)
    expect(sent.text).toBe("nope")
    expect(sent.response.headers.get("x-why")).toBe("banned")
    expect(upstream.requests).toHaveLength(0)
  })

  it("true lets the request through, and the hook sees the request", async () => {
    const seen: Array<string> = []
    const handler = proxy({
      authorize: (request) => {
        seen.push(new URL(request.url).pathname)
        return request.headers.get("x-user") === "ada"
      }
    })
    expect((await send(handler, "/api/visgate/health", { headers: { "x-user": "ada" } })).status).toBe(200)
    expect((await send(handler, "/api/visgate/health", { headers: { "x-user": "eve" } })).status).toBe(401)
    expect(seen).toEqual(["/api/visgate/health", "/api/visgate/health"])
    expect(upstream.requests).toHaveLength(1)
  })

  it("a throwing hook → 500 PROXY_ERROR, reported to onError with the key redacted", async () => {
    const errors = recordErrors()
    const handler = proxy({
      onError: errors.onError,
      authorize: () => {
        throw new Error(`db down while checking ${KEY}`)
      }
    })
    const sent = await send(handler, "/api/visgate/health")
    expectEnvelope(sent, 500, "PROXY_ERROR")
    expect(errors.events[0]?.cause?.message).toBe("db down while checking [redacted]")
  })
})

describe("routes", () => {
  it.each([
    ["POST", "/generate"],
    ["POST", "/images/generate"],
    ["POST", "/videos/generate"],
    ["GET", "/requests/0385a863-9eab-44eb-95ea-82f52731996b"],
    ["GET", "/models"],
    ["GET", "/models/fal-ai/flux/schnell"],
    ["GET", "/health"]
  ])("default allows %s %s", async (method, path) => {
    const init: RequestInit = method === "POST" ? json({ model: "m", prompt: "p" }) : {}
    const sent = await send(proxy(), `/api/visgate${path}`, init)
    expect(sent.status).toBe(200)
    expect(upstream.requests[0]?.path).toBe(`/api/v1${path}`)
  })

  it.each([
    ["GET", "/usage"],
    ["GET", "/usage/logs"],
    ["GET", "/dashboard"],
    ["GET", "/billing/info"],
    ["POST", "/billing/checkout"],
    ["GET", "/providers/keys"],
    ["PUT", "/providers/keys"],
    ["DELETE", "/providers/keys/fal"],
    ["GET", "/providers/balances"],
    ["GET", "/auth/me"],
    ["GET", "/api-keys"],
    ["GET", "/deployments"],
    ["POST", "/deployments"],
    ["DELETE", "/deployments/dep_2026_400ea2c4"]
  ])("default refuses %s %s with 403 ROUTE_NOT_ALLOWED", async (method, path) => {
    const init: RequestInit = method === "GET"
      ? {}
      : { method, body: "{}", headers: { "content-type": "application/json" } }
    const sent = await send(proxy(), `/api/visgate${path}`, init)
    expectEnvelope(sent, 403, "ROUTE_NOT_ALLOWED")
    expect(sent.json).toMatchObject({ details: { method, path } })
    expect(upstream.requests).toHaveLength(0)
  })

  it.each([
    ["GET", "/admin"],
    ["GET", "/generate"],
    ["DELETE", "/models/fal-ai/flux"],
    ["GET", "/requests"],
    ["GET", "/requests/a/b"],
    ["POST", "/inference/jobs"],
    ["OPTIONS", "/health"],
    ["GET", "/Health"]
  ])("refuses %s %s (outside the known API) with 404 ROUTE_NOT_FOUND", async (method, path) => {
    const sent = await send(proxy(), `/api/visgate${path}`, { method })
    expectEnvelope(sent, 404, "ROUTE_NOT_FOUND")
    expect(upstream.requests).toHaveLength(0)
  })

  it("answers 404 outside the prefix and for the bare prefix", async () => {
    expectEnvelope(await send(proxy(), "/api/other/health"), 404, "ROUTE_NOT_FOUND")
    expectEnvelope(await send(proxy(), "/api/visgatehealth"), 404, "ROUTE_NOT_FOUND")
    expectEnvelope(await send(proxy(), "/api/visgate"), 400, "INVALID_PATH")
    expect(upstream.requests).toHaveLength(0)
  })

  it("opens groups and explicit patterns when listed", async () => {
    const handler = proxy({
      allowRoutes: ["usage", "account", "POST /inference/jobs", "GET|DELETE /inference/jobs/*", "* /custom/**"]
    })
    for (
      const [method, path] of [
        ["GET", "/usage"],
        ["GET", "/dashboard"],
        ["POST", "/usage/downloads"],
        ["GET", "/auth/me"],
        ["POST", "/inference/jobs"],
        ["DELETE", "/inference/jobs/job_1"],
        ["PATCH", "/custom/a/b/c"]
      ] as const
    ) {
      const sent = await send(handler, `/api/visgate${path}`, method === "GET" ? {} : { method, body: "{}" })
      expect(sent.status, `${method} ${path}`).toBe(200)
    }
    // Only what is listed: generation is no longer on.
    expectEnvelope(await send(handler, "/api/visgate/generate", json({ model: "m" })), 403, "ROUTE_NOT_ALLOWED")
    expectEnvelope(await send(handler, "/api/visgate/custom"), 404, "ROUTE_NOT_FOUND")
  })

  it("rejects unknown groups and malformed patterns when created", () => {
    expect(() => proxy({ allowRoutes: ["everything"] })).toThrow(/unknown route group/)
    expect(() => proxy({ allowRoutes: ["get /models"] })).toThrow(/invalid route pattern/)
    expect(() => proxy({ allowRoutes: ["GET models"] })).toThrow(/invalid route pattern/)
    expect(() => proxy({ allowRoutes: ["GET /models/**/x"] })).toThrow(/last segment/)
    expect(() => proxy({ allowRoutes: ["GET /mod*"] })).toThrow(/whole segment/)
    expect(() => proxy({ allowRoutes: ["GET /a/../b"] })).toThrow(/dot segments/)
  })
})

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

describe("responses", () => {
  it("passes status, Retry-After and Content-Type back unchanged", async () => {
    upstream.respond = (_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "17" })
      res.end(
        JSON.stringify({
          error: "RATE_LIMIT_EXCEEDED",
          message: "Rate limit exceeded. Try again later.",
          details: { retry_after_seconds: 17 }
        })
      )
    }
    const sent = await send(proxy(), "/api/visgate/generate", json({ model: "m", prompt: "p" }))
    expect(sent.status).toBe(429)
    expect(sent.response.headers.get("retry-after")).toBe("17")
    expect(sent.response.headers.get("content-type")).toBe("application/json")
    expect(sent.json).toEqual({
      error: "RATE_LIMIT_EXCEEDED",
      message: "Rate limit exceeded. Try again later.",
      details: { retry_after_seconds: 17 }
    })
  })

  it.each([201, 202, 204, 400, 401, 404, 422, 500, 502, 503])("passes upstream status %i through", async (status) => {
    upstream.respond = (_req, res) => {
      if (status === 204) {
        res.writeHead(204)
        res.end()
        return
      }
      res.writeHead(status, { "content-type": "text/plain" })
      res.end(`status ${status}`)
    }
    const sent = await send(proxy(), "/api/visgate/health")
    expect(sent.status).toBe(status)
    expect(sent.text).toBe(status === 204 ? "" : `status ${status}`)
  })

  it("drops Set-Cookie, CORS, hop-by-hop headers and any header carrying the key", async () => {
    upstream.respond = (_req, res) => {
      res.setHeader("content-type", "application/json")
      res.setHeader("set-cookie", ["sid=upstream; HttpOnly", "other=1"])
      res.setHeader("access-control-allow-origin", "*")
      res.setHeader("access-control-allow-headers", "*")
      res.setHeader("x-debug-auth", `Bearer ${KEY}`)
      res.setHeader("x-request-id", "req-1")
      res.setHeader("connection", "close, x-hop")
      res.setHeader("x-hop", "1")
      res.setHeader("alt-svc", "h3=\":443\"")
      res.writeHead(200)
      res.end("{}")
    }
    const sent = await send(proxy(), "/api/visgate/health")
    const names = [...sent.response.headers.keys()]
    expect(names).not.toContain("set-cookie")
    expect(names).not.toContain("access-control-allow-origin")
    expect(names).not.toContain("access-control-allow-headers")
    expect(names).not.toContain("x-debug-auth")
    expect(names).not.toContain("connection")
    expect(names).not.toContain("x-hop")
    expect(names).not.toContain("alt-svc")
    expect(sent.response.headers.get("x-request-id")).toBe("req-1")
  })

  // One sample per dropped header: what an upstream (or whoever answers in its place) could send.
  const HOSTILE_RESPONSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
    ["Refresh", "0; url=https://evil.example/phish"],
    ["Clear-Site-Data", "\"cookies\", \"storage\", \"cache\""],
    ["Set-Cookie", "sid=upstream; Path=/; HttpOnly"],
    ["Set-Cookie2", "sid=1"],
    ["Set-Login", "logged-out"],
    ["Accept-CH", "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Model"],
    ["Accept-CH-Lifetime", "86400"],
    ["Critical-CH", "Sec-CH-UA-Model"],
    ["Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"],
    ["Public-Key-Pins", "pin-sha256=\"AAAA\"; max-age=5184000"],
    ["Public-Key-Pins-Report-Only", "pin-sha256=\"AAAA\"; report-uri=\"https://evil.example/r\""],
    ["Expect-CT", "max-age=86400, enforce, report-uri=\"https://evil.example/ct\""],
    ["Alt-Svc", "h3=\":443\"; ma=86400"],
    ["Origin-Agent-Cluster", "?1"],
    ["Content-Security-Policy", "default-src 'none'; report-uri https://evil.example/csp"],
    ["Content-Security-Policy-Report-Only", "default-src 'none'; report-uri https://evil.example/csp"],
    ["NEL", "{\"report_to\":\"default\",\"max_age\":31536000,\"include_subdomains\":true}"],
    ["Report-To", "{\"group\":\"default\",\"max_age\":31536000,\"endpoints\":[{\"url\":\"https://evil.example/r\"}]}"],
    ["Reporting-Endpoints", "default=\"https://evil.example/r\""],
    ["Link", "<https://evil.example/x.js>; rel=preload; as=script, </api/v1/auth/me>; rel=prefetch"],
    ["Speculation-Rules", "\"https://evil.example/rules.json\""],
    ["Service-Worker-Allowed", "/"],
    ["WWW-Authenticate", "Basic realm=\"Visgate\""],
    ["Timing-Allow-Origin", "*"],
    ["Access-Control-Allow-Origin", "*"],
    ["Access-Control-Allow-Credentials", "true"],
    ["Access-Control-Expose-Headers", "*"],
    ["Keep-Alive", "timeout=5"],
    ["Proxy-Authenticate", "Basic"],
    ["Trailer", "x-checksum"],
    ["Upgrade", "h2c"]
  ]

  it.each(HOSTILE_RESPONSE_HEADERS)("drops %s from upstream responses", async (name, value) => {
    upstream.respond = (_req, res) => {
      res.setHeader("content-type", "application/json")
      res.setHeader(name, value)
      res.setHeader("x-request-id", "req-1")
      res.writeHead(200)
      res.end("{}")
    }
    const sent = await send(proxy(), "/api/visgate/health")
    expect(sent.status).toBe(200)
    expect(sent.response.headers.get(name)).toBeNull()
    expect(sent.response.headers.get("x-request-id")).toBe("req-1")
  })

  it("drops them on error statuses and redirects too", async () => {
    for (const status of [301, 401, 429, 500, 503]) {
      upstream.respond = (_req, res) => {
        for (const [name, value] of HOSTILE_RESPONSE_HEADERS) {
          if (!/^(keep-alive|trailer|upgrade)$/i.test(name)) res.setHeader(name, value)
        }
        res.writeHead(status, { "content-type": "application/json", location: "https://evil.example/" })
        res.end("{}")
      }
      const sent = await send(proxy(), "/api/visgate/health")
      expect(sent.status).toBe(status)
      const names = [...sent.response.headers.keys()]
      for (const [name] of HOSTILE_RESPONSE_HEADERS) {
        expect(names, `${status} ${name}`).not.toContain(name.toLowerCase())
      }
      expect(names).not.toContain("location")
    }
  })

  it("every header the code drops is documented in the README, and the samples above cover them all", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const section = readme.slice(readme.indexOf("## Response headers"), readme.indexOf("## Safety model"))
    for (const name of DROPPED_RESPONSE_HEADERS) {
      expect(section.toLowerCase(), `README lists ${name}`).toContain("`" + name + "`")
    }
    const sampled = new Set(HOSTILE_RESPONSE_HEADERS.map(([name]) => name.toLowerCase()))
    const HOP_ONLY = [
      "connection",
      "te",
      "transfer-encoding",
      "proxy-authorization",
      "proxy-connection",
      "content-length",
      "content-encoding"
    ]
    for (const name of DROPPED_RESPONSE_HEADERS) {
      if (!HOP_ONLY.includes(name)) expect(sampled.has(name), `a sample for ${name}`).toBe(true)
    }
  })

  it("passes the rest of the API's headers back unchanged", async () => {
    const KEPT: Record<string, string> = {
      "cache-control": "no-store",
      "content-disposition": "inline",
      "content-language": "en",
      etag: "\"v1\"",
      "last-modified": "Thu, 03 Dec 2026 10:00:00 GMT",
      vary: "Authorization",
      "retry-after": "5",
      "x-request-id": "req-9",
      "x-ratelimit-remaining": "41",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "cross-origin-resource-policy": "same-origin",
      "referrer-policy": "no-referrer",
      "server-timing": "db;dur=12"
    }
    upstream.respond = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", ...KEPT })
      res.end("{}")
    }
    const sent = await send(proxy(), "/api/visgate/health")
    for (const [name, value] of Object.entries(KEPT)) expect(sent.response.headers.get(name), name).toBe(value)
  })

  it("a compressed upstream body arrives decoded, without a stale Content-Encoding or Content-Length", async () => {
    const payload = JSON.stringify({
      models: Array.from({ length: 200 }, (_, i) => ({ id: `fal-ai/model-${i}` })),
      total_count: 200
    })
    upstream.respond = (_req, res) => {
      const zipped = gzipSync(payload)
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(zipped.length)
      })
      res.end(zipped)
    }
    const sent = await send(proxy(), "/api/visgate/models?limit=200")
    expect(sent.status).toBe(200)
    expect(sent.text).toBe(payload)
    expect(sent.response.headers.get("content-encoding")).toBeNull()
    expect(sent.response.headers.get("content-length")).toBeNull()
  })

  it("answers 504 UPSTREAM_TIMEOUT when the upstream does not answer in time", async () => {
    upstream.respond = () => {
      // Hang: never answer.
    }
    const errors = recordErrors()
    const started = Date.now()
    const sent = await send(
      proxy({ timeout: 200, onError: errors.onError }),
      "/api/visgate/videos/generate",
      json({ model: "fal-ai/veo3", prompt: "p" })
    )
    expectEnvelope(sent, 504, "UPSTREAM_TIMEOUT")
    expect(sent.json).toMatchObject({ details: { timeout_ms: 200 } })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(errors.events[0]).toMatchObject({ code: "UPSTREAM_TIMEOUT", status: 504 })
    await sleep(50)
    expect(upstream.aborted).toContain("/api/v1/videos/generate")
  })

  it("answers 502 UPSTREAM_UNAVAILABLE when the upstream is down", async () => {
    const down = await startUpstream()
    const baseUrl = down.baseUrl
    await down.close()
    const errors = recordErrors()
    const sent = await send(
      createProxyHandler({ apiKey: KEY, baseUrl, onError: errors.onError }),
      "/api/visgate/health"
    )
    expectEnvelope(sent, 502, "UPSTREAM_UNAVAILABLE")
    expect(errors.events[0]?.cause?.name).toBeTypeOf("string")
  })

  it("a custom fetch that throws with the key in its message never leaks it", async () => {
    const errors = recordErrors()
    const handler = proxy({
      onError: errors.onError,
      fetch: async (_input, init) => {
        throw new Error(`refused: ${new Headers(init.headers).get("authorization") ?? ""}`)
      }
    })
    const sent = await send(handler, "/api/visgate/health")
    expectEnvelope(sent, 502, "UPSTREAM_UNAVAILABLE")
    expect(errors.events[0]?.cause?.message).toBe("refused: Bearer [redacted]")
  })
})

describe("streaming", () => {
  it("streams SSE event by event: the first event arrives before the upstream finishes", async () => {
    const state = { finished: false }
    upstream.respond = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
      for (let i = 1; i <= 3; i++) {
        res.write(`event: status\ndata: {"n": ${i}}\n\n`)
        await sleep(300)
      }
      state.finished = true
      res.end()
    }
    const handler = proxy({ allowRoutes: ["deployments"] })
    const response = await handler(
      new Request("http://app.test/api/visgate/deployments/dep_1/stream", { headers: { accept: "text/event-stream" } })
    )
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("text/event-stream")
    expect(response.headers.get("x-accel-buffering")).toBe("no")
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const first = await reader.read()
    expect(first.value).toContain("data: {\"n\": 1}")
    expect(state.finished).toBe(false)
    let rest = ""
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += value
    }
    expect(state.finished).toBe(true)
    expect(rest).toContain("data: {\"n\": 3}")
    scanResponse(response, `${first.value ?? ""}${rest}`)
    expect(upstream.requests[0]?.headers.accept).toBe("text/event-stream")
  })

  it("cancelling the response body aborts the upstream request", async () => {
    upstream.respond = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      for (let i = 0; i < 50 && !res.destroyed; i++) {
        res.write(`data: ${i}\n\n`)
        await sleep(100)
      }
      res.end()
    }
    const handler = proxy({ allowRoutes: ["deployments"] })
    const response = await handler(new Request("http://app.test/api/visgate/deployments/dep_1/logs/stream"))
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    for (let i = 0; i < 40 && !upstream.aborted.includes("/api/v1/deployments/dep_1/logs/stream"); i++) await sleep(50)
    expect(upstream.aborted).toContain("/api/v1/deployments/dep_1/logs/stream")
  })

  it("a client abort before the upstream answers aborts the upstream request", async () => {
    upstream.respond = () => {
      // Hang.
    }
    const controller = new AbortController()
    const pending = proxy()(new Request("http://app.test/api/visgate/health", { signal: controller.signal }))
    await sleep(100)
    controller.abort()
    const response = await pending
    await response.text()
    for (let i = 0; i < 40 && !upstream.aborted.includes("/api/v1/health"); i++) await sleep(25)
    expect(upstream.aborted).toContain("/api/v1/health")
  })
})
