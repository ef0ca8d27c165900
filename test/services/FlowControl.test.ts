/** Client-wide flow control (FlowControl.ts) through the core client, on TestClock. */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { parseRetryAfterMs } from "../../src/services/RetryPolicy.js"
import * as VisgateConfig from "../../src/services/VisgateConfig.js"
import { json, mockHttp } from "../support/http.js"

const image = { id: "img_1", status: "completed", images: ["https://cdn.test/a.png"], model: "m", provider: "fal" }
const health = () => Effect.flatMap(Health, (h) => h.check())
const generate = () => Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat"))
/** Lets forked fibers run up to their next sleep, without moving the clock. */
const settle = TestClock.adjust(0)

describe("rate-limit gate", () => {
  it.effect("a 429 with Retry-After holds every new attempt of the client until it opens", () =>
    Effect.gen(function*() {
      const { layer, requests } = mockHttp((_, i) =>
        i === 0
          ? json({ error: "RATE_LIMIT_EXCEEDED", message: "slow" }, 429, { "retry-after": "5" })
          : json({ status: "ok" })
      )
      yield* Effect.gen(function*() {
        const first = yield* Effect.either(health())
        expect(Either.isLeft(first)).toBe(true)
        const second = yield* Effect.fork(health())
        const third = yield* Effect.fork(generate())
        yield* settle
        expect(requests).toHaveLength(1)
        yield* TestClock.adjust("4999 millis")
        expect(requests).toHaveLength(1)
        yield* TestClock.adjust("1 millis")
        yield* Fiber.join(second)
        yield* Effect.ignore(Fiber.join(third))
        expect(requests).toHaveLength(3)
      }).pipe(Effect.provide(layer({ maxRetries: 0 })))
    }))

  it.effect("503 closes it too; junk Retry-After does not", () =>
    Effect.gen(function*() {
      let n = 0
      const { layer, requests } = mockHttp(() => {
        n++
        if (n === 1) return json({}, 503, { "retry-after": "NaN" })
        if (n === 2) return json({}, 503, { "retry-after": "2" })
        return json({ status: "ok" })
      })
      yield* Effect.gen(function*() {
        yield* Effect.either(health())
        const fiber = yield* Effect.fork(health()) // junk: no wait, sent at once (and gets the 503 with 2 s)
        yield* settle
        expect(requests).toHaveLength(2)
        yield* Fiber.join(fiber).pipe(Effect.either)
        const after = yield* Effect.fork(health())
        yield* settle
        expect(requests).toHaveLength(2)
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(after)
        expect(requests).toHaveLength(3)
      }).pipe(Effect.provide(layer({ maxRetries: 0 })))
    }))
})

describe("rateLimit.requestsPerMinute", () => {
  it.effect("spaces every request of the client evenly", () =>
    Effect.gen(function*() {
      const { layer, requests } = mockHttp(() => json({ status: "ok" }))
      yield* Effect.gen(function*() {
        const fibers = yield* Effect.forkAll([health(), health(), health(), health()])
        yield* settle
        expect(requests).toHaveLength(1)
        yield* TestClock.adjust("999 millis")
        expect(requests).toHaveLength(1)
        yield* TestClock.adjust("1 millis")
        expect(requests).toHaveLength(2)
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fibers)
        expect(requests).toHaveLength(4)
      }).pipe(Effect.provide(layer({ rateLimit: { requestsPerMinute: 60 } })))
    }))
})

describe("maxConcurrency", () => {
  it.effect("caps generation requests in flight; other calls are not held", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let most = 0
      const { layer, requests } = mockHttp((r) =>
        r.path.includes("/health")
          ? json({ status: "ok" })
          : Effect.acquireUseRelease(
            Effect.sync(() => {
              inFlight++
              most = Math.max(most, inFlight)
            }),
            () => Effect.as(Effect.sleep("1 second"), json(image)),
            () => Effect.sync(() => inFlight--)
          )
      )
      yield* Effect.gen(function*() {
        const fibers = yield* Effect.forkAll([generate(), generate(), generate(), generate(), generate()])
        yield* settle
        expect(requests).toHaveLength(2)
        yield* health()
        expect(requests).toHaveLength(3)
        yield* TestClock.adjust("3 seconds")
        const results = yield* Fiber.join(fibers)
        expect(results).toHaveLength(5)
        expect(most).toBe(2)
      }).pipe(Effect.provide(layer({ maxConcurrency: 2 })))
    }))
})

describe("options", () => {
  it("are validated before any request", () => {
    for (
      const bad of [{ maxConcurrency: 0 }, { maxConcurrency: 1.5 }, { rateLimit: { requestsPerMinute: Number.NaN } }, {
        rateLimit: { requestsPerMinute: -1 }
      }, { rateLimit: {} as { requestsPerMinute: number } }]
    ) {
      const r = VisgateConfig.resolve({ apiKey: "vg-x", ...bad })
      expect(Either.isLeft(r) && r.left._tag).toBe("ValidationError")
    }
    const ok = VisgateConfig.resolve({ apiKey: "vg-x", maxConcurrency: 3, rateLimit: { requestsPerMinute: 100 } })
    expect(Either.isRight(ok) && [ok.right.maxConcurrency, ok.right.requestsPerMinute]).toEqual([3, 100])
  })
})

describe("parseRetryAfterMs junk", () => {
  it("NaN, negative, Infinity, exponent and bare numbers are unreadable, never a year", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    for (const junk of ["NaN", "-1", "-5", "Infinity", "1e3", "soon", "", " "]) {
      expect(parseRetryAfterMs(junk, now)).toBeUndefined()
    }
    expect(parseRetryAfterMs("5", now)).toBe(5000)
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000)
  })
})
