import { request as httpRequest } from "node:http"
import { describe, expect, it } from "vitest"
import { KEY, TOKEN } from "./helpers.js"
import { envelope, proxyServer, raw, type RawResponse, upstream } from "./nodeSetup.js"
import { sleep } from "./upstream.js"

describe("node:http adapter", () => {
  it("proxies a request with the key, path and query", async () => {
    const res = await raw(proxyServer.port, { path: "/api/visgate/models/fal-ai/flux/schnell?limit=5" })
    expect(res.status).toBe(200)
    expect(res.headers["x-request-id"]).toBe("req-1")
    expect(JSON.parse(res.body)).toEqual({ ok: true, path: "/api/v1/models/fal-ai/flux/schnell", query: "?limit=5" })
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it.each([
    "/api/visgate/models/../auth/me",
    "/api/visgate/../api/visgate/health",
    "/api/visgate/models/./fal-ai",
    "/api/visgate/models/%2e%2e/auth/me",
    "/api/visgate/models/.%2E/auth/me",
    "/api/visgate/models/%2E./auth/me",
    "/api/visgate/requests/..%2f..%2fauth%2fme",
    "/api/visgate/requests/..%2F..%2Fauth%2Fme",
    "/api/visgate/models\\..\\auth\\me",
    "/api/visgate/models/a%5c..%5cauth",
    "/api/visgate//evil.example/health",
    "/api/visgate/https://evil.example/health",
    "/api/visgate/models/%252e%252e/auth",
    "/api/visgate/models/..;/..;/billing/info",
    "/api/visgate/models/%2e%2e;/%2e%2e;/billing/info",
    "/api/visgate/models/x/..;jsessionid=1/..;/billing/info",
    "/api/visgate/requests/..%3b/..%3b/billing/info",
    "/api/visgate/requests/%252e%252e%253b",
    "/api/visgate/models/.../billing/info",
    "/api/visgate/models/%ef%bc%8e%ef%bc%8e/billing/info",
    "/api/visgate/models/%c0%ae%c0%ae/billing/info",
    "http://evil.example/api/visgate/health",
    "//evil.example/api/visgate/health"
  ])("refuses the raw target %s with 400 INVALID_PATH", async (path) => {
    const res = await raw(proxyServer.port, { path })
    expect(res.status).toBe(400)
    expect(envelope(res).error).toBe("INVALID_PATH")
    expect(upstream.requests).toHaveLength(0)
  })

  it("answers 404 outside the prefix when used as a plain request listener", async () => {
    const res = await raw(proxyServer.port, { path: "/index.html" })
    expect(res.status).toBe(404)
    expect(envelope(res).error).toBe("ROUTE_NOT_FOUND")
  })

  it("drops hop-by-hop, cookie, Authorization and X-*-Key headers from a real HTTP request", async () => {
    await raw(proxyServer.port, {
      method: "POST",
      path: "/api/visgate/generate",
      headers: {
        connection: "keep-alive, x-secret-hop",
        "keep-alive": "timeout=5",
        "x-secret-hop": "1",
        te: "trailers",
        "proxy-authorization": "Basic eDp5",
        "proxy-connection": "keep-alive",
        authorization: `Bearer ${TOKEN}`,
        cookie: "session=abc",
        "x-fal-key": "fal_browser",
        "x-runpod-key": "rpa_browser",
        "x-whatever-key": "k",
        "content-type": "application/json",
        prefer: "respond-async",
        "idempotency-key": "idem-1"
      },
      body: JSON.stringify({ model: "fal-ai/flux/schnell", prompt: "p" })
    })
    const headers = upstream.requests[0]?.headers ?? {}
    for (
      const name of [
        "keep-alive",
        "x-secret-hop",
        "te",
        "proxy-authorization",
        "proxy-connection",
        "cookie",
        "x-fal-key",
        "x-runpod-key",
        "x-whatever-key"
      ]
    ) {
      expect(headers[name], name).toBeUndefined()
    }
    expect(headers.authorization).toBe(`Bearer ${KEY}`)
    expect(headers.prefer).toBe("respond-async")
    expect(headers["idempotency-key"]).toBe("idem-1")
    expect(JSON.parse(upstream.requests[0]?.body ?? "")).toEqual({ model: "fal-ai/flux/schnell", prompt: "p" })
  })

  it("reads a chunked request body and forwards it", async () => {
    const res = await raw(proxyServer.port, {
      method: "POST",
      path: "/api/visgate/images/generate",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      body: ["{\"model\": \"fal-ai/flux/schnell\", ", "\"prompt\": \"a cat\"", "}"]
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(upstream.requests[0]?.body ?? "")).toEqual({ model: "fal-ai/flux/schnell", prompt: "a cat" })
    expect(upstream.requests[0]?.headers["content-length"]).toBeDefined()
    expect(upstream.requests[0]?.headers["transfer-encoding"]).toBeUndefined()
  })

  it("answers 413 as soon as Content-Length says the body is too large", async () => {
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: "127.0.0.1",
          port: proxyServer.port,
          method: "POST",
          path: "/api/visgate/generate",
          headers: { "content-length": "5000000", "content-type": "application/json" }
        },
        (r) => {
          const chunks: Array<Buffer> = []
          r.on("data", (c: Buffer) => chunks.push(c))
          r.on(
            "end",
            () =>
              resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString("utf8") })
          )
        }
      )
      outgoing.on("error", reject)
      // Headers only: the proxy must answer without waiting for the 5 MB it was promised.
      outgoing.write("{")
    })
    expect(res.status).toBe(413)
    expect(envelope(res).error).toBe("PAYLOAD_TOO_LARGE")
    expect(res.headers.connection).toBe("close")
    expect(upstream.requests).toHaveLength(0)
  })

  it("closes the connection after refusing a request whose body it did not read", async () => {
    const res = await raw(proxyServer.port, {
      method: "PUT",
      path: "/api/visgate/providers/keys",
      headers: { "content-type": "application/json" },
      body: "{\"provider\":\"fal\",\"api_key\":\"x\"}"
    })
    expect(res.status).toBe(403)
    expect(res.headers.connection).toBe("close")
    const ok = await raw(proxyServer.port, {
      method: "POST",
      path: "/api/visgate/generate",
      headers: { "content-type": "application/json" },
      body: "{\"model\":\"m\"}"
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.connection).not.toBe("close")
  })

  it("answers 413 when a chunked body grows past maxBodyBytes", async () => {
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: "127.0.0.1",
          port: proxyServer.port,
          method: "POST",
          path: "/api/visgate/generate",
          headers: { "transfer-encoding": "chunked" }
        },
        (r) => {
          const chunks: Array<Buffer> = []
          r.on("data", (c: Buffer) => chunks.push(c))
          r.on(
            "end",
            () =>
              resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString("utf8") })
          )
        }
      )
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        // The proxy may close the socket while we are still writing; the response still counts.
        if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error)
      })
      void (async () => {
        for (let i = 0; i < 16 && !outgoing.destroyed; i++) {
          outgoing.write("x".repeat(4_096))
          await sleep(5)
        }
      })()
    })
    expect(res.status).toBe(413)
    expect(envelope(res).error).toBe("PAYLOAD_TOO_LARGE")
    expect(upstream.requests).toHaveLength(0)
  })

  it("streams SSE to the client event by event", async () => {
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
    const events: Array<{ text: string; upstreamFinished: boolean }> = []
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest({
        host: "127.0.0.1",
        port: proxyServer.port,
        path: "/api/visgate/deployments/dep_1/stream",
        headers: { accept: "text/event-stream" }
      }, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream")
        res.setEncoding("utf8")
        res.on("data", (text: string) => events.push({ text, upstreamFinished: state.finished }))
        res.on("end", () => resolve(res.statusCode ?? 0))
      })
      outgoing.on("error", reject)
      outgoing.end()
    })
    expect(status).toBe(200)
    expect(events[0]?.text).toContain("data: {\"n\": 1}")
    expect(events[0]?.upstreamFinished).toBe(false)
    expect(events.length).toBeGreaterThanOrEqual(2)
    expect(events.map((e) => e.text).join("")).toContain("data: {\"n\": 3}")
  })

  it("a client that disconnects mid-stream aborts the upstream request", async () => {
    upstream.respond = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      for (let i = 0; i < 50 && !res.destroyed; i++) {
        res.write(`data: ${i}\n\n`)
        await sleep(100)
      }
      res.end()
    }
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest({
        host: "127.0.0.1",
        port: proxyServer.port,
        path: "/api/visgate/deployments/dep_1/logs/stream"
      }, (res) => {
        res.once("data", () => {
          outgoing.destroy()
          resolve()
        })
      })
      outgoing.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? undefined : reject(e)))
      outgoing.end()
    })
    for (let i = 0; i < 60 && !upstream.aborted.includes("/api/v1/deployments/dep_1/logs/stream"); i++) await sleep(50)
    expect(upstream.aborted).toContain("/api/v1/deployments/dep_1/logs/stream")
  })

  it("passes 429 and Retry-After through a real server", async () => {
    upstream.respond = (_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "60", "set-cookie": "a=b" })
      res.end("{\"error\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"slow down\",\"details\":{\"retry_after_seconds\":60}}")
    }
    const res = await raw(proxyServer.port, { path: "/api/visgate/health" })
    expect(res.status).toBe(429)
    expect(res.headers["retry-after"]).toBe("60")
    expect(res.headers["set-cookie"]).toBeUndefined()
    expect(envelope(res).error).toBe("RATE_LIMIT_EXCEEDED")
  })

  it("drops Refresh, Clear-Site-Data, HSTS and Link on the wire", async () => {
    upstream.respond = (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        refresh: "0; url=https://evil.example/",
        "clear-site-data": "\"*\"",
        "strict-transport-security": "max-age=63072000; includeSubDomains",
        link: "<https://evil.example/x.js>; rel=preload; as=script",
        "x-request-id": "req-2"
      })
      res.end("{}")
    }
    const res = await raw(proxyServer.port, { path: "/api/visgate/health" })
    expect(res.status).toBe(200)
    for (const name of ["refresh", "clear-site-data", "strict-transport-security", "link"]) {
      expect(res.headers[name], name).toBeUndefined()
    }
    expect(res.headers["x-request-id"]).toBe("req-2")
  })
})
