/**
 * Client-wide flow control: what every attempt of one client (one `VisgateClient` layer, shared
 * by every service built on it) passes through before it is sent.
 *
 * - **Rate-limit gate** (always on): a 429 or 503 answer with a readable `Retry-After` closes the
 *   gate until that time; every new attempt of the client (any call, any service) waits for it
 *   to open, instead of each call discovering the limit again. While it has never closed, an
 *   attempt pays one comparison.
 * - **`rateLimit: { requestsPerMinute }`** (optional): a known quota; attempts are spaced at least
 *   60000 / requestsPerMinute ms apart (first come, first served), so the client never bursts past it.
 * - **`maxConcurrency`** (optional): at most this many generation requests (POSTs that carry an
 *   `Idempotency-Key`) in flight at once; the permit is held for one attempt, not during retry
 *   backoff or polling.
 *
 * Every wait is an Effect sleep (so `TestClock` drives it) and is interruptible.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { HttpStatusFailure } from "../internal/transport.js"
import { parseRetryAfterMs } from "./RetryPolicy.js"

/** The flow-control options of a client (validated by `VisgateConfig.resolve`). */
export interface FlowControlOptions {
  /** At most this many generation requests in flight at once (a positive integer). */
  readonly maxConcurrency?: number | undefined
  /** A known quota: attempts are spaced so the client never sends more than this. */
  readonly requestsPerMinute?: number | undefined
}

/** One client's flow control. */
export interface FlowControl {
  /** Runs one attempt of a call through the gate, the quota and (for generations) the concurrency cap. */
  readonly around: <A, E, R>(generation: boolean, attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The time (epoch ms, the Effect clock) until which the gate is closed; 0 when it never closed. */
  readonly gateUntil: () => number
}

/** Statuses whose `Retry-After` closes the gate. */
const GATE_STATUSES: ReadonlySet<number> = new Set([429, 503])

/** Builds one client's flow control (each call of `make` is a separate gate). */
export const make = (options: FlowControlOptions): FlowControl => {
  let gateUntil = 0
  let nextSlot = 0
  const spacingMs = options.requestsPerMinute === undefined ? 0 : 60_000 / options.requestsPerMinute
  const semaphore = options.maxConcurrency === undefined
    ? undefined
    : Effect.unsafeMakeSemaphore(options.maxConcurrency)

  /** Sleeps until the gate is open (it may close again while we sleep). */
  const waitGate: Effect.Effect<void> = Effect.flatMap(
    Clock.currentTimeMillis,
    (now): Effect.Effect<void> =>
      now < gateUntil ? Effect.zipRight(Effect.sleep(gateUntil - now), waitGate) : Effect.void
  )

  // The quota: attempts queue (first come, first served) and only the head sleeps. Slots keep their
  // schedule through small timer delays (so the average rate is the quota, not below it); after a
  // longer stall the schedule restarts from when the head went, so a bunch never goes at once (two
  // attempts are never less than half a spacing apart).
  const pacer = Effect.unsafeMakeSemaphore(1)
  const pace: Effect.Effect<void> = pacer.withPermits(1)(
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(
        nextSlot > now ? Effect.zipRight(Effect.sleep(nextSlot - now), Clock.currentTimeMillis) : Effect.succeed(now),
        (sent) => {
          nextSlot = Math.max(nextSlot, sent - spacingMs / 2) + spacingMs
        }
      ))
  )
  const waitTurn = spacingMs === 0 ? waitGate : Effect.zipRight(waitGate, pace)

  /** A 429/503 with a readable `Retry-After` closes the gate until then. */
  const observe = (failure: unknown): Effect.Effect<void> =>
    failure instanceof HttpStatusFailure && GATE_STATUSES.has(failure.status) &&
      failure.headers["retry-after"] !== undefined
      ? Effect.map(Clock.currentTimeMillis, (now) => {
        const ms = parseRetryAfterMs(failure.headers["retry-after"], now)
        if (ms !== undefined && now + ms > gateUntil) gateUntil = now + ms
      })
      : Effect.void

  const around = <A, E, R>(generation: boolean, attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const observed = Effect.tapError(attempt, observe)
    // The permit first, then the turn: a quota slot is never taken by an attempt still queued for a permit.
    const turn = Effect.suspend(
      () => (gateUntil === 0 && spacingMs === 0 ? observed : Effect.zipRight(waitTurn, observed))
    )
    return semaphore !== undefined && generation ? semaphore.withPermits(1)(turn) : turn
  }

  return { around, gateUntil: () => gateUntil }
}
