/**
 * The public types of polling and watching, shared by `Requests` (`poll`, `wait`, and the
 * generation services' `generateAndWait`) and `DeploymentWatch`: one update ({@link Progress})
 * and the options every poll and wait accepts ({@link PollOptions}). The combinator that
 * implements them is `internal/poll.ts`; its rules are documented there.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Schedule from "effect/Schedule"

/** One update of a polled (or watched) resource. */
export interface Progress<A> {
  /** The status value (`pending`, `processing`, `completed`, ... or a deployment status). */
  readonly status: string
  /** Milliseconds since polling (or watching) started. */
  readonly elapsedMs: number
  /** The server's estimate of the seconds left, when it sent one. */
  readonly estimatedRemainingSeconds?: number
  /** Status requests (or stream events) seen so far, this one included. */
  readonly polls: number
  /** The full status body. */
  readonly value: A
}

/** Options shared by every poll and wait. */
export interface PollOptions {
  /**
   * Spacing between status requests. Default `Requests.defaultPollSchedule` (1 s, x1.5, capped
   * at 10 s). When the schedule stops before a terminal status, polling fails with `WaitTimeoutError`.
   */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /**
   * Overall deadline; past it polling stops at once and fails with `WaitTimeoutError`. The waiting
   * methods default to 10 minutes (`Requests.wait`, `generateAndWait`, `InferenceJobs.wait`) or 30
   * (`waitUntilReady`); `Duration.infinity` opts out. Streams (`poll`, `watch`) have none by default.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Let `poll_interval_seconds` / `Retry-After` replace the next delay (default true). */
  readonly serverHints?: boolean | undefined
  /** Emit only when the status changes (default true); `false` emits after every request. */
  readonly changesOnly?: boolean | undefined
}
