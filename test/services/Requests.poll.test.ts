import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { GenerationFailedError, VisgateError, WaitTimeoutError } from "../../src/schemas/Errors.js"
import { Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import { Videos } from "../../src/services/Videos.js"
import { json, recordingHttp, servicesWith } from "../helpers/recordingHttp.js"

const ID = "req_123"

/** A job whose status depends on the time of the status request. */
const job = (
  timeline: ReadonlyArray<readonly [fromMs: number, status: string, extra?: Record<string, unknown>]>,
  headers: Record<string, string> = {}
) =>
  recordingHttp((_req, _i, at) => {
    let current = timeline[0]!
    for (const step of timeline) if (at >= step[0]) current = step
    return json({ request_id: ID, status: current[1], media_type: "video", ...current[2] }, 200, headers)
  })

const times = (calls: ReadonlyArray<{ at: number }>) => calls.map((c) => c.at)

describe("Requests.poll", () => {
  it.effect("emits each change in order and ends after the terminal one", () =>
    Effect.gen(function*() {
      const http = job([[0, "pending"], [2000, "processing"], [9000, "completed", { output_url: "https://x/v.mp4" }]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runCollect(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const updates = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(updates.map((u) => u.status)).toEqual(["pending", "processing", "completed"])
      expect(updates.at(-1)!.value.outputUrl).toBe("https://x/v.mp4")
      // default spacing 1, 1.5, 2.25, 3.375, 5.0625 s: requests at 0, 1000, 2500, 4750, 8125, 13187.5
      expect(times(http.calls)).toEqual([0, 1000, 2500, 4750, 8125, 13187.5])
      expect(updates.map((u) => u.elapsedMs)).toEqual([0, 2500, 13187.5])
      expect(updates.map((u) => u.polls)).toEqual([1, 3, 6])
      // nothing after the terminal status
      yield* TestClock.adjust("10 minutes")
      expect(http.calls.length).toBe(6)
    }))

  it.effect("default spacing backs off to a 10 s cap (request count at given times)", () =>
    Effect.gen(function*() {
      const http = job([[0, "processing"], [120_000, "completed"]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runDrain(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("0 millis")
      expect(http.calls.length).toBe(1)
      yield* TestClock.adjust("999 millis")
      expect(http.calls.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(http.calls.length).toBe(2)
      yield* TestClock.adjust("29 seconds") // t = 30 s
      // 0, 1, 2.5, 4.75, 8.125, 13.19, 20.78, 30.78 -> 7 by t=30 s
      expect(http.calls.length).toBe(7)
      yield* TestClock.adjust("60 seconds") // t = 90 s: 30.78 + 10 * k
      expect(http.calls.length).toBe(13)
      const gaps = times(http.calls).slice(1).map((t, i) => t - times(http.calls)[i]!)
      expect(Math.max(...gaps)).toBe(10_000)
      yield* TestClock.adjust("60 seconds")
      yield* Fiber.join(fiber)
      // completion at 120 s observed at the first poll after it, within one interval (10 s)
      const last = times(http.calls).at(-1)!
      expect(last).toBeGreaterThanOrEqual(120_000)
      expect(last - 120_000).toBeLessThanOrEqual(10_000)
    }))

  it.effect("honours poll_interval_seconds from the body", () =>
    Effect.gen(function*() {
      const http = job([[0, "pending", { poll_interval_seconds: 5 }], [12_000, "completed"]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runDrain(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      yield* Fiber.join(fiber)
      expect(times(http.calls)).toEqual([0, 5000, 10_000, 15_000])
    }))

  it.effect("honours Retry-After on a 200 status response, and can ignore hints", () =>
    Effect.gen(function*() {
      const http = job([[0, "pending"], [5000, "completed"]], { "retry-after": "4" })
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runDrain(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      yield* Fiber.join(fiber)
      expect(times(http.calls)).toEqual([0, 4000, 8000])

      const http2 = recordingHttp((_req, i) =>
        json({ request_id: ID, status: i < 2 ? "pending" : "completed", poll_interval_seconds: 30 })
      )
      const fiber2 = yield* Requests.pipe(
        Effect.flatMap((r) =>
          Stream.runDrain(r.poll(ID, { serverHints: false, schedule: Schedule.spaced("1 second") }))
        ),
        Effect.provide(servicesWith(http2)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      yield* Fiber.join(fiber2)
      expect(times(http2.calls)).toEqual([60_000, 61_000, 62_000])
    }))

  it.effect("a caller's schedule replaces the default", () =>
    Effect.gen(function*() {
      const http = job([[0, "pending"], [6500, "completed"]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runCollect(r.poll(ID, { schedule: Schedule.spaced("3 seconds") }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const updates = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(times(http.calls)).toEqual([0, 3000, 6000, 9000])
      expect(updates.map((u) => [u.status, u.elapsedMs])).toEqual([["pending", 0], ["completed", 9000]])
    }))

  it.effect("changesOnly: false emits every poll with the server's estimate", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        json({ request_id: ID, status: i < 2 ? "processing" : "completed", estimated_remaining_seconds: 20 - i * 10 })
      )
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runCollect(r.poll(ID, { changesOnly: false }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const updates = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(updates.map((u) => [u.status, u.estimatedRemainingSeconds])).toEqual([
        ["processing", 20],
        ["processing", 10],
        ["completed", 0]
      ])
    }))

  it.effect("transient errors while polling are retried and do not end the stream", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 1
          ? json({ error: "UNAVAILABLE", message: "try later" }, 503)
          : json({ request_id: ID, status: i < 3 ? "processing" : "completed" })
      )
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runCollect(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const updates = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(updates.map((u) => u.status)).toEqual(["processing", "completed"])
      expect(http.calls.length).toBe(4) // 0: ok, 1: 503, 2: retry ok, 3: completed
    }))

  it.effect("a non-transient error ends the stream with that error", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0
          ? json({ request_id: ID, status: "processing" })
          : json({ error: "REQUEST_NOT_FOUND", message: "gone" }, 404)
      )
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Stream.runCollect(r.poll(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toBeInstanceOf(VisgateError)
      expect((error as VisgateError).errorCode).toBe("REQUEST_NOT_FOUND")
      expect(http.calls.length).toBe(2)
    }))
})

describe("Requests.wait", () => {
  it.effect("returns the completed status and reports progress", () =>
    Effect.gen(function*() {
      const http = job([[0, "pending"], [1500, "processing", { estimated_remaining_seconds: 4 }], [5000, "completed", {
        output_url: "https://x/v.mp4"
      }]])
      const seen: Array<string> = []
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) =>
          r.wait(ID, {
            onStatus: (p) =>
              Effect.sync(() => seen.push(`${p.status}@${p.elapsedMs}~${p.estimatedRemainingSeconds ?? "?"}`))
          })
        ),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const done = yield* Fiber.join(fiber)
      expect(done.status).toBe("completed")
      expect(done.outputUrl).toBe("https://x/v.mp4")
      expect(seen).toEqual(["pending@0~?", "processing@2500~4", "completed@8125~?"])
    }))

  it.effect("fails with GenerationFailedError carrying the server's message", () =>
    Effect.gen(function*() {
      const http = job([[0, "processing"], [2000, "failed", { error_message: "NSFW content detected" }]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Effect.flip(r.wait(ID))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(GenerationFailedError)
      expect(error).toBeInstanceOf(VisgateError)
      expect((error as GenerationFailedError).message).toContain("NSFW content detected")
      expect((error as GenerationFailedError).requestId).toBe(ID)
    }))

  it.effect("fails with WaitTimeoutError at the deadline and stops polling", () =>
    Effect.gen(function*() {
      const http = job([[0, "processing"]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Effect.flip(r.wait(ID, { timeout: "20 seconds" }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("19999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect(error._tag).toBe("WaitTimeoutError")
      const timeout = error as WaitTimeoutError
      expect(timeout.timeoutMs).toBe(20_000)
      expect(timeout.lastStatus).toBe("processing")
      expect(timeout.errorCode).toBe("WAIT_TIMEOUT")
      const count = http.calls.length
      expect(times(http.calls)).toEqual([0, 1000, 2500, 4750, 8125, 13187.5])
      yield* TestClock.adjust("10 minutes")
      expect(http.calls.length).toBe(count)
    }))

  it.effect("a schedule that stops first fails with WaitTimeoutError without timeoutMs", () =>
    Effect.gen(function*() {
      const http = job([[0, "processing"]])
      const fiber = yield* Requests.pipe(
        Effect.flatMap((r) => Effect.flip(r.wait(ID, { schedule: Schedule.recurs(2) }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("WaitTimeoutError")
      expect((error as WaitTimeoutError).timeoutMs).toBeUndefined()
      expect(http.calls.length).toBe(3)
    }))

  it.effect("rejects an empty id before any request", () =>
    Effect.gen(function*() {
      const http = job([[0, "processing"]])
      const error = yield* Requests.pipe(
        Effect.flatMap((r) => Effect.flip(r.wait("  "))),
        Effect.provide(servicesWith(http))
      )
      expect(error._tag).toBe("ValidationError")
      expect(http.calls.length).toBe(0)
    }))
})

describe("generateAndWait", () => {
  it.effect("submits with Prefer: respond-async and polls after a 202", () =>
    Effect.gen(function*() {
      const http = recordingHttp((req, i, at) => {
        if (req.method === "POST") return json({ request_id: ID, status: "pending" }, 202)
        return json({ request_id: ID, status: at >= 3000 ? "completed" : "processing", output_url: "https://x/v.mp4" })
        void i
      })
      const fiber = yield* Videos.pipe(
        Effect.flatMap((v) => v.generateAndWait("fal-ai/veo3", "waves")),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("60 seconds")
      const result = yield* Fiber.join(fiber)
      expect("requestId" in result && result.requestId).toBe(ID)
      expect(result.status).toBe("completed")
      expect(http.calls[0]!.method).toBe("POST")
      expect(http.calls[0]!.headers["prefer"]).toBe("respond-async")
      expect(http.calls.slice(1).map((c) => c.path)).toEqual([
        `/v1/requests/${ID}`,
        `/v1/requests/${ID}`,
        `/v1/requests/${ID}`,
        `/v1/requests/${ID}`
      ])
    }))

  it.effect("returns a 200 result as is when the server ignores the preference", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        json({ id: "img_1", status: "completed", images: ["https://x/a.png"], model: "m", provider: "fal", cost: 0.01 })
      )
      const result = yield* Images.pipe(
        Effect.flatMap((s) => s.generateAndWait("fal-ai/flux/schnell", "a cat")),
        Effect.provide(servicesWith(http))
      )
      expect("images" in result && result.images).toEqual(["https://x/a.png"])
      expect(http.calls.length).toBe(1)
    }))

  it.effect("fails with GenerationFailedError when the async job fails", () =>
    Effect.gen(function*() {
      const http = recordingHttp((req) =>
        req.method === "POST"
          ? json({ request_id: ID, status: "pending" }, 202)
          : json({ request_id: ID, status: "failed", error_message: "provider exploded" })
      )
      const error = yield* Images.pipe(
        Effect.flatMap((s) => Effect.flip(s.generateAndWait("fal-ai/flux/schnell", "a cat"))),
        Effect.provide(servicesWith(http))
      )
      expect(error._tag).toBe("GenerationFailedError")
      expect(error.message).toContain("provider exploded")
    }))
})
