import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type FakeServer, FakeVisgate, serve } from "../../../src/testing/fake/index.js"
import { KEY, START } from "./helpers.js"

/**
 * Every fault kind, over the in-memory fetch transport and over the real loopback server.
 */
interface Transport {
  readonly name: string
  readonly fake: FakeVisgate
  readonly base: string
  readonly fetch: typeof fetch
}

let server: FakeServer
const memoryFake = new FakeVisgate({ startAt: START })
const serverFake = new FakeVisgate({ startAt: START })

beforeAll(async () => {
  server = await serve({ port: 0, host: "127.0.0.1", fake: serverFake })
})
afterAll(async () => {
  await server.close()
})

const transports = (): ReadonlyArray<Transport> => [
  { name: "fetch", fake: memoryFake, base: "http://fake.local/api/v1", fetch: memoryFake.fetch },
  { name: "server", fake: serverFake, base: server.baseUrl, fetch: globalThis.fetch }
]

const post = (t: Transport, path: string, body: unknown, init: RequestInit = {}) =>
  t.fetch(`${t.base}${path}`, {
    method: "POST",
    ...init,
    headers: {
      authorization: `Bearer ${KEY}`,
      "content-type": "application/json",
      ...(init.headers as Record<string, string> | undefined)
    },
    body: JSON.stringify(body)
  })

const get = (t: Transport, path: string, init: RequestInit = {}) =>
  t.fetch(`${t.base}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}` } })

const IMG = { model: "fal-ai/flux/schnell", prompt: "a fault-free cat" }

