/**
 * `DeploymentWatch`: long-running work on deployments. Status changes as a `Stream` (server-sent
 * events when the server offers them, polling otherwise), live log lines, and waiting for ready.
 *
 * How `watch` reads the status:
 *
 * 1. `GET /deployments/{id}/stream` (SSE, `fetch` with the auth header, through the core client,
 *    so connecting is retried like any call). Each `status` event is an update; comments
 *    (keepalives) and unknown events are ignored; `event: error` with `not_found` fails with
 *    `VisgateError` `DEPLOYMENT_NOT_FOUND` (404).
 * 2. When the connection drops before a terminal status, it reconnects (after the server's
 *    `retry:` or `reconnectDelay`); after `maxReconnects` drops in a row that brought no new
 *    status, it falls back to polling.
 * 3. When the server does not offer SSE (404, 405, 406 or 501 on the stream route, or a body that
 *    is not an event stream, e.g. JSON), it polls `GET /deployments/{id}` with the shared poll
 *    combinator (default schedule, hints, same rules as `Requests.poll`).
 *
 * Either way the stream emits each status change once, ends after `ready`, `failed`,
 * `webhook_failed` or `deleted`, and fails with `WaitTimeoutError` past `timeout`. Other errors
 * (401, a decode error, connection errors left after the core retries) end it with that error.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { pathId } from "../internal/body.js"
import { parseJson } from "../internal/plain.js"
import { bounded, hintFromSeconds, makeProgress, poll, type PollOptions, type Progress } from "../internal/poll.js"
import { decodeSse, type SseEvent, SseParser } from "../internal/sse.js"
import { mapEffectSequential } from "../internal/stream.js"
import { DEPLOYMENT_PATHS } from "../schemas/Deployments.js"
import {
  DeploymentLogLine,
  DeploymentState,
  isTerminalDeploymentStatus,
  StreamErrorEvent
} from "../schemas/DeploymentWatch.js"
import {
  DecodeError,
  DeploymentFailedError,
  type ValidationError,
  VisgateError,
  type WaitTimeoutError
} from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { type Decoder, endpointOf, type RequestSpec, type Service as Client, VisgateClient } from "./VisgateClient.js"

/** One update while watching a deployment. */
export type DeploymentProgress = Progress<DeploymentState>

/** Options of `watch` and `waitUntilReady`. */
export interface DeploymentWatchOptions extends Omit<PollOptions, "changesOnly"> {
  /** `auto` (default): SSE, falling back to polling; `sse`: SSE only (reconnecting); `poll`: polling only. */
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
   * `DeploymentFailedError`; past `timeout`, `WaitTimeoutError`.
   */
  readonly waitUntilReady: (
    deploymentId: string,
    options?: DeploymentWaitOptions
  ) => Effect.Effect<DeploymentState, VisgateApiError | WaitTimeoutError | DeploymentFailedError>
}

/** Tag of the `DeploymentWatch` service. */
export class DeploymentWatch
  extends Context.Tag("@visgate_ai/client/DeploymentWatch")<DeploymentWatch, Service>()
{}

/** Stream route statuses that mean "no SSE here": fall back to polling. */
const NO_SSE_STATUSES: ReadonlySet<number> = new Set([404, 405, 406, 501])

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

/**
 * After a stream dropped: fail once `drops` (drops in a row without news) exceeds the limit,
 * otherwise wait (the server's `retry:` value, or `reconnectDelay`) and open it again.
 */
