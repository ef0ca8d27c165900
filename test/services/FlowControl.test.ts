/** Client-wide flow control (FlowControl.ts) through the core client, on TestClock. */
import * as Headers from "@effect/platform/Headers"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { HttpStatusFailure } from "../../src/internal/transport.js"
import * as FlowControl from "../../src/services/FlowControl.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { parseRetryAfterMs, retryPolicy } from "../../src/services/RetryPolicy.js"
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

/**
 * A token-bucket limiter on the Effect clock (the fake's, without HTTP): `rps` tokens per second up
 * to `burst`; beyond it a 429 with `Retry-After` in whole seconds, rounded up. It decides when an
 * attempt arrives and answers 5 ms later. Every attempt is logged with its time and outcome.
 */
const limiter = (rps: number, burst: number) => {
  let tokens = burst
  let last = 0
  const log: Array<{ readonly t: number; readonly ok: boolean; readonly until?: number }> = []
  const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    tokens = Math.min(burst, tokens + ((now - last) * rps) / 1000)
    last = now
    if (tokens >= 1) {
      tokens -= 1
      log.push({ t: now, ok: true })
      return Effect.as(Effect.sleep("5 millis"), "ok")
    }
    const seconds = Math.max(1, Math.ceil((1 - tokens) / rps))
    log.push({ t: now, ok: false, until: now + seconds * 1000 })
    return Effect.zipRight(
      Effect.sleep("5 millis"),
      Effect.fail(
        new HttpStatusFailure({ status: 429, headers: Headers.fromInput({ "retry-after": String(seconds) }), text: "" })
      )
    )
  })
  return { attempt, log }
}

/** Runs `effect` while moving the clock `ms` on. */
const during = <A, E>(effect: Effect.Effect<A, E>, ms: number) =>
  Effect.flatMap(Effect.fork(effect), (fiber) => Effect.zipRight(TestClock.adjust(ms), Fiber.join(fiber)))

/** Runs `items` attempts through `flow`, `concurrency` at a time, each with the one retry policy; drives the clock. */
const runBatch = (flow: FlowControl.FlowControl, attempt: Effect.Effect<string, HttpStatusFailure>, items: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(
      Effect.forEach(
        Array.from({ length: items }),
        () => Effect.either(Effect.retry(flow.around(true, attempt), retryPolicy(2))),
        { concurrency: 8 }
      )
    )
    let results: ReadonlyArray<Either.Either<string, HttpStatusFailure>> | undefined
    while (results === undefined) {
      yield* TestClock.adjust("100 millis")
      results = Option.getOrUndefined(
        yield* Fiber.poll(fiber).pipe(Effect.flatMap(Option.match({
          onNone: () => Effect.succeed(Option.none()),
          onSome: (exit) => Effect.map(exit, Option.some)
        })))
      )
    }
    return { failed: results.filter(Either.isLeft).length, end: yield* Clock.currentTimeMillis }
  })

describe("the pace learned from 429s (no quota given)", () => {
  it.effect("after a 429 wave, the waiting attempts leave one at a time, not all when the gate opens", () =>
    Effect.gen(function*() {
      const { attempt, log } = limiter(20, 2)
      const flow = FlowControl.make({})
      const fibers = yield* Effect.forkAll(Array.from({ length: 8 }, () => Effect.either(flow.around(true, attempt))))
      yield* TestClock.adjust("5 millis")
      expect(log.map((e) => e.ok)).toEqual([true, true, false, false, false, false, false, false])
      // Six attempts start again once the gate opens (1 s): spread out, never two in the same instant.
      const retried = yield* Effect.forkAll(Array.from({ length: 6 }, () => flow.around(true, attempt)))
      yield* TestClock.adjust("999 millis")
      expect(log).toHaveLength(8)
      yield* TestClock.adjust("1 millis")
      expect(log).toHaveLength(9)
      expect(log[8]!.t).toBe(1005)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(retried)
      yield* Fiber.join(fibers)
      const after = log.slice(8)
      expect(after.every((e) => e.ok)).toBe(true)
      const gaps = after.slice(1).map((e, i) => e.t - after[i]!.t)
      // The wave (2 through, 6 turned away) spread over its Retry-After: 1000 / 8 ms apart at first, then faster.
      expect(gaps[0]).toBe(125)
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1]!)
    }))

  it.effect("a batch against a token bucket loses no item, is turned away a few times only, and gets near the limit", () =>
    Effect.gen(function*() {
      // 10 requests/s, burst 3; 200 attempts, 8 at a time, at most 2 retries each: ideally 20 s.
      const { attempt, log } = limiter(10, 3)
      const { end, failed } = yield* runBatch(FlowControl.make({}), attempt, 200)
      expect(failed).toBe(0)
      expect(log.filter((e) => e.ok)).toHaveLength(200)
      const turnedAway = log.filter((e) => !e.ok)
      // No attempt is sent while the gate is closed.
      for (const r of turnedAway) expect(log.filter((e) => e.t > r.t && e.t < r.until!)).toEqual([])
      // Without the pace, every reopening re-trips the limiter (each second lets 3 through) and items run out of retries.
      // The first wave (5 turned away) and one more while the rate is measured; 20 s ideal, 25.8 s here.
      expect(turnedAway.length).toBeLessThanOrEqual(8)
      expect(20_000 / end).toBeGreaterThan(0.7)
    }))

  it.effect("a lone 429 sets no pace: the attempts held by the gate all go when it opens", () =>
    Effect.gen(function*() {
      const { attempt, log } = limiter(1, 1)
      const flow = FlowControl.make({})
      yield* during(Effect.either(flow.around(false, attempt)), 500)
      yield* during(Effect.either(flow.around(false, attempt)), 5)
      expect(log.map((e) => [e.t, e.ok])).toEqual([[0, true], [500, false]])
      const both = yield* Effect.forkAll([
        Effect.either(flow.around(false, attempt)),
        Effect.either(flow.around(false, attempt))
      ])
      yield* TestClock.adjust("1 second")
      // The gate closed when the 429 came back (505) for its Retry-After: both go at 1505.
      expect(log.slice(2).map((e) => e.t)).toEqual([1505, 1505])
      yield* TestClock.adjust("5 millis")
      yield* Fiber.join(both)
    }))

  it.effect("an attempt waiting for its slot is interruptible and gives its turn to the next", () =>
    Effect.gen(function*() {
      const { attempt, log } = limiter(20, 2)
      const flow = FlowControl.make({})
      yield* Effect.forkAll(Array.from({ length: 8 }, () => Effect.either(flow.around(true, attempt))))
      yield* TestClock.adjust("5 millis")
      const first = yield* Effect.fork(flow.around(true, attempt))
      const second = yield* Effect.fork(flow.around(true, attempt))
      const third = yield* Effect.fork(flow.around(true, attempt))
      yield* TestClock.adjust("1 second")
      expect(log.slice(8).map((e) => e.t)).toEqual([1005])
      yield* Fiber.interrupt(second)
      yield* TestClock.adjust("130 millis")
      yield* Fiber.join(first)
      yield* Fiber.join(third)
      // The gate opened at 1005; the second's slot (1130) goes to the third.
      expect(log.slice(8).map((e) => e.t)).toEqual([1005, 1130])
    }))
})
