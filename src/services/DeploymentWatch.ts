/**
 * `DeploymentWatch`: long-running work on deployments. Status changes as a `Stream` (server-sent
 * events when the server offers them, polling otherwise), live log lines, and waiting for ready.
 * Both event streams run on one reconnecting loop (`internal/sseReconnect.ts`, where the rules
 * for drops, `retry:` and "no event stream here" are written down once); this file says what an
 * event means.
 *
 * How `watch` reads the status:
 *
 * 1. `GET /deployments/{id}/stream` (SSE, `fetch` with the auth header, through the core client,
 *    so connecting is retried like any call). Each `status` event is an update; comments
 *    (keepalives) and unknown events are ignored; `event: error` with `not_found` fails with
 *    `VisgateError` `DEPLOYMENT_NOT_FOUND` (404), any other reason with `DEPLOYMENT_STREAM_ERROR`.
 * 2. When the connection drops before a terminal status, it reconnects (after the server's
 *    `retry:` or `reconnectDelay`); after `maxReconnects` drops in a row that brought no new
 *    status, it falls back to polling (`mode: "sse"`: fails with `STREAM_DROPPED`).
 * 3. When the server does not offer SSE (404, 405, 406 or 501 on the stream route, or a body that
 *    is not an event stream, e.g. JSON), it polls `GET /deployments/{id}` with the shared poll
 *    combinator (default schedule, hints, same rules as `Requests.poll`). `mode: "sse"` fails
 *    instead: with the route's error, or with `SSE_UNAVAILABLE`.
 *
 * Either way the stream emits each status change once, ends after `ready`, `failed`,
 * `webhook_failed` or `deleted`, and fails with `WaitTimeoutError` past `timeout`. Other errors
 * (401, a decode error, connection errors left after the core retries) end it with that error.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { pathId } from "../internal/body.js"
import { parseJson } from "../internal/plain.js"
import { bounded, hintFromSeconds, makeProgress, poll, waitDeadline, waitTerminal } from "../internal/poll.js"
import type { SseEvent } from "../internal/sse.js"
import { reconnectingSse, type Step } from "../internal/sseReconnect.js"
import { mapEffectSequential, unwrap } from "../internal/stream.js"
import { DEPLOYMENT_PATHS, isTerminalDeploymentStatus } from "../schemas/Deployments.js"
import { DeploymentLogLine, DeploymentState, StreamErrorEvent } from "../schemas/DeploymentWatch.js"
import {
  DecodeError,
  DeploymentFailedError,
  type ValidationError,
  VisgateError,
  type WaitTimeoutError
} from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import type { PollOptions, Progress } from "../schemas/Polling.js"
import { type Decoder, endpointOf, type RequestSpec, type Service as Client, VisgateClient } from "./VisgateClient.js"

/** One update while watching a deployment. */
export type DeploymentProgress = Progress<DeploymentState>

/** Options of `watch` and `waitUntilReady`. */
export interface DeploymentWatchOptions extends Omit<PollOptions, "changesOnly"> {
  /**
   * `auto` (default): SSE, falling back to polling; `sse`: SSE only (reconnecting; where the server
   * offers no event stream, or after `maxReconnects` drops, it fails); `poll`: polling only.
   */
  readonly mode?: "auto" | "sse" | "poll" | undefined
  /** Drops in a row without a new status before falling back to polling (default 3). */
  readonly maxReconnects?: number | undefined
  /** Wait before reconnecting when the server sent no `retry:` (default 1 s). */
  readonly reconnectDelay?: Duration.DurationInput | undefined
}

/** Options of `waitUntilReady`. */
export interface DeploymentWaitOptions extends DeploymentWatchOptions {
  /** Called with every status change before `waitUntilReady` returns. */
  readonly onStatus?: ((progress: DeploymentProgress) => Effect.Effect<void>) | undefined
}

/** Options of `logs`. */
export interface DeploymentLogsOptions {
  /** Reconnects after a drop before failing (default 3). Lines already seen are not repeated. */
  readonly maxReconnects?: number | undefined
  /** Wait before reconnecting when the server sent no `retry:` (default 1 s). */
  readonly reconnectDelay?: Duration.DurationInput | undefined
}