const reconnect = <A, E>(
  kind: "status" | "log",
  id: string,
  drops: number,
  maxReconnects: number,
  parser: SseParser,
  reconnectDelay: Duration.Duration,
  connect: (drops: number) => Stream.Stream<A, E>
): Stream.Stream<A, E | VisgateError> => {
  if (drops > maxReconnects) {
    return Stream.fail(
      new VisgateError({
        message: `The ${kind} stream of deployment ${id} dropped ${drops} times in a row`,
        errorCode: "STREAM_DROPPED"
      })
    )
  }
  const delay = parser.retryMs !== undefined ? Duration.millis(parser.retryMs) : reconnectDelay
  return Stream.unwrap(Effect.as(Effect.sleep(delay), connect(drops)))
}

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const getState = (id: string) => {
    const path = DEPLOYMENT_PATHS.one(id)
    return Effect.map(
      client.request({ method: "GET", path, base: "deployments" }, decodeState),
      (value) => ({ value, hintMs: hintFromSeconds(value.pollIntervalSeconds) })
    )
  }

  const pollState = (id: string, options: DeploymentWatchOptions) =>
    poll({
      target: "deployment",
      id,
      fetch: getState(id),
      status: (s) => s.status,
      isTerminal: isTerminalDeploymentStatus,
      estimate: (s) => s.estimatedRemainingSeconds
    }, { schedule: options.schedule, serverHints: options.serverHints })

  const watch = (
    deploymentId: string,
    options: DeploymentWatchOptions = {}
  ): Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> =>
    Stream.unwrap(Effect.map(Effect.zip(checkId(deploymentId), Clock.currentTimeMillis), ([id, start]) => {
      const mode = options.mode ?? "auto"
      const maxReconnects = Math.max(0, options.maxReconnects ?? 3)
      const reconnectDelay = Duration.decode(options.reconnectDelay ?? "1 second")
      const path = DEPLOYMENT_PATHS.statusStream(id)
      const spec: RequestSpec = { method: "GET", path, base: "deployments", headers: { accept: "text/event-stream" } }
      const endpoint = endpointOf(spec)
      let updates = 0
      let lastStatus: string | undefined
      let terminal = false

      /** Stamps a state with elapsed time and count; all updates (SSE or polled) go through here. */
      const stamp = (state: DeploymentState) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          updates++
          return makeProgress(state, state.status, now - start, updates, state.estimatedRemainingSeconds)
        })
      const seen = (p: DeploymentProgress) =>
        Effect.sync(() => {
          if (isTerminalDeploymentStatus(p.status)) terminal = true
        })

      const polling: Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> = mapEffectSequential(
        pollState(id, options),
        (p) => stamp(p.value)
      )

      const connect = (drops: number): Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> =>
        Stream.unwrap(
          Effect.matchEffect(client.stream(spec), {
            onFailure: (error) =>
              mode === "auto" && error.statusCode !== undefined && NO_SSE_STATUSES.has(error.statusCode)
                ? Effect.succeed(polling)
                : Effect.fail(error),
            onSuccess: (body) => Effect.succeed(session(body, drops))
          })
        )

      const session = (
        body: Stream.Stream<Uint8Array, VisgateApiError>,
        drops: number
      ): Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> =>
        Stream.suspend(() => {
          const parser = new SseParser()
          let statuses = 0
          let changed = false
          const events = decodeSse(
            // A body cut off mid-stream is a drop, handled below like a clean close.
            Stream.catchTag(body, "ConnectionError", () => Stream.empty),
            parser
          ).pipe(
            mapEffectSequential((event): Effect.Effect<Option.Option<DeploymentState>, VisgateApiError> => {
              if (event.event === "status") {
                return Effect.map(decodeData(client, decodeState, event, endpoint), (state) => {
                  statuses++
                  if (state.status !== lastStatus) changed = true
                  lastStatus = state.status
                  return Option.some(state)
                })
              }
              if (event.event === "error") {
                return Effect.flatMap(
                  decodeData(client, decodeStreamError, event, endpoint),
                  (e) => Effect.fail(streamErrorToVisgate(id, e.error))
                )
              }
              return Effect.succeedNone
            }),
            Stream.filterMap((o) => o),
            mapEffectSequential(stamp),
            Stream.tap(seen)
          )
          const after = Stream.suspend((): Stream.Stream<DeploymentProgress, VisgateApiError | WaitTimeoutError> => {
            if (terminal) return Stream.empty
            // Not an event stream (JSON, HTML, empty): the server does not offer SSE here.
            if (statuses === 0 && parser.recognized === 0 && mode === "auto") return polling
            const nextDrops = changed ? 1 : drops + 1
            if (nextDrops > maxReconnects && mode === "auto") return polling
            return reconnect("status", id, nextDrops, maxReconnects, parser, reconnectDelay, connect)
          })
          return Stream.concat(events, after)
        })

      const source = mode === "poll" ? polling : connect(0)
      return bounded(
        Stream.changesWith(source, (a, b) => a.status === b.status),
        { target: "deployment", id, isTerminal: isTerminalDeploymentStatus },
        options.timeout
      )
    }))

  const logs = (
    deploymentId: string,
    options: DeploymentLogsOptions = {}
  ): Stream.Stream<DeploymentLogLine, VisgateApiError> =>
    Stream.unwrap(Effect.map(checkId(deploymentId), (id) => {
      const maxReconnects = Math.max(0, options.maxReconnects ?? 3)
      const reconnectDelay = Duration.decode(options.reconnectDelay ?? "1 second")
      const path = DEPLOYMENT_PATHS.logsStream(id)
      const spec: RequestSpec = { method: "GET", path, base: "deployments", headers: { accept: "text/event-stream" } }
      const endpoint = endpointOf(spec)
      // A reconnect replays the server's buffer: remember what was emitted, bounded.
      const seenKeys = new Set<string>()
      const remember = (line: DeploymentLogLine): boolean => {
        const key = `${line.timestamp}|${line.level}|${line.message}`
        if (seenKeys.has(key)) return false
        seenKeys.add(key)
        if (seenKeys.size > 5000) seenKeys.delete(seenKeys.values().next().value!)
        return true
      }
      let done = false

      const connect = (drops: number): Stream.Stream<DeploymentLogLine, VisgateApiError> =>
        Stream.unwrap(Effect.map(client.stream(spec), (body) =>
          Stream.suspend(() => {
            const parser = new SseParser()
              let fresh = false
            const lines = decodeSse(Stream.catchTag(body, "ConnectionError", () => Stream.empty), parser).pipe(
              Stream.takeWhile((event) => {
                if (event.event === "done") done = true
                return !done
              }),
              mapEffectSequential((event): Effect.Effect<Option.Option<DeploymentLogLine>, VisgateApiError> => {
                  if (event.event !== "log") return Effect.succeedNone
                return Effect.map(decodeData(client, decodeLog, event, endpoint), (line) => {
                  if (!remember(line)) return Option.none()
                  fresh = true
                  return Option.some(line)
                })
              }),
              Stream.filterMap((o) => o)
            )
            const after = Stream.suspend((): Stream.Stream<DeploymentLogLine, VisgateApiError> => {
              if (done) return Stream.empty
              if (parser.recognized === 0 && !fresh && drops === 0) {
                return Stream.fail(
                  new VisgateError({
                    message: `${endpoint} did not answer with an event stream`,
                    errorCode: "SSE_UNAVAILABLE"
                  })
                )
              }
              return reconnect("log", id, fresh ? 1 : drops + 1, maxReconnects, parser, reconnectDelay, connect)
            })
            return Stream.concat(lines, after)
          })))
      return connect(0)
    }))

  const waitUntilReady = (
    deploymentId: string,
    options: DeploymentWaitOptions = {}
  ): Effect.Effect<DeploymentState, VisgateApiError | WaitTimeoutError | DeploymentFailedError> => {
    const onStatus = options.onStatus
    const updates = watch(deploymentId, options)
    return Effect.flatMap(
      Stream.runLast(onStatus === undefined ? updates : Stream.tap(updates, onStatus)),
      (last): Effect.Effect<DeploymentState, DeploymentFailedError> => {
        if (Option.isNone(last)) return Effect.dieMessage("watching ended without a status")
        const state = last.value.value
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
      }
    )
  }

  return { watch, logs, waitUntilReady } satisfies Service
})

/** The `DeploymentWatch` layer. */
export const layer: Layer.Layer<DeploymentWatch, never, VisgateClient> = Layer.effect(DeploymentWatch, make)
