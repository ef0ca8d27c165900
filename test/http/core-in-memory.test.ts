/**
 * The scenarios of `core-over-http.test.ts`, in memory: the Effect services over
 * `layerHttpClient(fake)` (no sockets) on the `TestClock`. The fake reads Effect's clock, so
 * retries, `Retry-After`, the 120 s default timeout and a 12 s video job take no real time,
 * and the waits can be asserted to the millisecond.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import type { ImageResult } from "../../src/schemas/Images.js"
import type { AcceptedResult } from "../../src/schemas/Requests.js"
import { Health } from "../../src/services/Health.js"
import { type ImageGenerateOptions, Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import { Videos } from "../../src/services/Videos.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"
import { FakeVisgate, type FakeVisgateOptions, makeHttpClient } from "../../src/testing.js"

const KEY = "vg-test-key"
const BASE = "http://fake.local/api/v1"
const MODEL = "fal-ai/flux/schnell"
const VIDEO = "replicate/lucataco/cogvideox-5b"

/**
 * A fake behind the SDK layers, with the TestClock time of every attempt and a count of
 * requests in flight (their bodies read inside, so "not in flight" means the SDK has the bytes).
 */
const setup = (options: Omit<VisgateClientOptions, "baseUrl"> = {}, fakeOptions: FakeVisgateOptions = {}) => {
  // Requests carry the TestClock's time. The fake's own clock (used by `billedCount` and
  // `usageTotals()` to settle async jobs) is frozen at 0, the TestClock's start, so inspecting
  // the fake never completes a job early by reading the real clock.
  const fake = new FakeVisgate({ startAt: 0, ...fakeOptions })
  const times: Array<number> = []
  // Requests in flight, each with a check telling whether the fake hung it (a `hang` fault):
  // a hung request does no work, so the clock may move on to its timeout at once.
  const inFlight = new Set<() => boolean>()
  const client = HttpClient.transform(makeHttpClient(fake), (effect, request) =>
    Effect.gen(function*() {
      times.push(yield* Clock.currentTimeMillis)
      const index = fake.requests.length
      const hung = () => fake.requests[index]?.fault === "hang"
      inFlight.add(hung)
      return yield* effect.pipe(
        Effect.flatMap((res) =>
          Effect.map(res.arrayBuffer, (buf) =>
            HttpClientResponse.fromWeb(
              request,
              new Response(buf.byteLength === 0 ? null : buf, { status: res.status, headers: res.headers })
            ))
        ),
        Effect.ensuring(Effect.sync(() => inFlight.delete(hung)))
      )
    }))
  const layer = VisgateLayer.layer({ apiKey: KEY, baseUrl: BASE, ...options }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  const realTurn = Effect.promise(() => new Promise<void>((r) => setImmediate(r)))

  /**
   * Runs `effect` in a fiber and moves the TestClock straight to each pending sleep (backoff,
   * `Retry-After`, timeout) once no request is doing work: requests the fake hung (a `hang`
   * fault, recorded in `fake.requests`) do none, so the clock moves on to their timeout.
   */
  const drive = <A, E>(effect: Effect.Effect<A, E, VisgateLayer.VisgateServices>) =>
    Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      const fiber = yield* Effect.fork(Effect.provide(effect, layer))
      let waitingSince = Date.now()
      for (let i = 0; i < 100_000 && fiber.unsafePoll() === null; i++) {
        yield* realTurn
        if (fiber.unsafePoll() !== null) break
        // Real work in flight (not a hang): let it finish before moving the clock (up to 10 s).
        const working = [...inFlight].some((hung) => !hung())
        if (working && Date.now() - waitingSince < 10_000) continue
        const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
        if (sleeps.length === 0) continue
        yield* TestClock.setTime(Math.min(...sleeps))
        waitingSince = Date.now()
      }
      const exit = yield* Fiber.await(fiber)
      return { exit, elapsed: (yield* Clock.currentTimeMillis) - start }
    })

  return { fake, times, layer, drive }
}

