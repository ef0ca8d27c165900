/** The handler's responses and streaming (setup in handlerSetup.ts). */
import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { DROPPED_RESPONSE_HEADERS } from "../src/headers.js"
import { createProxyHandler } from "../src/index.js"
import { json, proxy, upstream } from "./handlerSetup.js"
import { expectEnvelope, KEY, recordErrors, scanResponse, send } from "./helpers.js"
import { sleep, startUpstream } from "./upstream.js"

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
