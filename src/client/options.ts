/**
 * The options every Promise method takes (`signal`; `timeout`, `schedule`, `onStatus` on the
 * waiting ones) and their one translation to the Effect services' options.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { toPlain } from "../internal/plain.js"
import { ValidationError } from "../schemas/Errors.js"
import type { CallOptions } from "../services/CallOptions.js"

/**
 * Accepted by every method: an `AbortSignal` that cancels the call (rejecting with `AbortError`),
 * and the per-call options (`CallOptions`): `timeout` (per attempt; on the waiting methods it is
 * the overall deadline instead), `maxRetries`, extra `headers` (auth, BYOK and `Idempotency-Key`
 * headers are a `ValidationError`) and `onResponse` (status, headers, request id of each response).
 */
export interface RequestOptions extends CallOptions {
  readonly signal?: AbortSignal | undefined
}

/** Options of the Promise `watch` methods. */
export interface WatchOptions extends RequestOptions {
  /**
   * Overall deadline in ms; past it the call rejects with `WaitTimeoutError`. The `wait` methods
   * default to 10 minutes (`requests.wait`, `generateAndWait`, `jobs.wait`) or 30
   * (`deployments.waitUntilReady`); `Infinity` waits without a deadline. `watch` has none by default.
   */
  readonly timeout?: number | undefined
  /**
   * Spacing between status requests: `initialMs`, multiplied by `factor` after each request, capped
   * at `maxMs` (default `{ initialMs: 1000, factor: 1.5, maxMs: 10000 }`); the server's
   * `poll_interval_seconds` / `Retry-After` hint replaces a delay when present.
   */
  readonly schedule?: PollSchedule | undefined
}

/** Plain polling spacing for the Promise client (Effect users pass a `Schedule` to the services). */
export interface PollSchedule {
  /** First delay in ms (default 1000). */
  readonly initialMs?: number | undefined
  /** Growth per request, >= 1 (default 1.5; 1 keeps the delay fixed). */
  readonly factor?: number | undefined
  /** Upper bound of a delay in ms (default 10000). */
  readonly maxMs?: number | undefined
}

/** Options of the Promise `wait` methods. */
export interface WaitOptions<P> extends WatchOptions {
  /** Called with each status change (elapsed time and the server's estimate included). */
  readonly onStatus?: ((progress: P) => void) | undefined
}

/** {@link WaitOptions} as the Effect services take them. */
export interface EffectWaitOptions<P> {
  readonly timeout?: Duration.Duration
  readonly schedule?: Schedule.Schedule<unknown, unknown>
  readonly onStatus?: (progress: P) => Effect.Effect<void>
}

/** The per-call options, which go to the runtime rather than to the service. */
type CallKeys = "signal" | keyof CallOptions

/** The options without `signal` and the call options, for the service call (they go to the runtime). */
export const withoutSignal = <O extends RequestOptions>(options: O | undefined): Omit<O, CallKeys> | undefined => {
  if (options === undefined) return undefined
  const { headers: _h, maxRetries: _m, onResponse: _r, signal: _signal, timeout: _t, ...rest } = options
  return rest
}

/** The options without the wait options (`signal`, `timeout`, `schedule`, `onStatus`) and call options. */
export const withoutWaitOptions = <O extends WaitOptions<never>>(
  options: O | undefined
): Omit<O, CallKeys | "schedule" | "onStatus"> | undefined => {
  if (options === undefined) return undefined
  const { headers: _h, maxRetries: _m, onResponse: _r, onStatus: _o, schedule: _s, signal: _signal, timeout: _t, ...rest } =
    options
  return rest
}

/**
 * Promise wait/watch options to the Effect ones: ms to `Duration` (`Infinity` is
 * `Duration.infinity`, no deadline; a non-positive number or NaN is a `ValidationError`), the
 * callback made an Effect that sees plain objects.
 */
export const toEffectWaitOptions = <P>(
  options: WaitOptions<P> | undefined
): Effect.Effect<EffectWaitOptions<P>, ValidationError> => {
  if (options === undefined) return Effect.succeed({})
  const { onStatus, schedule, timeout } = options
  const bad = badSchedule(schedule)
  if (bad !== undefined) return Effect.fail(bad)
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout > 0))) {
    return Effect.fail(
      new ValidationError({
        message: `timeout must be a positive number of milliseconds (or Infinity), got ${String(timeout)}`,
        errorCode: "INVALID_ARGUMENT",
        field: "timeout"
      })
    )
  }
  return Effect.succeed({
    ...(timeout !== undefined ? { timeout: timeout === Infinity ? Duration.infinity : Duration.millis(timeout) } : {}),
    ...(schedule !== undefined ? { schedule: toSchedule(schedule) } : {}),
    ...(onStatus !== undefined ? { onStatus: (p: P) => Effect.sync(() => onStatus(toPlain(p))) } : {})
  })
}

const badSchedule = (s: PollSchedule | undefined): ValidationError | undefined => {
  for (const [k, min] of [["initialMs", 0], ["factor", 1], ["maxMs", 0]] as const) {
    const v = s?.[k]
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < min || (min === 0 && v === 0))) {
      const want = min === 1 ? "a finite number >= 1" : "a positive number of milliseconds"
      const message = `schedule.${k} must be ${want}, got ${String(v)}`
      return new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field: `schedule.${k}` })
    }
  }
  return undefined
}

/** The Promise `schedule` as the Effect one the services poll with (defaults: the services' own). */
const toSchedule = ({ factor = 1.5, initialMs = 1000, maxMs = 10_000 }: PollSchedule): Schedule.Schedule<unknown> =>
  Schedule.exponential(Duration.millis(initialMs), factor).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(maxMs)))
  )
