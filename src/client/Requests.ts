/**
 * `client.requests`: async generations by id, and waiting on them.
 *
 * @since 0.1.0
 */
import type { Progress } from "../schemas/Polling.js"
import type { RequestStatus } from "../schemas/Requests.js"
import { Requests } from "../services/Requests.js"
import type { RequestOptions, WaitOptions, WatchOptions } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** One update while polling a request: `status`, `elapsedMs`, `estimatedRemainingSeconds?`, `polls`, `value`. */
export type RequestProgress = Progress<RequestStatus>

/** `client.requests`. */
export interface RequestsResource {
  /** `GET /requests/{id}`: status of an async generation. */
  get(requestId: string, options?: RequestOptions): Promise<RequestStatus>
  /**
   * Polls until `completed` (resolved) or `failed` (rejects with `GenerationFailedError`, the
   * server's `error_message` in its message). Past `timeout` rejects with `WaitTimeoutError`;
   * aborting `signal` stops polling at once (no request after it) and rejects with `AbortError`.
   */
  wait(requestId: string, options?: WaitOptions<RequestProgress>): Promise<RequestStatus>
  /**
   * Each status change as an async iterable (`for await`), ending after the terminal one (a
   * `failed` status is yielded, not thrown). Polling runs only while you iterate; `break` or
   * aborting `signal` stops it at once (aborting rejects the pending `next()` with `AbortError`).
   */
  watch(requestId: string, options?: WatchOptions): AsyncIterable<RequestProgress>
}

/** The Promise resource over the `Requests` service. */
export const makeRequests = ({ call, wait, watch }: ClientRuntime): RequestsResource => ({
  get: (requestId, options) => call(Requests, (s) => s.get(requestId), options),
  wait: (requestId, options) => wait(Requests, options, (s, o) => s.wait(requestId, o)),
  watch: (requestId, options) => watch(Requests, options, (s, o) => s.poll(requestId, o))
})
