/**
 * The SDK core's behaviours over a real transport: the fake served on loopback HTTP (`serve`),
 * driven by the Promise `Client` and by the Effect services (`VisgateLayer.layerFetch`), with
 * the fake's fault injection. Real time is kept short (small timeouts, `Retry-After: 1`).
 *
 * The same scenarios run in memory (`layerHttpClient(fake)`) on the `TestClock` in
 * `core-in-memory.test.ts`, where long waits (120 s timeouts, 30 s `Retry-After`, a 12 s video
 * job) cost no real time.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { AbortError, Client } from "../../src/index.js"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import type { ImageResult } from "../../src/schemas/Images.js"
import type { AcceptedResult, RequestStatus } from "../../src/schemas/Requests.js"
import { Health } from "../../src/services/Health.js"
import { type ImageGenerateOptions, Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"
import { type FakeServer, FakeVisgate, serve } from "../../src/testing.js"

const KEY = "vg-test-key"
const MODEL = "fal-ai/flux/schnell"

const fake = new FakeVisgate({ timings: { imagePendingMs: 150, imageProcessingMs: 250 } })
let server: FakeServer

beforeAll(async () => {
  server = await serve({ port: 0, fake })
})
afterAll(async () => {
  await server.close()
})
afterEach(() => {
  fake.faults.clear()
})

/** What a cancelled call ends with: `AbortError` (Promise client) or interruption (Effect). */
class Interrupted extends Error {
  override readonly name = "Interrupted"
}

type Options = Omit<VisgateClientOptions, "apiKey" | "baseUrl"> & { readonly apiKey?: string }
type CallOptions = ImageGenerateOptions & { readonly signal?: AbortSignal }

interface Api {
  readonly image: (prompt: string, options?: CallOptions) => Promise<ImageResult | AcceptedResult>
  readonly status: (requestId: string) => Promise<RequestStatus>
  readonly health: () => Promise<unknown>
  readonly close: () => Promise<void>
}

interface Driver {
  readonly name: string
  readonly make: (options?: Options) => Api
  /** Whether `error` is what this driver ends a cancelled call with. */
  readonly isAbort: (error: unknown) => boolean
}

const promiseDriver: Driver = {
  name: "Promise Client",
  make: (options = {}) => {
    const client = new Client({ apiKey: KEY, baseUrl: server.baseUrl, ...options })
    return {
      image: (prompt, o) => client.images.generate(MODEL, prompt, o),
      status: (id) => client.requests.get(id),
      health: () => client.health(),
      close: () => client.close()
    }
  },
  isAbort: (error) => error instanceof AbortError && (error as Error).name === "AbortError"
}

const effectDriver: Driver = {
  name: "Effect services (layerFetch)",
  make: (options = {}) => {
    const layer = VisgateLayer.layerFetch({ apiKey: KEY, baseUrl: server.baseUrl, ...options })
    const run = async <A, E>(
      effect: Effect.Effect<A, E, VisgateLayer.VisgateServices>,
      signal?: AbortSignal
    ): Promise<A> => {
      const exit = await Effect.runPromiseExit(Effect.provide(effect, layer), signal ? { signal } : undefined)
      if (Exit.isSuccess(exit)) return exit.value
      if (Cause.isInterruptedOnly(exit.cause)) throw new Interrupted()
      // a typed failure, in the error channel (not a defect)
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "Some") throw failure.value
      throw new Error(`defect: ${Cause.pretty(exit.cause)}`)
    }
    return {
      image: (prompt, o = {}) => {
        const { signal, ...rest } = o
        return run(Effect.flatMap(Images, (s) => s.generate(MODEL, prompt, rest)), signal)
      },
      status: (id) => run(Effect.flatMap(Requests, (s) => s.get(id))),
      health: () => run(Effect.flatMap(Health, (s) => s.check())),
      close: async () => undefined
    }
  },
  isAbort: (error) => error instanceof Interrupted
}

