/**
 * Behaviour the call-overhead work must keep, through the Promise client and a custom fetch:
 * auth headers, retries with one idempotency key, per-attempt timeouts, abort, getToken per attempt.
 * (Real timers; small timeouts. Asserts behaviour only, never timing.)
 */
import { describe, expect, it } from "vitest"
import { AbortError, Client, TimeoutError, VisgateError } from "../src/index.js"

const IMAGE = {
  id: "img_1",
  status: "completed",
  images: ["https://example.test/0.png"],
  model: "fal-ai/flux/schnell",
  provider: "fal",
  cost: 0.003
}

interface Seen {
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly signal: AbortSignal | null | undefined
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

const recorder = (answer: (n: number, seen: Seen) => Response | Promise<Response>) => {
  const seen: Array<Seen> = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      signal: init?.signal
    }
    seen.push(s)
    return answer(seen.length, s)
  }) as typeof globalThis.fetch
  return { seen, fetch }
}

/** A response that never comes, rejecting when the request is aborted. */
const hang = (seen: Seen) =>
  new Promise<Response>((_, reject) => {
    seen.signal?.addEventListener("abort", () => reject(seen.signal?.reason ?? new Error("aborted")))
  })

describe("Promise client hot path", () => {
  it("sends auth and accept headers and returns plain objects", async () => {
    const { fetch, seen } = recorder(() => json(200, { status: "ok", version: "0.2.0" }))
    const client = new Client({ apiKey: "vg-test", baseUrl: "http://api.test/api/v1", fetch })
    const health = await client.health()
    expect(health).toStrictEqual({ status: "ok", version: "0.2.0" })
    expect(Object.getPrototypeOf(health)).toBe(Object.prototype)
    expect(seen[0]!.url).toBe("http://api.test/api/v1/health")
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer vg-test")
    expect(seen[0]!.headers.get("accept")).toBe("application/json")
    expect(seen[0]!.headers.get("content-type")).toBeNull()
    await client.close()
  })

  it("retries a 503 with the same Idempotency-Key, up to maxRetries", async () => {
    const { fetch, seen } = recorder((
      n
    ) => (n < 2 ? json(503, { error: "UNAVAILABLE", message: "busy" }) : json(200, IMAGE)))
    const client = new Client({ apiKey: "vg-test", baseUrl: "http://api.test/api/v1", fetch, maxRetries: 1 })
    const result = await client.images.generate("fal-ai/flux/schnell", "a cat")
    expect(result.images).toEqual(IMAGE.images)
    expect(seen).toHaveLength(2)
    const keys = seen.map((s) => s.headers.get("idempotency-key"))
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(keys[1]).toBe(keys[0])
    expect(seen[0]!.headers.get("content-type")).toBe("application/json")

    const again = recorder(() => json(503, { error: "UNAVAILABLE", message: "busy" }))
    const noRetry = new Client({
      apiKey: "vg-test",
      baseUrl: "http://api.test/api/v1",
      fetch: again.fetch,
      maxRetries: 0
    })
    const error = await noRetry.health().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VisgateError)
    expect((error as VisgateError).statusCode).toBe(503)
    expect(again.seen).toHaveLength(1)
    await client.close()
    await noRetry.close()
  })

  it("times out each attempt, aborting its request, and reports the attempts", async () => {
    const { fetch, seen } = recorder((_, s) => hang(s))
    const client = new Client({
      apiKey: "vg-test",
      baseUrl: "http://api.test/api/v1",
      fetch,
      timeout: 30,
      maxRetries: 0
    })
    const error = await client.health().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).attempts).toBe(1)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.signal?.aborted).toBe(true)
    await client.close()
  })

  it("aborting via signal rejects with AbortError and aborts the request", async () => {
    const { fetch, seen } = recorder((_, s) => hang(s))
    const client = new Client({ apiKey: "vg-test", baseUrl: "http://api.test/api/v1", fetch })
    const controller = new AbortController()
    const pending = client.health({ signal: controller.signal })
    // wait (not a fixed sleep) until the request has reached fetch
    for (let i = 0; i < 1000 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as Error).name).toBe("AbortError")
    expect(seen[0]!.signal?.aborted).toBe(true)
    await client.close()
  })

  it("awaits getToken on every attempt", async () => {
    let tokens = 0
    const { fetch, seen } = recorder((n) => (n < 2 ? json(502, {}) : json(200, { status: "ok" })))
    const client = new Client({
      proxyUrl: "http://proxy.test/api/visgate",
      getToken: async () => `t${++tokens}`,
      fetch,
      maxRetries: 1
    })
    await client.health()
    expect(seen.map((s) => s.headers.get("authorization"))).toEqual(["Bearer t1", "Bearer t2"])
    expect(seen[0]!.url).toBe("http://proxy.test/api/visgate/health")
    await client.close()
  })
})
