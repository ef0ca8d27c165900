/**
 * `Requests`: status of async generations (`GET /requests/{id}`), polled as a `Stream` or waited on.
 *
 * ```ts
 * const requests = yield* Requests
 * // every status change, ending after `completed` / `failed`
 * yield* Stream.runForEach(requests.poll(id), (p) => Console.log(p.status, p.elapsedMs))
 * // or just the outcome (fails with GenerationFailedError / WaitTimeoutError; default deadline 10 minutes)
 * const done = yield* requests.wait(id, { timeout: "20 minutes" })
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { pathId } from "../internal/body.js"
import { hintFromSeconds, type Observation, poll, waitDeadline, waitTerminal } from "../internal/poll.js"
import { unwrap } from "../internal/stream.js"
import {
  GenerationFailedError,
  type ValidationError,
  type VisgateApiError,
  type WaitTimeoutError
} from "../schemas/Errors.js"
import type { PollOptions, Progress } from "../schemas/Polling.js"
import { isTerminalStatus, type RequestStatus, RequestStatusFromWire } from "../schemas/Requests.js"
import { parseRetryAfterMs } from "./RetryPolicy.js"
import { type Service as Client, VisgateClient } from "./VisgateClient.js"

export { defaultPollSchedule } from "../internal/poll.js"
export type { PollOptions, Progress } from "../schemas/Polling.js"

// -----------------------------------------------------------------------------
// Polling and waiting, on the core client directly so `Images` and `Videos` (generateAndWait)
// share it without depending on the Requests service. The combinator is internal/poll.ts.
// -----------------------------------------------------------------------------

const decodeStatus = Schema.decodeUnknown(RequestStatusFromWire)

/** One update while polling a request: status, elapsed time, server estimate, full body. */
export type RequestProgress = Progress<RequestStatus>

/** Options of `Requests.wait` (Effect). */
export interface RequestWaitOptions extends PollOptions {
  /** Called with every update (each status change by default), before `wait` returns. */
  readonly onStatus?: ((progress: RequestProgress) => Effect.Effect<void>) | undefined
}

const checkId = (requestId: string): Effect.Effect<string, ValidationError> => pathId("requestId", requestId)

/** `GET /requests/{id}` with its hint: `poll_interval_seconds`, else `Retry-After`. */
const observe = (client: Client, requestId: string): Effect.Effect<Observation<RequestStatus>, VisgateApiError> => {
  const path = `/requests/${encodeURIComponent(requestId)}`
  return Effect.flatMap(
    client.send({ method: "GET", path }),
    (response) =>
      Effect.flatMap(
        client.decode(decodeStatus, response.body, `GET ${path}`),
        (value) =>
          Effect.map(Clock.currentTimeMillis, (now) => ({
            value,
            hintMs: hintFromSeconds(value.pollIntervalSeconds) ??
              parseRetryAfterMs(response.headers["retry-after"], now)
          }))
      )
  )
}

/** A `Stream` of request updates, ending after `completed` or `failed`. */
export const pollRequest = (
  client: Client,
  requestId: string,
  options: PollOptions = {}
): Stream.Stream<RequestProgress, VisgateApiError | WaitTimeoutError> =>
  unwrap(Effect.map(checkId(requestId), (id) =>
    poll({
      target: "request",
      id,
      fetch: observe(client, id),
      status: (s) => s.status,
      isTerminal: isTerminalStatus,
      estimate: (s) => s.estimatedRemainingSeconds
    }, options)))

/** The terminal status of a request; `failed` becomes `GenerationFailedError`. */
export const failIfFailed = (status: RequestStatus): Effect.Effect<RequestStatus, GenerationFailedError> =>
  status.status === "failed"
    ? Effect.fail(
      new GenerationFailedError({
        message: status.errorMessage !== undefined && status.errorMessage !== ""
          ? `Generation ${status.requestId} failed: ${status.errorMessage}`
          : `Generation ${status.requestId} failed`,
        errorCode: "GENERATION_FAILED",
        requestId: status.requestId,
        details: {
          ...(status.errorMessage !== undefined ? { error_message: status.errorMessage } : {}),
          ...(status.provider !== undefined ? { provider: status.provider } : {}),
          ...(status.model !== undefined ? { model: status.model } : {})
        }
      })
    )
    : Effect.succeed(status)

/** Waits for a request's terminal status (default deadline 10 minutes; `Duration.infinity` for none). */
export const waitRequest = (
  client: Client,
  requestId: string,
  options: RequestWaitOptions = {}
): Effect.Effect<RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError> => {
  const updates = pollRequest(client, requestId, { ...options, timeout: waitDeadline(options.timeout, "request") })
  return waitTerminal(updates, options.onStatus, (status) => Effect.mapError(failIfFailed(status), client.scrub))
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

/** The `Requests` service. */
export interface Service {
  /** `GET /requests/{id}`: the current status of an async generation. */
  readonly get: (requestId: string) => Effect.Effect<RequestStatus, VisgateApiError>
  /**
   * Polls `GET /requests/{id}`: emits each status change (with elapsed time and the server's
   * estimate) and ends after the terminal one (`completed` or `failed`; a `failed` status is an
   * element here, not an error). Transient errors are retried inside each request; any other
   * error ends the stream with it. Past `timeout`, fails with `WaitTimeoutError`.
   */
  readonly poll: (
    requestId: string,
    options?: PollOptions
  ) => Stream.Stream<RequestProgress, VisgateApiError | WaitTimeoutError>
  /**
   * Waits for the terminal status: `completed` is returned; `failed` fails with
   * `GenerationFailedError` (the server's `error_message` in `message` and `details`). Without a
   * `timeout` the deadline is 10 minutes (`WaitTimeoutError`); `Duration.infinity` waits forever.
   */
  readonly wait: (
    requestId: string,
    options?: RequestWaitOptions
  ) => Effect.Effect<RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError>
}

/** Tag of the `Requests` service. */
export class Requests extends Context.Tag("@visgate_ai/client/Requests")<Requests, Service>() {}

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  get: (requestId) =>
    Effect.flatMap(
      pathId("requestId", requestId),
      (id) => client.request({ method: "GET", path: `/requests/${encodeURIComponent(id)}` }, decodeStatus)
    ),
  poll: (requestId, options) => pollRequest(client, requestId, options),
  wait: (requestId, options) => waitRequest(client, requestId, options)
}))

/** The `Requests` layer. */
export const layer: Layer.Layer<Requests, never, VisgateClient> = Layer.effect(Requests, make)
