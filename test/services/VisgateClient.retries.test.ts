/** VisgateClient's retries (the rest of its tests: VisgateClient.test.ts). */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { DEFAULT_TIMEOUT_MS } from "../../src/services/VisgateConfig.js"
import { json, mockHttp, text } from "../support/http.js"

const imageBody = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

describe("VisgateClient: retries", () => {
  const healthWith = (handler: Parameters<typeof mockHttp>[0], maxRetries = 2) => {
    const mock = mockHttp(handler)
    return { mock, run: Effect.provide(Effect.flatMap(Health, (h) => h.check()), mock.layer({ maxRetries })) }
  }

  const realTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

  /**
   * Runs a health check over `handler` in a fiber, recording request times, and moves the TestClock
   * straight to each backoff sleep: a pending sleep sooner than the per-attempt timeout. While an
   * attempt is in flight (its response body is read on a real turn) only that timeout is pending,
   * and the clock stays put.
   */
  const timed = (handler: (i: number) => Response, maxRetries: number) =>
    Effect.gen(function*() {
      const times: Array<number> = []
      const mock = mockHttp((_, i) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          times.push(now)
          return handler(i)
        })
      )
      const fiber = yield* Effect.fork(
        Effect.either(Effect.provide(Effect.flatMap(Health, (h) => h.check()), mock.layer({ maxRetries })))
      )
      for (let turn = 0; turn < 10_000 && fiber.unsafePoll() === null; turn++) {
        yield* realTurn
        const now = yield* Clock.currentTimeMillis
        const backoffs = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter((at) => at < now + DEFAULT_TIMEOUT_MS)
        if (backoffs.length > 0) yield* TestClock.setTime(Math.min(...backoffs))
      }
      const result = yield* Fiber.join(fiber)
      const delays = times.slice(1).map((t, i) => t - times[i]!)
      return { result, delays, requests: mock.requests }
    })

  it.effect("retries 408/429/500/502/503/504 and succeeds; delays are jittered exponential (0.8x..1.2x)", () =>
    Effect.gen(function*() {
      for (const status of [408, 429, 500, 502, 503, 504]) {
        const { delays, requests, result } = yield* timed((i) => (i < 2 ? text("", status) : json({ status: "ok" })), 2)
        expect(requests).toHaveLength(3)
        expect(Either.isRight(result)).toBe(true)
        expect(delays[0]).toBeGreaterThanOrEqual(400)
        expect(delays[0]).toBeLessThanOrEqual(610)
        expect(delays[1]).toBeGreaterThanOrEqual(800)
        expect(delays[1]).toBeLessThanOrEqual(1210)
      }
    }))

  it.effect("jitter really varies the delays", () =>
    Effect.gen(function*() {
      const firsts = new Set<number>()
      for (let i = 0; i < 8; i++) {
        const { delays } = yield* timed((n) => (n < 1 ? text("", 503) : json({ status: "ok" })), 1)
        firsts.add(delays[0]!)
      }
      expect(firsts.size).toBeGreaterThan(1)
    }))

  it.effect("does not retry other statuses (400, 401, 404, 422, 501)", () =>
    Effect.gen(function*() {
      for (const status of [400, 401, 404, 422, 501]) {
        const { mock, run } = healthWith(() => json({ error: "X", message: "no" }, status))
        yield* Effect.either(run)
        expect(mock.requests).toHaveLength(1)
      }
    }))

  it.effect("honours Retry-After (seconds) and caps it at 60 s", () =>
    Effect.gen(function*() {
      const { mock, run } = healthWith((_, i) =>
        i === 0
          ? text("", 429, { "retry-after": "5" })
          : i === 1
          ? text("", 503, { "retry-after": "3600" })
          : json({ status: "ok" })
      )
      const fiber = yield* Effect.fork(run)
      yield* TestClock.adjust("4999 millis")
      expect(mock.requests).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(mock.requests).toHaveLength(2)
      yield* TestClock.adjust("59999 millis")
      expect(mock.requests).toHaveLength(2)
      yield* TestClock.adjust("1 millis")
      expect(mock.requests).toHaveLength(3)
      yield* Fiber.join(fiber)
    }))

  it.effect("the last retryable failure is mapped after the retries (429 -> RateLimitError)", () =>
    Effect.gen(function*() {
      const { mock, run } = healthWith(() => text("", 429, { "retry-after": "1" }))
      const fiber = yield* Effect.fork(Effect.either(run))
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      expect(mock.requests).toHaveLength(3)
      expect(Either.isLeft(result) && result.left._tag).toBe("RateLimitError")
    }))

  it.effect("maxRetries: 0 makes exactly one attempt", () =>
    Effect.gen(function*() {
      const { mock, run } = healthWith(() => text("", 503), 0)
      const result = yield* Effect.either(run)
      expect(mock.requests).toHaveLength(1)
      expect(Either.isLeft(result) && (result.left as any).errorCode).toBe("HTTP_503")
    }))

  it.effect("backoff doubles from 500 ms and is capped at 8 s", () =>
    Effect.gen(function*() {
      const { delays, requests } = yield* timed(() => text("", 503), 6)
      expect(requests).toHaveLength(7)
      const base = [500, 1000, 2000, 4000, 8000, 16000]
      delays.forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(Math.min(base[i]! * 0.8, 6400))
        expect(d).toBeLessThanOrEqual(Math.min(base[i]! * 1.2, 8000) + 10)
      })
    }))

  it.effect("the Idempotency-Key stays the same on every retry of one call, and differs between calls", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 || i === 1 ? text("", 502) : json(imageBody)))
      const layer = mock.layer()
      const gen = Effect.provide(Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat")), layer)
      const fiber = yield* Effect.fork(gen)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      yield* gen
      const keys = mock.requests.map((r) => r.headers["idempotency-key"])
      expect(keys).toHaveLength(4)
      expect(keys[0]).toBeDefined()
      expect(keys[1]).toBe(keys[0])
      expect(keys[2]).toBe(keys[0])
      expect(keys[3]).not.toBe(keys[0])
      // the body is identical on each retry too
      expect(mock.requests[1]!.body).toEqual(mock.requests[0]!.body)
    }))
})
