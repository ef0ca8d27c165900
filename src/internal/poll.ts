/**
 * The one polling combinator: a `Stream` of progress updates from a fetch effect, spaced by a
 * replaceable `Schedule`, honouring server hints, ending after the terminal status, bounded by an
 * overall deadline. Used for async generation requests and for deployments.
 *
 * Semantics (documented once, relied on everywhere):
 *
 * - The first fetch happens at once; later fetches are spaced by the schedule. The default
 *   ({@link defaultPollSchedule}) starts at 1 s and grows x1.5 up to a 10 s cap.
 * - A server hint (`poll_interval_seconds` in the body, or `Retry-After` on a 200) replaces the
 *   schedule's next delay, clamped to 0.25..60 s; `serverHints: false` turns that off.
 * - Each fetch is one logical call: transient failures (429, 5xx, timeouts, connection errors)
 *   are retried inside it by the core retry policy and never reach the stream. A failure that is
 *   left after those retries (401, 404, a decode error, retries exhausted) ends the stream with
 *   that error: polling does not paper over it.
 * - By default only changes of `status` are emitted (`changesOnly: false` emits every poll).
 * - The stream ends right after the terminal element. If the caller's schedule stops first, the
 *   stream fails with `WaitTimeoutError` (no `timeoutMs`); past the overall `timeout`, it fails
 *   with `WaitTimeoutError` at once, interrupting any fetch or sleep in flight. An infinite
 *   `timeout` (`Duration.infinity`) is no deadline; the waiting methods default to
 *   {@link DEFAULT_WAIT_TIMEOUT} when none is given.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { WaitTimeoutError } from "../schemas/Errors.js"
import type { PollOptions, Progress } from "../schemas/Polling.js"
import { repeatEffectWithSchedule, unwrap } from "./stream.js"

/** Start fast, back off: 1 s, 1.5 s, 2.25 s, ... capped at 10 s. */
export const defaultPollSchedule: Schedule.Schedule<Duration.Duration, unknown> = Schedule.exponential(
  "1 second",
  1.5
).pipe(Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(10))))

/**
 * The default overall deadline of the waiting methods (`Requests.wait`, `generateAndWait`,
 * `InferenceJobs.wait`: 10 minutes; `waitUntilReady`: 30 minutes) when the caller gives none;
 * `Duration.infinity` (Promise: `timeout: Infinity`) waits without one.
 */
export const DEFAULT_WAIT_TIMEOUT = {
  request: Duration.minutes(10),
  job: Duration.minutes(10),
  deployment: Duration.minutes(30)
} as const

/** The caller's deadline, or the default one for `target`. */
export const waitDeadline = (
  timeout: Duration.DurationInput | undefined,
  target: keyof typeof DEFAULT_WAIT_TIMEOUT
): Duration.DurationInput => timeout ?? DEFAULT_WAIT_TIMEOUT[target]

/** Bounds applied to a server hint, in ms. */
export const MIN_HINT_MS = 250
export const MAX_HINT_MS = 60_000

/** What one fetch observed: the body and, when the server sent one, a hint for the next delay. */
export interface Observation<A> {
  readonly value: A
  readonly hintMs?: number | undefined
}

/** What the combinator needs to know about a resource. */
export interface PollSpec<A, E, R> {
  readonly target: "request" | "deployment" | "job"
  readonly id: string
  readonly fetch: Effect.Effect<Observation<A>, E, R>
  readonly status: (a: A) => string
  readonly isTerminal: (status: string) => boolean
  readonly estimate: (a: A) => number | undefined
}

const clampHint = (ms: number): number => Math.min(Math.max(ms, MIN_HINT_MS), MAX_HINT_MS)

/** Seconds from a body hint, as ms, when it is a usable number. */
export const hintFromSeconds = (seconds: number | undefined): number | undefined =>
  seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined

interface Timed<A> {
  readonly observation: Observation<A>
  readonly progress: Progress<A>
}

/** Builds a progress element. */
export const makeProgress = <A>(
  value: A,
  status: string,
  elapsedMs: number,
  polls: number,
  estimate: number | undefined
): Progress<A> => ({
  status,
  elapsedMs,
  ...(estimate !== undefined ? { estimatedRemainingSeconds: estimate } : {}),
  polls,
  value
})

/**
 * Applies the overall deadline and the "ended before terminal" rule to a stream of progress
 * updates. Shared by polling and by event streams (SSE) so both fail the same way.
 */
