/**
 * The one retry policy of the core client: which raw failures get another attempt and how long
 * to wait before it. `VisgateClient` retries every logical call with {@link retryPolicy} and maps
 * what is left to typed errors afterwards (`ErrorMapping.ts`), once.
 *
 * - Retried: 408, 429, 500, 502, 503, 504, attempt timeouts and connection errors (no response,
 *   or the body cut off). Never retried: other statuses, invalid URLs, request encoding failures,
 *   `getToken` failures.
 * - Backoff: exponential from 500 ms, jittered (x0.8..1.2), capped at 8 s, at most `maxRetries`.
 * - A response's `Retry-After` (seconds or HTTP date, capped at 60 s) replaces the backoff.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { HttpStatusFailure, type TransportFailure } from "../internal/transport.js"

/** Statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** Whether a raw failure is retried. Domain errors (auth hooks, validation) never are. */
export const isRetryable = (u: unknown): boolean => {
  if (!(u instanceof Error) || !("_tag" in u)) return false
  switch (u._tag) {
    case "HttpStatusFailure":
      return RETRYABLE_STATUSES.has((u as HttpStatusFailure).status)
    case "AttemptTimeout":
      return true
    case "TransportFailure":
      return (u as TransportFailure).reason === "Transport" || (u as TransportFailure).reason === "Body"
    default:
      return false
  }
}

/** Longest `Retry-After` we wait, in ms. */
export const MAX_RETRY_AFTER_MS = 60_000

/**
 * Parses `Retry-After` (delta-seconds or HTTP date) into milliseconds from `now`, capped at 60 s.
 * Returns `undefined` when the header is absent or unreadable (`NaN`, `-1`, `Infinity`, `1e3`, `soon`):
 * the caller then falls back to its backoff. A date in the past is 0.
 */
export const parseRetryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === "") return undefined
  let ms: number
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1000
  } else {
    // Only an HTTP date (it names a day or month): `Date.parse` reads "-1" or "5" as years.
    const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN
    if (Number.isNaN(date)) return undefined
    ms = date - now
  }
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined
}

/**
 * The one retry policy: exponential from 500 ms, jittered (x0.8..1.2), capped at 8 s, at most
 * `maxRetries` retries, only for retryable raw failures, waiting `Retry-After` (capped at 60 s)
 * instead of the backoff when the response carries it.
 */
export const retryPolicy = (maxRetries: number): Schedule.Schedule<unknown, unknown> =>
  Schedule.exponential("500 millis").pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(8))),
    Schedule.intersect(Schedule.recurs(maxRetries)),
    Schedule.intersect(Schedule.identity<unknown>()),
    Schedule.whileInput(isRetryable),
    Schedule.modifyDelayEffect(([, failure], delay) =>
      failure instanceof HttpStatusFailure && failure.headers["retry-after"] !== undefined
        ? Effect.map(Clock.currentTimeMillis, (now) => {
          const ms = parseRetryAfterMs(failure.headers["retry-after"], now)
          return ms === undefined ? delay : Duration.millis(ms)
        })
        : Effect.succeed(delay)
    )
  )

/**
 * A caller's own retry schedule (`retrySchedule` option) in place of {@link retryPolicy}: it gets
 * each raw failure as input and decides the delays and when to stop; only retryable failures are
 * retried, and a per-call `maxRetries` (when given) caps it.
 */
export const fromSchedule = (
  schedule: Schedule.Schedule<unknown, unknown>,
  maxRetries?: number | undefined
): Schedule.Schedule<unknown, unknown> => {
  const gated = Schedule.whileInput(schedule, isRetryable)
  return maxRetries === undefined ? gated : Schedule.intersect(gated, Schedule.recurs(maxRetries))
}

// The raw failures this policy sees (mapped afterwards by `ErrorMapping.ts`).
export {
  /** @internal */
  AttemptTimeout,
  /** @internal */
  HttpStatusFailure,
  /** @internal */
  type RawFailure,
  /** @internal */
  TransportFailure
} from "../internal/transport.js"