/** The `DeploymentWatch` service. */
export interface Service {
  /** Status changes until `ready`, `failed`, `webhook_failed` or `deleted` (see the module comment). */
  readonly watch: (
    deploymentId: string,
    options?: DeploymentWatchOptions
  ) => Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError>
  /**
   * Live log lines from `GET /deployments/{id}/logs/stream`, ending at the server's `done` event
   * (the server keeps only recent lines, so this can legitimately be empty). A drop reconnects
   * without repeating lines; a 404 fails with the mapped `DEPLOYMENT_NOT_FOUND` error.
   */
  readonly logs: (
    deploymentId: string,
    options?: DeploymentLogsOptions
  ) => Stream.Stream<DeploymentLogLine, VisgateApiError>
  /**
   * Waits until the deployment is usable: `ready` (or `webhook_failed`: the deployment is up,
   * only the notification failed) returns its state; `failed` or `deleted` fails with
   * `DeploymentFailedError`; past `timeout` (default 30 minutes; `Duration.infinity` for none),
   * `WaitTimeoutError`.
   */
  readonly waitUntilReady: (
    deploymentId: string,
    options?: DeploymentWaitOptions
  ) => Effect.Effect<DeploymentState, VisgateApiError | WaitTimeoutError | DeploymentFailedError>
}

/** Tag of the `DeploymentWatch` service. */
export class DeploymentWatch extends Context.Tag("@visgate_ai/client/DeploymentWatch")<DeploymentWatch, Service>() {}

const decodeState = Schema.decodeUnknown(DeploymentState)
const decodeLog = Schema.decodeUnknown(DeploymentLogLine)
const decodeStreamError = Schema.decodeUnknown(StreamErrorEvent)

const checkId = (deploymentId: string): Effect.Effect<string, ValidationError> => pathId("deploymentId", deploymentId)

/** Decodes the JSON `data` of an event. */
const decodeData = <A>(
  client: Client,
  decoder: Decoder<A>,
  event: SseEvent,
  endpoint: string
): Effect.Effect<A, DecodeError> =>
  Effect.suspend(() => {
    let json: unknown
    try {
      json = parseJson(event.data)
    } catch {
      return Effect.fail(
        new DecodeError({
          message: `Unexpected event from ${endpoint}: \`${event.event}\` data is not valid JSON`,
          errorCode: "DECODE_ERROR",
          endpoint
        })
      )
    }
    return client.decode(decoder, json, endpoint)
  })

const streamErrorToVisgate = (deploymentId: string, error: string): VisgateError =>
  error === "not_found"
    ? new VisgateError({
      message: `Deployment ${deploymentId} was not found`,
      errorCode: "DEPLOYMENT_NOT_FOUND",
      statusCode: 404,
      details: { deployment_id: deploymentId }
    })
    : new VisgateError({
      message: `The status stream of deployment ${deploymentId} reported an error: ${error}`,
      errorCode: "DEPLOYMENT_STREAM_ERROR",
      details: { deployment_id: deploymentId, error }
    })

/** The request opening an event stream. */
const sseSpec = (path: string): RequestSpec => ({
  method: "GET",
  path,
  base: "deployments",
  headers: { accept: "text/event-stream" }
})