const since = (n: number) => fake.requests.slice(n)
const sinceOn = (n: number, path: string) => since(n).filter((r) => r.path === path)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs `f` and returns what it rejected with (fails the test if it resolved). */
const rejection = async (f: () => Promise<unknown>): Promise<any> => {
  try {
    await f()
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

describe.each([promiseDriver, effectDriver])("core over loopback HTTP: $name", (driver) => {
  const tag = driver === promiseDriver ? "promise" : "effect"
  let api: Api
  beforeAll(() => {
    api = driver.make()
  })
  afterAll(async () => {
    await api.close()
  })

  it("retries a 503 and then succeeds", async () => {
    const n = fake.requests.length
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { status: 503 } })
    const result = (await api.image(`${tag} retry 503`)) as ImageResult
    expect(result.status).toBe("completed")
    expect(sinceOn(n, "/images/generate").map((r) => r.fault ?? "ok")).toEqual(["status", "ok"])
  })

  it("waits for Retry-After on a 429, then succeeds", async () => {
    const n = fake.requests.length
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "rateLimit", retryAfter: 1 } })
    const t0 = Date.now()
    const result = (await api.image(`${tag} retry 429`)) as ImageResult
    expect(result.status).toBe("completed")
    const [limited, ok] = sinceOn(n, "/images/generate")
    expect(limited!.fault).toBe("rateLimit")
    // the second attempt waited the server's 1 s, not the ~0.5 s backoff
    expect(ok!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950)
    expect(Date.now() - t0).toBeLessThan(5_000)
  })

  it("keeps one Idempotency-Key across the retries of a generation; the fake bills it once", async () => {
    const billed = fake.billedCount
    const n = fake.requests.length
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { status: 503 } })
    await api.image(`${tag} idempotent`, { preferCache: false })
    const attempts = sinceOn(n, "/images/generate")
    expect(attempts).toHaveLength(2)
    const key = attempts[0]!.headers["idempotency-key"]
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    expect(attempts[1]!.headers["idempotency-key"]).toBe(key)
    expect(fake.billedCount).toBe(billed + 1)

    // Another call gets another key; the same call repeated with an explicit key is replayed, not billed again.
    const m = fake.requests.length
    const own = `${tag}-own-key`
    const first = (await api.image(`${tag} own key`, { idempotencyKey: own, preferCache: false })) as ImageResult
    const again = (await api.image(`${tag} own key`, { idempotencyKey: own, preferCache: false })) as ImageResult
    const sent = sinceOn(m, "/images/generate").map((r) => r.headers["idempotency-key"])
    expect(sent).toEqual([own, own])
    expect(sent[0]).not.toBe(key)
    expect(again.id).toBe(first.id)
    expect(fake.billedCount).toBe(billed + 2)
  })

  it("times out a hung response, retries, then fails with TimeoutError", async () => {
    const n = fake.requests.length
    fake.faults.add({ route: "GET /health", times: 2, fault: { kind: "hang" } })
    const quick = driver.make({ timeout: 200, maxRetries: 1 })
    const error = await rejection(() => quick.health())
    await quick.close()
    expect(error._tag).toBe("TimeoutError")
    expect(error.attempts).toBe(2)
    expect(error.message).toMatch(/GET \/health timed out after 200 ms \(2 attempts\)/)
    expect(sinceOn(n, "/health").map((r) => r.fault)).toEqual(["hang", "hang"])
  })

  it("retries a reset connection, then fails with ConnectionError", async () => {
    const n = fake.requests.length
    fake.faults.add({ route: "GET /health", times: 2, fault: { kind: "reset" } })
    const once = driver.make({ maxRetries: 1 })
    const error = await rejection(() => once.health())
    await once.close()
    expect(error._tag).toBe("ConnectionError")
    expect(error.attempts).toBe(2)
    expect(sinceOn(n, "/health")).toHaveLength(2)
  })

  it("fails with DecodeError on truncated and on malformed JSON (not retried)", async () => {
    const billed = fake.billedCount
    const n = fake.requests.length
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "truncatedJson" } })
    const truncated = await rejection(() => api.image(`${tag} truncated`))
    expect(truncated._tag).toBe("DecodeError")
    expect(truncated.endpoint).toBe("POST /images/generate")
    expect(truncated.message).toMatch(/not valid JSON/)
    // the route ran before the body was damaged: that generation was billed once
    expect(sinceOn(n, "/images/generate")).toHaveLength(1)
    expect(fake.billedCount).toBe(billed + 1)

    fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "malformedJson" } })
    const malformed = await rejection(() => api.health())
    expect(malformed._tag).toBe("DecodeError")
    expect(malformed.endpoint).toBe("GET /health")
    expect(sinceOn(n, "/health")).toHaveLength(1)
  })

  it("fails with AuthenticationError on a 401 without a valid key (not retried)", async () => {
    const n = fake.requests.length
    const bad = driver.make({ apiKey: "sk-not-a-visgate-key" })
    const error = await rejection(() => bad.image(`${tag} unauthorised`))
    await bad.close()
    expect(error._tag).toBe("AuthenticationError")
    expect(error).toMatchObject({ statusCode: 401, errorCode: "AUTHENTICATION_ERROR", message: "Invalid API key" })
    expect(sinceOn(n, "/images/generate")).toHaveLength(1)
  })

  it("fails with ValidationError naming the field on a 422", async () => {
    const error = await rejection(() => api.image(`${tag} too wide`, { width: 10_000 }))
    expect(error._tag).toBe("ValidationError")
    expect(error).toMatchObject({ statusCode: 422, errorCode: "VALIDATION_ERROR", field: "width" })
  })

  it("serves the same request from the cache the second time", async () => {
    const billed = fake.billedCount
    const first = (await api.image(`${tag} cached`)) as ImageResult
    const second = (await api.image(`${tag} cached`)) as ImageResult
    expect(first.cacheHit).toBe(false)
    expect(second).toMatchObject({
      cacheHit: true,
      cacheSource: "exact",
      cost: 0,
      savedAmount: first.cost,
      images: first.images
    })
    expect(second.providerCostAvoidedMicro).toBeGreaterThan(0)
    expect(fake.billedCount).toBe(billed + 1)
  })

  it("preferAsync: 202 accepted, then completed through requests.get", async () => {
    const accepted = await api.image(`${tag} async`, { preferAsync: true })
    expect(accepted.status).toBe("accepted")
    const requestId = (accepted as AcceptedResult).requestId
    const seen: Array<string> = []
    let last: RequestStatus | undefined
    for (let i = 0; i < 50; i++) {
      last = await api.status(requestId)
      if (seen[seen.length - 1] !== last.status) seen.push(last.status)
      if (last.status === "completed" || last.status === "failed") break
      await sleep(50)
    }
    expect(seen[0]).toBe("pending")
    expect(seen[seen.length - 1]).toBe("completed")
    expect(last!).toMatchObject({ requestId, mediaType: "image", model: MODEL })
    expect(last!.outputUrl).toMatch(/\.png$/)
  })

  it("aborts through an AbortSignal; the server sees the request dropped and never runs it", async () => {
    const billed = fake.billedCount
    const n = fake.requests.length
    const latencyMs = 1_200
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "latency", ms: latencyMs } })
    const controller = new AbortController()
    let abortedAt = 0
    // Abort once the server has the request (polled, not a fixed sleep).
    const abortWhenReceived = async () => {
      for (let i = 0; i < 1000 && sinceOn(n, "/images/generate").length === 0; i++) await sleep(5)
      abortedAt = Date.now()
      controller.abort()
    }
    void abortWhenReceived()
    const error = await rejection(() => api.image(`${tag} aborted`, { signal: controller.signal, preferCache: false }))
    expect(driver.isAbort(error)).toBe(true)
    // rejected on the abort, long before the server's delayed answer could have come
    expect(Date.now() - abortedAt).toBeLessThan(latencyMs / 2)
    // the request reached the server, which dropped it when the connection closed: after the
    // injected latency it did not run the route (nothing billed) and there was no retry
    await sleep(latencyMs - (Date.now() - abortedAt) + 300)
    expect(sinceOn(n, "/images/generate").map((r) => r.fault)).toEqual(["latency"])
    expect(fake.billedCount).toBe(billed)
  })
})
