/** The handler: forwarding and the key, keyFromRequest, authorize, routes (setup in handlerSetup.ts). */
import { describe, expect, it } from "vitest"
import { createProxyHandler, createRouteHandlers, readBearerToken, readCookie } from "../src/index.js"
import { json, proxy, upstream } from "./handlerSetup.js"
import { expectEnvelope, KEY, recordErrors, send, TOKEN } from "./helpers.js"
import { sleep } from "./upstream.js"

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
