/**
 * A cheaper per-attempt timeout with the semantics of `Effect.timeoutFail`: when `self` has not
 * finished after `ms`, it is interrupted (which aborts its HTTP request) and the result is the
 * `onTimeout` failure.
 *
 * `Effect.timeoutFail` races two forked fibers (the effect and a `Clock.sleep`), which costs more
 * than the rest of a loopback call. On the live clock this runs `self` in one child fiber and
 * arms a plain timer instead. Under any other `Clock` (a `TestClock`, a custom clock) and for
 * durations a JavaScript timer cannot hold, it is `Effect.timeoutFail` itself, so virtual time
 * keeps driving timeouts in tests.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/** Prototype of Effect's live clock (every `Clock.make()` shares it; a `TestClock` does not). */
const liveClockProto: object | null = /*#__PURE__*/ Object.getPrototypeOf(Clock.make())

/** Largest delay `setTimeout` honours (longer ones fire at once). */
export const MAX_TIMER_MS = 2_147_483_647

const liveTimeout = <A, E, R, E2>(self: Effect.Effect<A, E, R>, ms: number, onTimeout: () => E2) =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.fork(restore(self)), (fiber) =>
      restore(Effect.async<A, E | E2>((resume) => {
        let settled = false
        const timer = setTimeout(() => {
          if (settled) return
          settled = true
          resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.failSync(onTimeout)))
        }, ms)
        fiber.addObserver((exit) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resume(exit)
        })
        // The caller was interrupted (e.g. aborted): stop the timer and the attempt.
        return Effect.suspend(() => {
          settled = true
          clearTimeout(timer)
          return Fiber.interrupt(fiber)
        })
      })))
  )

/** `Effect.timeoutFail(self, { duration: ms, onTimeout })`, without the race on the live clock. */
export const timeoutFail = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  ms: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) =>
    Object.getPrototypeOf(clock) === liveClockProto && ms <= MAX_TIMER_MS
      ? liveTimeout(self, ms, onTimeout)
      : Effect.timeoutFail(self, { duration: Duration.millis(ms), onTimeout })
  )