describe.each(["fetch", "server"])("faults over the %s transport", (name) => {
  const t = () => transports().find((x) => x.name === name)!

  it("status faults: JSON envelope, plain text, HTML, empty, custom body; next N times only", async () => {
    const { fake } = t()
    fake.faults.clear()
    fake.faults.add({ route: "POST /images/generate", times: 2, fault: { status: 503 } })
    for (let i = 0; i < 2; i++) {
      const r = await post(t(), "/images/generate", IMG)
      expect(r.status).toBe(503)
      expect(await r.json()).toMatchObject({ error: "SERVICE_UNAVAILABLE" })
    }
    expect((await post(t(), "/images/generate", IMG)).status).toBe(200)

    fake.faults.add({ route: "GET /health", fault: { status: 500, bodyType: "text" } })
    const text = await get(t(), "/health")
    expect(text.status).toBe(500)
    expect(text.headers.get("content-type")).toContain("text/plain")
    expect(await text.text()).toBe("Internal Server Error")

    fake.faults.add({ route: "GET /health", fault: { status: 502, bodyType: "html" } })
    const html = await get(t(), "/health")
    expect(html.headers.get("content-type")).toContain("text/html")
    expect(await html.text()).toContain("<h1>502 Bad Gateway</h1>")

    fake.faults.add({ route: "GET /health", fault: { status: 504, bodyType: "empty" } })
    const empty = await get(t(), "/health")
    expect(empty.status).toBe(504)
    expect(await empty.text()).toBe("")

    fake.faults.add({
      route: "*",
      fault: {
        status: 502,
        body: { error: "PROVIDER_FAILURE", message: "Fal timed out", details: { provider: "fal" } }
      }
    })
    const custom = await get(t(), "/usage")
    expect(await custom.json()).toEqual({
      error: "PROVIDER_FAILURE",
      message: "Fal timed out",
      details: { provider: "fal" }
    })
  })

  it("429 with Retry-After in seconds or as an HTTP date", async () => {
    const { fake } = t()
    fake.faults.clear()
    fake.faults.add({ route: "GET /models", fault: { kind: "rateLimit", retryAfter: 7 } })
    const a = await get(t(), "/models")
    expect(a.status).toBe(429)
    expect(a.headers.get("retry-after")).toBe("7")
    expect(await a.json()).toMatchObject({ error: "RATE_LIMIT_EXCEEDED", details: { retry_after_seconds: 7 } })
    const when = new Date(Date.UTC(2026, 2, 1, 10, 0, 30))
    fake.faults.add({ route: "GET /models", fault: { kind: "rateLimit", retryAfter: when } })
    const b = await get(t(), "/models")
    expect(b.headers.get("retry-after")).toBe("Sun, 01 Mar 2026 10:00:30 GMT")
  })

  it("latency delays the answer and respects abort", async () => {
    const { fake } = t()
    fake.faults.clear()
    fake.faults.add({ route: "GET /health", fault: { kind: "latency", ms: 30 } })
    expect((await get(t(), "/health")).status).toBe(200)
    fake.faults.add({ route: "GET /health", fault: { kind: "latency", ms: 60_000 } })
    const ac = new AbortController()
    const pending = get(t(), "/health", { signal: ac.signal })
    setTimeout(() => ac.abort(), 20)
    await expect(pending).rejects.toMatchObject({ name: "AbortError" })
  })

  it("hung responses never answer until aborted", async () => {
    const { fake } = t()
    fake.faults.clear()
    const before = fake.usageTotals().requests
    fake.faults.add({ route: "POST /videos/generate", fault: { kind: "hang" } })
    const ac = new AbortController()
    let settled = false
    const pending = post(t(), "/videos/generate", { model: "fal-ai/veo3", prompt: "x" }, { signal: ac.signal }).finally(
      () => {
        settled = true
      }
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(settled).toBe(false)
    ac.abort()
    await expect(pending).rejects.toMatchObject({ name: "AbortError" })
    // nothing was generated
    expect(fake.usageTotals().requests).toBe(before)
  })

  it("connection resets reject like undici's fetch failed", async () => {
    const { fake } = t()
    fake.faults.clear()
    fake.faults.add({ route: "GET /health", fault: { kind: "reset" } })
    const err = await get(t(), "/health").then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((err as TypeError).message).toBe("fetch failed")
    expect((await get(t(), "/health")).status).toBe(200)
  })

  it("truncated and malformed JSON bodies", async () => {
    const { fake } = t()
    fake.faults.clear()
    fake.faults.add({ route: "POST /images/generate", fault: { kind: "truncatedJson" } })
    const trunc = await post(t(), "/images/generate", { ...IMG, prompt: "truncated" })
    expect(trunc.status).toBe(200)
    expect(trunc.headers.get("content-type")).toBe("application/json")
    const text = await trunc.text()
    expect(text.startsWith("{\"id\":")).toBe(true)
    expect(() => JSON.parse(text)).toThrow()
    fake.faults.add({ route: "GET /usage", fault: { kind: "malformedJson" } })
    const bad = await get(t(), "/usage")
    expect(bad.status).toBe(200)
    await expect(bad.json()).rejects.toThrow()
  })

  it("rate faults are deterministic for a seed", async () => {
    const pattern = async () => {
      const fake = new FakeVisgate({ seed: 3 })
      fake.faults.add({ route: "GET /health", rate: 0.5, fault: { status: 500 } })
      const out: Array<number> = []
      for (let i = 0; i < 20; i++) out.push((await fake.fetch("http://f.local/api/v1/health")).status)
      return out
    }
    const a = await pattern()
    expect(a).toEqual(await pattern())
    expect(a).toContain(500)
    expect(a).toContain(200)
  })
})

describe("fault rules", () => {
  it("match patterns, methods, list/remove/clear, and are logged", async () => {
    const fake = new FakeVisgate()
    const id = fake.faults.add({ route: "GET /requests/*", times: 5, fault: { status: 500 } })
    fake.faults.add({ route: "/models/**", fault: { status: 418 } })
    expect(fake.faults.list().map((r) => r.remaining)).toEqual([5, 1])
    const h = { authorization: `Bearer ${KEY}` }
    expect((await fake.fetch("http://f.local/api/v1/requests/abc", { headers: h })).status).toBe(500)
    expect((await fake.fetch("http://f.local/api/v1/models/fal-ai/flux/schnell")).status).toBe(418)
    expect((await fake.fetch("http://f.local/api/v1/models/fal-ai/flux/schnell")).status).toBe(200)
    expect(fake.requests.map((r) => r.fault)).toEqual(["status", "status", undefined])
    expect(fake.faults.remove(id)).toBe(true)
    expect((await fake.fetch("http://f.local/api/v1/requests/abc", { headers: h })).status).toBe(404)
    fake.faults.add({ route: "*", rate: 1, fault: { status: 500 } })
    expect((await fake.fetch("http://f.local/api/v1/health")).status).toBe(500)
    fake.faults.clear()
    expect((await fake.fetch("http://f.local/api/v1/health")).status).toBe(200)
  })

  it("fake.fetch rejects at once for an already aborted signal", async () => {
    const fake = new FakeVisgate()
    await expect(fake.fetch("http://f.local/api/v1/health", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError"
    })
  })
})