/** Lines remembered by `logs` to skip what a reconnect replays. */
const MAX_REMEMBERED_LINES = 5000

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const getState = (id: string) => {
    const path = DEPLOYMENT_PATHS.one(id)
    return Effect.map(
      client.request({ method: "GET", path, base: "deployments" }, decodeState),
      (value) => ({ value, hintMs: hintFromSeconds(value.pollIntervalSeconds) })
    )
  }

  const pollState = (
    id: string,
    options: DeploymentWatchOptions
  ): Stream.Stream<DeploymentState, VisgateApiError | WaitTimeoutError> =>
    Stream.map(
      poll({
        target: "deployment",
        id,
        fetch: getState(id),
        status: (s) => s.status,
        isTerminal: isTerminalDeploymentStatus,
        estimate: (s) => s.estimatedRemainingSeconds
      }, { schedule: options.schedule, serverHints: options.serverHints }),
      (p) => p.value
    )

  /**
   * `status` events until a terminal one. The state is the last status seen (on any connection):
   * a status other than it is news.
   */
  const statusEvents = (
    id: string,
    options: DeploymentWatchOptions,
    fallback: Stream.Stream<DeploymentState, VisgateApiError | WaitTimeoutError> | undefined
  ): Stream.Stream<DeploymentState, VisgateApiError | WaitTimeoutError> => {
    const spec = sseSpec(DEPLOYMENT_PATHS.statusStream(id))
    const endpoint = endpointOf(spec)
    return reconnectingSse({
      open: client.stream(spec),
      name: `status stream of deployment ${id}`,
      endpoint,
      initial: undefined as string | undefined,
      step: (last, event): Effect.Effect<Step<string | undefined, DeploymentState>, VisgateApiError> => {
        if (event.event === "status") {
          return Effect.map(decodeData(client, decodeState, event, endpoint), (state) => ({
            state: state.status,
            emit: state,
            fresh: state.status !== last,
            stop: isTerminalDeploymentStatus(state.status)
          }))
        }
        if (event.event === "error") {
          return Effect.flatMap(
            decodeData(client, decodeStreamError, event, endpoint),
            (e) => Effect.fail(streamErrorToVisgate(id, e.error))
          )
        }
        return Effect.succeed({ state: last })
      },
      maxReconnects: options.maxReconnects,
      reconnectDelay: options.reconnectDelay,
      fallback
    })
  }

  const watch = (
    deploymentId: string,
    options: DeploymentWatchOptions = {}
  ): Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> =>
    unwrap(Effect.map(
      Effect.all([checkId(deploymentId), Clock.currentTimeMillis, Ref.make(0)]),
      ([id, start, seen]) => {
        const mode = options.mode ?? "auto"
        const polling = pollState(id, options)
        const states = mode === "poll" ? polling : statusEvents(id, options, mode === "auto" ? polling : undefined)
        // Every state seen (event or poll, repeats included) is stamped with the elapsed time and
        // how many came so far; then only changes go on.
        const updates = mapEffectSequential(states, (state) =>
          Effect.zipWith(
            Ref.updateAndGet(seen, (n) => n + 1),
            Clock.currentTimeMillis,
            (n, now) => makeProgress(state, state.status, now - start, n, state.estimatedRemainingSeconds)
          ))
        return bounded(
          Stream.changesWith(updates, (a, b) => a.status === b.status),
          { target: "deployment", id, isTerminal: isTerminalDeploymentStatus },
          options.timeout
        )
      }
    ))

  const logs = (
    deploymentId: string,
    options: DeploymentLogsOptions = {}
  ): Stream.Stream<DeploymentLogLine, VisgateApiError> =>
    unwrap(Effect.map(checkId(deploymentId), (id) => {
      const spec = sseSpec(DEPLOYMENT_PATHS.logsStream(id))
      const endpoint = endpointOf(spec)
      // A reconnect replays the server's buffer: the lines emitted so far, the most recent ones
      // only (insertion order makes the first key the oldest). Local to this run of the stream.
      const seen = new Set<string>()
      const isNew = (line: DeploymentLogLine): boolean => {
        const key = `${line.timestamp}|${line.level}|${line.message}`
        if (seen.has(key)) return false
        seen.add(key)
        if (seen.size > MAX_REMEMBERED_LINES) seen.delete(seen.values().next().value!)
        return true
      }
      return reconnectingSse({
        open: client.stream(spec),
        name: `log stream of deployment ${id}`,
        endpoint,
        initial: undefined,
        step: (_, event): Effect.Effect<Step<undefined, DeploymentLogLine>, VisgateApiError> => {
          if (event.event === "done") return Effect.succeed({ state: undefined, stop: true })
          if (event.event !== "log") return Effect.succeed({ state: undefined })
          return Effect.map(
            decodeData(client, decodeLog, event, endpoint),
            (line) => (isNew(line) ? { state: undefined, emit: line, fresh: true } : { state: undefined })
          )
        },
        maxReconnects: options.maxReconnects,
        reconnectDelay: options.reconnectDelay
      })
    }))

  const waitUntilReady = (
    deploymentId: string,
    options: DeploymentWaitOptions = {}
  ): Effect.Effect<DeploymentState, VisgateApiError | WaitTimeoutError | DeploymentFailedError> => {
    const updates = watch(deploymentId, { ...options, timeout: waitDeadline(options.timeout, "deployment") })
    return waitTerminal(updates, options.onStatus, (state): Effect.Effect<DeploymentState, DeploymentFailedError> => {
      if (state.status === "ready" || state.status === "webhook_failed") return Effect.succeed(state)
      return Effect.fail(
        new DeploymentFailedError({
          message: `Deployment ${state.deploymentId} ${state.status === "deleted" ? "was deleted" : "failed"}${
            state.error !== undefined ? `: ${state.error}` : ""
          }`,
          errorCode: "DEPLOYMENT_FAILED",
          deploymentId: state.deploymentId,
          status: state.status,
          ...(state.error !== undefined ? { error: state.error } : {})
        })
      )
    })
  }

  // Errors built from event payloads (stream `error` events, a failed deployment's reason) are
  // scrubbed of the client's secrets, like every error of the core client.
  return {
    watch: (id, options) => Stream.mapError(watch(id, options), client.scrub),
    logs: (id, options) => Stream.mapError(logs(id, options), client.scrub),
    waitUntilReady: (id, options) => Effect.mapError(waitUntilReady(id, options), client.scrub)
  } satisfies Service
})

/** The `DeploymentWatch` layer. */
export const layer: Layer.Layer<DeploymentWatch, never, VisgateClient> = Layer.effect(DeploymentWatch, make)
