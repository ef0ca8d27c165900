/**
 * The per-attempt timeout helper: same outcome as `Effect.timeoutFail` on the live clock (plain
 * timer, one child fiber) and under `TestClock` (where it is `Effect.timeoutFail`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { timeoutFail } from "../src/internal/timeout.js"

class Timeout {
  readonly _tag = "Timeout"
}

describe("timeoutFail (live clock)", () => {
  it.live("returns the value when the effect finishes in time", () =>
    Effect.gen(function*() {
      const value = yield* timeoutFail(Effect.as(Effect.sleep("5 millis"), 42), 1_000, () => new Timeout())
      expect(value).toBe(42)
    }))

  it.live("keeps the effect's own failure", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(timeoutFail(Effect.fail("boom"), 1_000, () => new Timeout()))
      expect(exit).toStrictEqual(Exit.fail("boom"))
    }))

  it.live("fails with onTimeout and interrupts the effect when it takes too long", () =>
    Effect.gen(function*() {
      let interrupted = false
      const slow = Effect.onInterrupt(Effect.never, () => Effect.sync(() => (interrupted = true)))
      const error = yield* Effect.flip(timeoutFail(slow, 20, () => new Timeout()))
      expect(error).toBeInstanceOf(Timeout)
      expect(interrupted).toBe(true)
    }))

  it.live("interrupting the caller interrupts the effect and stops the timer", () =>
    Effect.gen(function*() {
      let interrupted = false
      const slow = Effect.onInterrupt(Effect.never, () => Effect.sync(() => (interrupted = true)))
      const fiber = yield* Effect.fork(timeoutFail(slow, 60_000, () => new Timeout()))
      yield* Effect.sleep("10 millis")
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(interrupted).toBe(true)
    }))
})

describe("timeoutFail (TestClock)", () => {
  it.effect("follows virtual time", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(timeoutFail(Effect.never, 30_000, () => new Timeout())))
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toBeInstanceOf(Timeout)
    }))
})