export const bounded = <A, E, R>(
  self: Stream.Stream<Progress<A>, E, R>,
  spec: {
    readonly target: "request" | "deployment" | "job"
    readonly id: string
    readonly isTerminal: (s: string) => boolean
  },
  timeout: Duration.DurationInput | undefined
): Stream.Stream<Progress<A>, E | WaitTimeoutError, R> =>
  Stream.suspend(() => {
    let last: string | undefined
    let done = false
    const what = `${
      spec.target === "request" ? "Request" : spec.target === "job" ? "Inference job" : "Deployment"
    } ${spec.id}`
    const lastText = () => (last !== undefined ? ` (last status: ${last})` : "")
    const ended = Stream.suspend(() =>
      done
        ? Stream.empty
        : Stream.fail(
          new WaitTimeoutError({
            message: `${what} was still not finished when polling stopped${lastText()}`,
            errorCode: "WAIT_TIMEOUT",
            target: spec.target,
            id: spec.id,
            ...(last !== undefined ? { lastStatus: last } : {})
          })
        )
    )
    const tracked = self.pipe(
      Stream.tap((p) =>
        Effect.sync(() => {
          last = p.status
          if (spec.isTerminal(p.status)) done = true
        })
      ),
      Stream.takeUntil((p) => spec.isTerminal(p.status)),
      Stream.concat(ended)
    )
    const deadline = timeout === undefined ? undefined : Duration.decode(timeout)
    if (deadline === undefined || !Duration.isFinite(deadline)) return tracked
    const ms = Duration.toMillis(deadline)
    return Stream.interruptWhen(
      tracked,
      Effect.zipRight(
        Clock.sleep(Duration.millis(ms)),
        Effect.suspend(() =>
          Effect.fail(
            new WaitTimeoutError({
              message: `${what} did not finish within ${ms} ms${lastText()}`,
              errorCode: "WAIT_TIMEOUT",
              target: spec.target,
              id: spec.id,
              timeoutMs: ms,
              ...(last !== undefined ? { lastStatus: last } : {})
            })
          )
        )
      )
    )
  })

/**
 * Polls `spec.fetch` until a terminal status: the one combinator behind `Requests.poll` and the
 * deployment polling fallback. See the module comment for the rules.
 */
export const poll = <A, E, R>(
  spec: PollSpec<A, E, R>,
  options: PollOptions = {}
): Stream.Stream<Progress<A>, E | WaitTimeoutError, R> =>
  unwrap(Effect.map(Clock.currentTimeMillis, (start) => {
    let polls = 0
    const fetchOne: Effect.Effect<Timed<A>, E, R> = Effect.flatMap(spec.fetch, (observation) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        polls++
        const value = observation.value
        return {
          observation,
          progress: makeProgress(value, spec.status(value), now - start, polls, spec.estimate(value))
        }
      }))
    const base = options.schedule ?? defaultPollSchedule
    const schedule: Schedule.Schedule<unknown, Timed<A>> = options.serverHints === false
      ? base
      : base.pipe(
        Schedule.intersect(Schedule.identity<Timed<A>>()),
        Schedule.modifyDelay(([, timed], delay) =>
          timed.observation.hintMs !== undefined ? Duration.millis(clampHint(timed.observation.hintMs)) : delay
        )
      )
    const updates = Stream.map(repeatEffectWithSchedule(fetchOne, schedule), (t) =>
      t.progress)
    const emitted = options.changesOnly === false
      ? updates
      : Stream.changesWith(updates, (a, b) =>
        a.status === b.status)
    return bounded(emitted, spec, options.timeout)
  }))

/**
 * A poll stream run to its end, as the waiting methods (`Requests.wait`, `InferenceJobs.wait`) do:
 * `onStatus` sees every update, and the value of the last one, which `bounded` makes terminal (or
 * the stream fails), goes to `outcome` (a `completed` value, or its typed failure).
 */
export const waitTerminal = <A, E, R, B, E2, R2>(
  updates: Stream.Stream<Progress<A>, E, R>,
  onStatus: ((progress: Progress<A>) => Effect.Effect<void>) | undefined,
  outcome: (terminal: A) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E | E2, R | R2> =>
  Effect.flatMap(
    Stream.runLast(onStatus === undefined ? updates : Stream.tap(updates, onStatus)),
    (last) => last._tag === "Some" ? outcome(last.value.value) : Effect.dieMessage("polling ended without a status")
  )