const image = (prompt: string, options: ImageGenerateOptions = {}) =>
  Effect.flatMap(Images, (s) => s.generate(MODEL, prompt, options))
const health = Effect.flatMap(Health, (s) => s.check())

/** The typed failure of an exit (fails the test on success or a defect). */
const failureOf = <A, E>(exit: Exit.Exit<A, E>): any => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`expected a typed failure: ${Cause.pretty(exit.cause)}`)
  return failure.value
}
const valueOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected a success: ${Cause.pretty(exit.cause)}`)
  return exit.value
}

describe("core in memory (layerHttpClient) on the TestClock", () => {
  it.effect("retries a 503 after the jittered 500 ms backoff, then succeeds", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { status: 503 } })
    return Effect.gen(function*() {
      const { exit } = yield* drive(image("retry"))
      expect(valueOf(exit).status).toBe("completed")
      expect(times).toHaveLength(2)
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(400)
      expect(times[1]! - times[0]!).toBeLessThanOrEqual(600)
    })
  })

  it.effect("waits exactly Retry-After on a 429, capped at 60 s", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "rateLimit", retryAfter: 30 } })
    fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "rateLimit", retryAfter: 600 } })
    return Effect.gen(function*() {
      valueOf((yield* drive(image("rate limited"))).exit)
      expect(times[1]! - times[0]!).toBe(30_000)
      valueOf((yield* drive(health)).exit)
      expect(times[3]! - times[2]!).toBe(60_000)
    })
  })

  it.effect("a 429 on every attempt ends in RateLimitError with retryAfter", () => {
    const { drive, fake, times } = setup({ maxRetries: 1 })
    fake.faults.add({ route: "GET /health", times: 2, fault: { kind: "rateLimit", retryAfter: 5 } })
    return Effect.gen(function*() {
      const error = failureOf((yield* drive(health)).exit)
      expect(error._tag).toBe("RateLimitError")
      expect(error.retryAfter).toBe(5)
      expect(times).toHaveLength(2)
    })
  })

  it.effect("one Idempotency-Key across retries; the fake bills the generation once and replays a repeat", () => {
    const { drive, fake } = setup()
    fake.faults.add({
      route: "POST /images/generate",
      times: 2,
      fault: { status: 502, body: { error: "BAD_GATEWAY" } }
    })
    return Effect.gen(function*() {
      const first = valueOf(
        (yield* drive(image("once", { idempotencyKey: "k-1", preferCache: false }))).exit
      ) as ImageResult
      const keys = fake.requests.map((r) => r.headers["idempotency-key"])
      expect(keys).toEqual(["k-1", "k-1", "k-1"])
      expect(fake.billedCount).toBe(1)
      const again = valueOf(
        (yield* drive(image("once", { idempotencyKey: "k-1", preferCache: false }))).exit
      ) as ImageResult
      expect(again.id).toBe(first.id)
      expect(fake.billedCount).toBe(1)
      expect(fake.usageTotals().requests).toBe(1)
    })
  })

  it.effect("a hung response times out after the default 120 s per attempt, 3 attempts, then TimeoutError", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "GET /health", times: 3, fault: { kind: "hang" } })
    return Effect.gen(function*() {
      const { elapsed, exit } = yield* drive(health)
      const error = failureOf(exit)
      expect(error._tag).toBe("TimeoutError")
      expect(error.attempts).toBe(3)
      expect(times).toHaveLength(3)
      // 3 x 120 s plus the two backoffs (400..600 ms, then 800..1200 ms)
      expect(elapsed).toBeGreaterThanOrEqual(361_200)
      expect(elapsed).toBeLessThanOrEqual(361_800)
    })
  })

  it.effect("a reset connection is retried, then ConnectionError", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "GET /health", times: 3, fault: { kind: "reset" } })
    return Effect.gen(function*() {
      const error = failureOf((yield* drive(health)).exit)
      expect(error._tag).toBe("ConnectionError")
      expect(error.attempts).toBe(3)
      expect(error.message).toMatch(/ECONNRESET|fetch failed/)
      expect(times).toHaveLength(3)
    })
  })

  it.effect("a reset then a success: the call succeeds", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "reset" } })
    return Effect.gen(function*() {
      expect(valueOf((yield* drive(health)).exit).status).toBe("ok")
      expect(times).toHaveLength(2)
    })
  })

  it.effect("truncated and malformed JSON fail with DecodeError, once", () => {
    const { drive, fake, times } = setup()
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "truncatedJson" } })
    fake.faults.add({ route: "GET /health", times: 1, fault: { kind: "malformedJson" } })
    return Effect.gen(function*() {
      const truncated = failureOf((yield* drive(image("cut"))).exit)
      expect(truncated).toMatchObject({ _tag: "DecodeError", endpoint: "POST /images/generate" })
      const malformed = failureOf((yield* drive(health)).exit)
      expect(malformed).toMatchObject({ _tag: "DecodeError", endpoint: "GET /health" })
      expect(times).toHaveLength(2)
    })
  })

  it.effect("401 without a valid key → AuthenticationError; 422 → ValidationError with field", () =>
    Effect.gen(function*() {
      const bad = setup({ apiKey: "sk-wrong" }, { acceptAnyVgKey: false })
      const auth = failureOf((yield* bad.drive(image("x"))).exit)
      expect(auth).toMatchObject({ _tag: "AuthenticationError", statusCode: 401 })
      expect(bad.times).toHaveLength(1)
      const ok = setup()
      const invalid = failureOf((yield* ok.drive(image("x", { height: 8_000 }))).exit)
      expect(invalid).toMatchObject({ _tag: "ValidationError", statusCode: 422, field: "height" })
    }))

  it.effect("the same request twice: the second is a cache hit", () => {
    const { drive, fake } = setup()
    return Effect.gen(function*() {
      const first = valueOf((yield* drive(image("cache me"))).exit) as ImageResult
      const second = valueOf((yield* drive(image("cache me"))).exit) as ImageResult
      expect(second).toMatchObject({ cacheHit: true, cost: 0, savedAmount: first.cost, images: first.images })
      expect(fake.usageTotals()).toMatchObject({ requests: 2, cached: 1, billed: 1 })
    })
  })

  it.effect("preferAsync: the video job's lifecycle follows the TestClock (2 s pending, 10 s processing)", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const accepted = (yield* Effect.flatMap(Videos, (s) =>
        s.generate(VIDEO, "a slow river", { preferAsync: true }))) as AcceptedResult
      expect(accepted.status).toBe("accepted")
      const get = Effect.flatMap(Requests, (s) =>
        s.get(accepted.requestId))
      expect(yield* get).toMatchObject({ status: "pending", estimatedRemainingSeconds: 12, mediaType: "video" })
      yield* TestClock.adjust("2 seconds")
      expect((yield* get).status).toBe("processing")
      yield* TestClock.adjust("9999 millis")
      expect(yield* get).toMatchObject({ status: "processing", estimatedRemainingSeconds: 1 })
      expect(fake.billedCount).toBe(0)
      yield* TestClock.adjust("1 millis")
      const done = yield* get
      expect(done.status).toBe("completed")
      expect(done.outputUrl).toMatch(/\.mp4$/)
      expect(fake.billedCount).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("interrupting a call (what an AbortSignal does) drops it; a delayed request never runs", () => {
    const { fake, layer } = setup()
    fake.faults.add({ route: "POST /images/generate", times: 1, fault: { kind: "latency", ms: 5_000 } })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(image("never"))
      // wait (not a fixed sleep) until the request has reached the fake
      for (let i = 0; i < 1000 && fake.requests.length === 0; i++) {
        yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, 5)))
      }
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* TestClock.adjust("1 minute")
      expect(fake.requests.map((r) => r.fault)).toEqual(["latency"])
      expect(fake.usageTotals().requests).toBe(0)
    }).pipe(Effect.provide(layer))
  })
})
