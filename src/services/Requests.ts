/**
 * `Requests`: status of async generations (`GET /requests/{id}`), polled as a `Stream` or waited on.
 *
 * ```ts
 * const requests = yield* Requests
 * // every status change, ending after `completed` / `failed`
 * yield* Stream.runForEach(requests.poll(id), (p) => Console.log(p.status, p.elapsedMs))
 * // or just the outcome (fails with GenerationFailedError / WaitTimeoutError)
 * const done = yield* requests.wait(id, { timeout: "10 minutes" })
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { nonBlank } from "../internal/body.js"
import type { PollOptions } from "../internal/poll.js"
import { pollRequest, type RequestProgress, type RequestWaitOptions, waitRequest } from "../internal/requestWait.js"
import type { GenerationFailedError, VisgateApiError, WaitTimeoutError } from "../schemas/Errors.js"
import { type RequestStatus, RequestStatusFromWire } from "../schemas/Requests.js"
import { VisgateClient } from "./VisgateClient.js"

export type { PollOptions, Progress } from "../internal/poll.js"
export { defaultPollSchedule } from "../internal/poll.js"
export type { RequestProgress, RequestWaitOptions } from "../internal/requestWait.js"

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
   * `GenerationFailedError` (the server's `error_message` in `message` and `details`).
   */
  readonly wait: (
    requestId: string,
    options?: RequestWaitOptions
  ) => Effect.Effect<RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError>
}

/** Tag of the `Requests` service. */
export class Requests extends Context.Tag("@visgate_ai/client/Requests")<Requests, Service>() {}

const decodeStatus = Schema.decodeUnknown(RequestStatusFromWire)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  get: (requestId) =>
    Effect.flatMap(nonBlank("requestId", requestId), (id) =>
      client.request({ method: "GET", path: `/requests/${encodeURIComponent(id)}` }, decodeStatus)),
  poll: (requestId, options) => pollRequest(client, requestId, options),
  wait: (requestId, options) => waitRequest(client, requestId, options)
}))

/** The `Requests` layer. */
export const layer: Layer.Layer<Requests, never, VisgateClient> = Layer.effect(Requests, make)
