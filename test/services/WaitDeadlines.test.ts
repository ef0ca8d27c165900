/**
 * The default deadlines of the waiting methods, on the TestClock: `Requests.wait` and
 * `generateAndWait` give up after 10 minutes, `waitUntilReady` after 30 (`InferenceJobs.wait`'s
 * 10 are in InferenceJobs.test.ts); `Duration.infinity` opts out.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { WaitTimeoutError } from "../../src/schemas/Errors.js"
import { DeploymentWatch } from "../../src/services/DeploymentWatch.js"
import { Requests } from "../../src/services/Requests.js"
import { Videos } from "../../src/services/Videos.js"
import { json, recordingHttp, servicesWith } from "../helpers/recordingHttp.js"

/** Nothing ever finishes: generations stay `processing`, deployments `loading_model`. */
const forever = () =>
  recordingHttp((request) => {
    if (request.url.includes("/videos/generate")) return json({ request_id: "req_1", status: "pending" }, 202)
    if (request.url.includes("/deployments/")) {
      return request.url.endsWith("/stream")
        ? json({ error: "NOT_FOUND", message: "no stream" }, 404)
        : json({ deployment_id: "dep_1", status: "loading_model" })
    }
    return json({ request_id: "req_1", status: "processing" })
  })

const slow = Schedule.spaced("1 minute")

/** Runs `wait` until just before `ms`, checks it is still running, then that it fails at `ms`. */
const firesAt = <A, E, R>(wait: Effect.Effect<A, E, R>, ms: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.flip(wait))
    yield* TestClock.adjust(Duration.millis(ms - 1))
    expect(fiber.unsafePoll()).toBeNull()
    yield* TestClock.adjust("1 millis")
    const error = yield* Fiber.join(fiber)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(error).toMatchObject({ timeoutMs: ms })
  })

/** Runs `wait` for three hours of TestClock time and checks it is still waiting. */
const neverFires = <A, E, R>(wait: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(wait)
    yield* TestClock.adjust("3 hours")
    expect(fiber.unsafePoll()).toBeNull()
    yield* Fiber.interrupt(fiber)
  })

describe("default wait deadlines", () => {
  it.effect("Requests.wait: 10 minutes by default; Duration.infinity has none", () => {
    const http = forever()
    return Effect.gen(function*() {
      const requests = yield* Requests
      yield* firesAt(requests.wait("req_1", { schedule: slow }), 600_000)
      yield* neverFires(requests.wait("req_1", { schedule: slow, timeout: Duration.infinity }))
    }).pipe(Effect.provide(servicesWith(http)))
  })

  it.effect("generateAndWait: 10 minutes by default; Duration.infinity has none", () => {
    const http = forever()
    return Effect.gen(function*() {
      const videos = yield* Videos
      yield* firesAt(videos.generateAndWait("fal-ai/veo3", "waves", { schedule: slow }), 600_000)
      yield* neverFires(videos.generateAndWait("fal-ai/veo3", "waves", { schedule: slow, timeout: Duration.infinity }))
    }).pipe(Effect.provide(servicesWith(http)))
  })

  it.effect("waitUntilReady: 30 minutes by default; Duration.infinity has none", () => {
    const http = forever()
    return Effect.gen(function*() {
      const watch = yield* DeploymentWatch
      yield* firesAt(watch.waitUntilReady("dep_1", { mode: "poll", schedule: slow }), 1_800_000)
      yield* neverFires(watch.waitUntilReady("dep_1", { mode: "poll", schedule: slow, timeout: Duration.infinity }))
    }).pipe(Effect.provide(servicesWith(http)))
  })

  it.effect("a given timeout replaces the default, also a longer one", () => {
    const http = forever()
    return Effect.gen(function*() {
      const requests = yield* Requests
      yield* firesAt(requests.wait("req_1", { schedule: slow, timeout: "25 minutes" }), 1_500_000)
    }).pipe(Effect.provide(servicesWith(http)))
  })
})
