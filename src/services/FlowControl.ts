/**
 * Client-wide flow control: what every attempt of one client (one `VisgateClient` layer, shared
 * by every service built on it) passes through before it is sent.
 *
 * - **Rate-limit gate** (always on): a 429 or 503 answer with a readable `Retry-After` closes the
 *   gate until that time; every new attempt of the client (any call, any service) waits for it
 *   to open, instead of each call discovering the limit again. Waiting attempts leave one at a
 *   time, first come first served.
 * - **A pace learned from the 429s** (without `rateLimit`): when the gate opens again, attempts are
 *   spaced instead of released at once. After the first 429 that hit a wave of attempts, the
 *   spacing spreads that wave over its `Retry-After`, then shrinks 8 % per answer (a slow start)
 *   until the next 429. That 429 gives the limiter's rate: a token bucket lets through at most
 *   `burst + rate x w` in any window of `w` ms, and exactly that in the window that drained it,
 *   the burst being what the first wave got through; the spacing becomes 1.03 / rate and then
 *   probes 0.1 % faster per answer, each further 429 measuring again. Against a limiter of
 *   20 requests/s, burst 5, whole-second `Retry-After`, a batch of 300 loses no item and gets
 *   about 75 to 85 % of the limit's throughput, depending on the run (`BENCHMARKS.md`): every 429
 *   holds the client a whole second. A known `rateLimit` gets 95 to 100 %.
 *   Until the gate first closes, an attempt pays one comparison and one timestamp.
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
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from "./RetryPolicy.js"

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

  // The learned pace (see the module's doc): the spacing `pace` holds attempts to after 429s, the
  // times of the last answers the limiter let through, and the cycle since the gate last opened.
  let pace = 0
  let measured = false
  let startPace = 0
  let burst = -1
  let admitted: Array<number> = []
  let rejected = 0
  let openedAt = 0
  let closedAt = 0
  let closedFor = 0
  let learning = false

  /** When the gate opens after a 429: the limiter's rate from the cycle that ended in it. */
  const learn = (now: number) => {
    learning = false
    if (burst < 0) {
      // The first 429: the burst is what that wave got through; a wave that two or more 429s turned away
      // is spread over the Retry-After (a lone 429 sets no pace).
      if (rejected > 1) {
        burst = admitted.filter((t) => t >= closedAt - 100 && t <= closedAt).length
        pace = closedFor / (burst + rejected)
      }
    } else {
      // A token bucket lets through at most `burst + rate x w` in any window of w ms, and exactly
      // that in the window that drained it before the 429: the rate is the largest such ratio.
      const sent = admitted.filter((t) => t <= closedAt).sort((a, b) => a - b)
      const n = sent.length
      let rate = 0
      for (let i = 0; i < n; i++) {
        const w = closedAt - sent[i]!
        if (w >= 300) rate = Math.max(rate, (n - i - burst) / w)
      }
      measured = rate > 0
      if (measured) pace = 1.03 / rate
      else {
        // Too short a cycle to measure: back off to the cycle's own throughput, at least twice slower.
        pace = Math.min(MAX_RETRY_AFTER_MS, Math.max(startPace * 2, (closedAt - openedAt + closedFor) / Math.max(n, 1)))
        burst = Math.min(burst, n)
      }
    }
    startPace = pace
    openedAt = nextSlot = now
    admitted = []
    rejected = 0
  }

  // Attempts queue (first come, first served) and only the head sleeps, for the gate and for its
  // slot. Slots keep their schedule through small timer delays (so the average rate is the pace, not
  // below it); after a longer stall the schedule restarts from when the head went, so a bunch never
  // goes at once (two attempts are never less than half a spacing apart).
  const pacer = Effect.unsafeMakeSemaphore(1)
  const turn: Effect.Effect<void> = pacer.withPermits(1)(
    Effect.flatMap(Clock.currentTimeMillis, function loop(now): Effect.Effect<void> {
      const wait = Math.max(gateUntil, nextSlot) - now
      if (wait > 0) return Effect.flatMap(Effect.zipRight(Effect.sleep(Math.ceil(wait)), Clock.currentTimeMillis), loop)
      if (learning) learn(now)
      const spacing = Math.max(spacingMs, pace)
      nextSlot = Math.max(nextSlot, now - spacing / 2) + spacing
      return Effect.void
    })
  )

  /** An answer the limiter let through (the attempt went at `sent`): recorded; the pace speeds up. */
  const pass = (sent: number) => {
    if (admitted.push(sent) > 256) admitted.shift()
    // Slow start: 8 % faster per answer, at most 4x faster in one stage; once measured, 0.1 %.
    if (pace > 0) pace = measured ? pace * 0.999 : Math.max(pace * 0.92, startPace / 4)
    if (pace === startPace / 4) startPace = pace
  }

  /** A 429/503 with a readable `Retry-After` closes the gate until then (and ends a cycle of the pace). */
  const observe = (failure: unknown, sent: number): Effect.Effect<void> =>
    failure instanceof HttpStatusFailure
      ? Effect.map(Clock.currentTimeMillis, (now) => {
        if (!GATE_STATUSES.has(failure.status)) return pass(sent)
        const ms = parseRetryAfterMs(failure.headers["retry-after"], now)
        if (ms === undefined) return
        rejected++
        if (now >= gateUntil) {
          closedAt = sent
          closedFor = ms
          // With a known quota the spacing is the quota's: nothing to learn.
          learning = spacingMs === 0
        }
        if (now + ms > gateUntil) gateUntil = now + ms
      })
      : Effect.void

  const around = <A, E, R>(generation: boolean, attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const observed = Effect.flatMap(Clock.currentTimeMillis, (sent) =>
      Effect.tapBoth(attempt, {
        onFailure: (failure) => observe(failure, sent),
        onSuccess: () => Effect.sync(() => pass(sent))
      }))
    // The permit first, then the turn: a quota slot is never taken by an attempt still queued for a permit.
    const gated = Effect.suspend(
      () => (gateUntil === 0 && spacingMs === 0 ? observed : Effect.zipRight(turn, observed))
    )
    return semaphore !== undefined && generation ? semaphore.withPermits(1)(gated) : gated
  }

  return { around, gateUntil: () => gateUntil }
}
