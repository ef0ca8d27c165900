/**
 * Polling and waiting for async generation requests (`GET /requests/{id}`), on the core client
 * directly so `Requests`, `Images` and `Videos` share it without depending on each other.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { nonBlank } from "./body.js"
import { hintFromSeconds, type Observation, poll, type PollOptions, type Progress } from "./poll.js"
import { GenerationFailedError, type ValidationError, type WaitTimeoutError } from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { isTerminalStatus, type RequestStatus, RequestStatusFromWire } from "../schemas/Requests.js"
import { parseRetryAfterMs } from "../services/RetryPolicy.js"
import type { Service as Client } from "../services/VisgateClient.js"
import * as Clock from "effect/Clock"

/** One update while polling a request: status, elapsed time, server estimate, full body. */
export type RequestProgress = Progress<RequestStatus>

/** Options of `Requests.wait` (Effect). */
export interface RequestWaitOptions extends PollOptions {
  /** Called with every update (each status change by default), before `wait` returns. */
  readonly onStatus?: ((progress: RequestProgress) => Effect.Effect<void>) | undefined
}

const decodeStatus = Schema.decodeUnknown(RequestStatusFromWire)

const checkId = (requestId: string): Effect.Effect<string, ValidationError> => nonBlank("requestId", requestId)

/** `GET /requests/{id}` with its hint: `poll_interval_seconds`, else `Retry-After`. */
const observe = (client: Client, requestId: string): Effect.Effect<Observation<RequestStatus>, VisgateApiError> => {
  const path = `/requests/${encodeURIComponent(requestId)}`
  return Effect.flatMap(client.send({ method: "GET", path }), (response) =>
    Effect.flatMap(client.decode(decodeStatus, response.body, `GET ${path}`), (value) =>
      Effect.map(Clock.currentTimeMillis, (now) => ({
        value,
        hintMs: hintFromSeconds(value.pollIntervalSeconds) ?? parseRetryAfterMs(response.headers["retry-after"], now)
      }))))
}

/** A `Stream` of request updates, ending after `completed` or `failed`. */
export const pollRequest = (
  client: Client,
  requestId: string,
  options: PollOptions = {}
): Stream.Stream<RequestProgress, VisgateApiError | WaitTimeoutError> =>
  Stream.unwrap(Effect.map(checkId(requestId), (id) =>
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

/** Waits for a request's terminal status. */
export const waitRequest = (
  client: Client,
  requestId: string,
  options: RequestWaitOptions = {}
): Effect.Effect<RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError> => {
  const onStatus = options.onStatus
  const updates = pollRequest(client, requestId, options)
  const observed = onStatus === undefined ? updates : Stream.tap(updates, onStatus)
  return Effect.flatMap(Stream.runLast(observed), (last) =>
    // `bounded` guarantees a terminal last element, or a failure; `none` cannot happen.
    last._tag === "Some" ? failIfFailed(last.value.value) : Effect.dieMessage("polling ended without a status"))
}
