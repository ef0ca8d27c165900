/**
 * Per-call options: `timeout`, `maxRetries`, extra `headers` (auth, BYOK and Idempotency-Key
 * refused before any request), `onResponse`; on the Promise client and through
 * `withCallOptions` on the Effect side.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Client, TimeoutError, ValidationError } from "../../src/index.js"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import { type ResponseInfo, withCallOptions } from "../../src/services/CallOptions.js"
import { Health } from "../../src/services/Health.js"

const KEY = "vg-call-secret-key"
const IMAGE = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const recording = (handler: (index: number) => Response | Promise<Response>) => {
  const calls: Array<{ url: string; headers: Headers }> = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers as HeadersInit) })
    return handler(calls.length - 1)
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

const busy = () => json({ error: "busy" }, 503, { "retry-after": "0" })

describe("per-call options (Promise client)", () => {
  it("headers are added to the request; auth and BYOK headers are kept", async () => {
    const { calls, fetch } = recording(() => json(IMAGE))
    const client = new Client({ apiKey: KEY, falKey: "fal-k", baseUrl: "http://t.test/api/v1", fetch })
    await client.images.generate("fal-ai/flux/schnell", "a cat", { headers: { "X-Trace-Tag": "abc" } })
    expect(calls[0]!.headers.get("x-trace-tag")).toBe("abc")
    expect(calls[0]!.headers.get("authorization")).toBe(`Bearer ${KEY}`)
    expect(calls[0]!.headers.get("x-fal-key")).toBe("fal-k")
    expect(calls[0]!.headers.get("idempotency-key")).toBeTruthy()
    await client.close()
  })

  it.each(["Authorization", "x-fal-key", "X-Replicate-Key", "x-runway-key", "X-RUNPOD-KEY", "Idempotency-Key"])(
    "a %s header is a ValidationError before any request",
    async (name) => {
      const { calls, fetch } = recording(() => json(IMAGE))
      const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch })
      const error = await client.images.generate("m", "p", { headers: { [name]: "sneaky-value" } }).catch((e) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.field).toBe("headers")
      expect(String(error.message)).not.toContain("sneaky-value")
      expect(calls).toHaveLength(0)
      await client.close()
    }
  )

  it("bad header names or values, timeout and maxRetries are ValidationErrors", async () => {
    const { calls, fetch } = recording(() => json({ status: "ok" }))
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch })
    for (
      const options of [
        { headers: { "bad name": "x" } },
        { headers: { "x-ok": "line\r\nbreak" } },
        { timeout: 0 },
        { maxRetries: -1 },
        { maxRetries: 1.5 }
      ]
    ) {
      await expect(client.health(options)).rejects.toBeInstanceOf(ValidationError)
    }
    expect(calls).toHaveLength(0)
    await client.close()
  })

  it("maxRetries overrides the client's for one call", async () => {
    const { calls, fetch } = recording(busy)
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch, maxRetries: 3 })
    await expect(client.health({ maxRetries: 0 })).rejects.toThrow()
    expect(calls).toHaveLength(1)
    await expect(client.health({ maxRetries: 1 })).rejects.toThrow()
    expect(calls).toHaveLength(3)
    await client.close()
  })

  it("maxRetries keeps one Idempotency-Key across a generation's retries", async () => {
    const { calls, fetch } = recording((i) => (i < 2 ? busy() : json(IMAGE)))
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch, maxRetries: 0 })
    await client.images.generate("m", "p", { maxRetries: 2 })
    expect(calls).toHaveLength(3)
    expect(new Set(calls.map((c) => c.headers.get("idempotency-key"))).size).toBe(1)
    await client.close()
  })

  it("timeout is the per-attempt timeout of this call", async () => {
    // Never answers; gives up only when the client aborts the attempt.
    const fetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true })
      )) as typeof globalThis.fetch
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch, maxRetries: 0 })
    const error = await client.health({ timeout: 20 }).catch((e) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(String(error.message)).toContain("20 ms")
    await client.close()
  })

  it("onResponse gets status, headers and request id; the result is the plain result", async () => {
    const { fetch } = recording(() => json(IMAGE, 200, { "x-request-id": "req-42", "x-extra": "1" }))
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch })
    const seen: Array<ResponseInfo> = []
    const result = await client.images.generate("m", "p", { onResponse: (r) => seen.push(r) })
    expect(result.id).toBe("img-1")
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ status: 200, requestId: "req-42", method: "POST", path: "/images/generate" })
    expect(seen[0]!.headers["x-extra"]).toBe("1")
    await client.close()
  })

  it("watch and iterate methods take them too (headers on every request)", async () => {
    const { calls, fetch } = recording(() => json({ models: [{ id: "a", name: "a", provider: "fal" }], total: 1 }))
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch })
    for await (const _ of client.models.iterate({ headers: { "x-tag": "it" } })) break
    expect(calls[0]!.headers.get("x-tag")).toBe("it")
    await client.close()
  })
})

describe("withCallOptions (Effect)", () => {
  it.effect("applies headers to the calls inside, and fails bad options with ValidationError", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recording(() => json({ status: "ok" }))
      const layer = VisgateLayer.layerFetch({ apiKey: KEY, baseUrl: "http://t.test/api/v1", fetch })
      yield* Effect.flatMap(Health, (h) => h.check()).pipe(
        withCallOptions({ headers: { "x-a": "1" } }),
        withCallOptions({ headers: { "x-b": "2" } }),
        Effect.provide(layer)
      )
      expect(calls[0]!.headers.get("x-a")).toBe("1")
      expect(calls[0]!.headers.get("x-b")).toBe("2")
      const exit = yield* Effect.exit(
        Effect.flatMap(Health, (h) => h.check()).pipe(
          withCallOptions({ headers: { authorization: "Bearer other" } }),
          Effect.provide(layer)
        )
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(ValidationError)
      expect(calls).toHaveLength(1)
    }))
})
