/**
 * What the core client reports of its calls, when anyone is listening: a log line per attempt
 * through Effect's `Logger` (`internal/attemptLog.ts`), and with tracing a span per call named and
 * attributed after the OpenTelemetry GenAI conventions (`internal/spans.ts`), with the attempts,
 * the failure's type and a `visgate.retry` event per retry.
 *
 * The core (`VisgateClient.ts`) asks for an observer only when one is given: the Effect layers
 * always give one (Effect's `Logger` and `tracing: true` work there as usual), the Promise client
 * only when it has `logLevel` or tracing on, and it loads this module then (its own chunk), so
 * a client without them neither downloads nor runs any of it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import {
  type AttemptInfo,
  debugEnabled,
  logAttempt,
  requestIdOf,
  retryEvent,
  statusOf,
  warnEnabled
} from "../internal/attemptLog.js"
import { callSpan, responseAttributes } from "../internal/spans.js"
import type { RawFailure, WireResponse } from "../internal/transport.js"
import type { AuthenticationError } from "../schemas/Errors.js"
import { VisgateConfig } from "./VisgateConfig.js"

/** What the core tells of one call: its method, path and body (for the span's name and attributes). */
export interface CallInfo {
  readonly method: string
  readonly path: string
  readonly body?: unknown
}

/** One call being observed: hooks the core runs at each step. */
export interface CallObservation {
  /** Around one attempt (run again for each retry): times it, remembers a failure for its line. */
  readonly attempt: <A>(
    attempt: Effect.Effect<A, RawFailure | AuthenticationError>,
    status: (value: A) => { readonly status: number; readonly headers: Readonly<Record<string, string>> }
  ) => Effect.Effect<A, RawFailure | AuthenticationError>
  /** The retry schedule, with a line (and a span event) per retry carrying the chosen delay. */
  readonly retrying: <Out, R>(
    schedule: Schedule.Schedule<Out, RawFailure | AuthenticationError, R>
  ) => Schedule.Schedule<Out, RawFailure | AuthenticationError, R>
  /** Before the call fails for good: the last attempt's line. */
  readonly failing: Effect.Effect<void>
  /** The whole call (with its retries): the attempts and the failure's type on the span. */
  readonly done: <A, E>(call: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

/** The observer of one core client. */
export interface Observer {
  /**
   * Starts observing a call in this fiber (`attempts`: the core's count of its attempts so far);
   * `undefined` when nothing would be logged or traced.
   */
  readonly call: (
    fiber: { getFiberRef<A>(ref: FiberRef.FiberRef<A>): A },
    info: CallInfo,
    attempts: () => number
  ) => CallObservation | undefined
  /** With tracing, `effect` (a call: its attempts and the body's parsing) in the call's span. */
  readonly span: <A, E>(info: CallInfo, effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** With tracing, a successful response's attributes on the call's span. */
  readonly response: (response: WireResponse, body: unknown) => Effect.Effect<void>
}

/** The observer the core client uses, when there is one. */
export class CallObserver extends Context.Tag("@visgate_ai/client/CallObserver")<CallObserver, Observer>() {}

/** `error.type` (and the status) of a failed call, for its span. */
const errorAttributes = (error: unknown): Record<string, unknown> => {
  if (typeof error !== "object" || error === null) return { "error.type": "_OTHER" }
  const e = error as { readonly _tag?: unknown; readonly statusCode?: unknown; readonly requestId?: unknown }
  return {
    "error.type": typeof e._tag === "string" ? e._tag : "_OTHER",
    ...(typeof e.statusCode === "number" ? { "http.response.status_code": e.statusCode } : {}),
    ...(typeof e.requestId === "string" ? { "visgate.request_id": e.requestId } : {})
  }
}

/** An observer: log lines at the fiber's log level, and spans when `tracing`. */
export const make = (tracing: boolean): Observer => ({
  call: (fiber, info, attempts) => {
    const minimumLevel = fiber.getFiberRef(FiberRef.currentMinimumLogLevel)
    const debug = debugEnabled(minimumLevel)
    const warn = warnEnabled(minimumLevel)
    if (!debug && !warn && !tracing) return undefined
    // The failed attempt whose log line waits for the retry decision (its delay is in the line).
    let last: AttemptInfo | undefined
    const attempt: CallObservation["attempt"] = (effect, meta) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.matchEffect(effect, {
          onFailure: (failure) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) => {
              last = {
                method: info.method,
                path: info.path,
                status: statusOf(failure),
                durationMs: end - start,
                attempt: attempts(),
                requestId: failure._tag === "HttpStatusFailure" ? requestIdOf(failure.headers) : undefined
              }
              return Effect.fail(failure)
            }),
          onSuccess: (value) =>
            debug
              ? Effect.flatMap(Clock.currentTimeMillis, (end) => {
                const { headers, status } = meta(value)
                return Effect.as(
                  logAttempt({
                    method: info.method,
                    path: info.path,
                    status,
                    durationMs: end - start,
                    attempt: attempts(),
                    requestId: requestIdOf(headers)
                  }),
                  value
                )
              })
              : Effect.succeed(value)
        }))
    // A retry's line (and span event) carries the delay the schedule chose.
    const onRetry = (delay: Duration.Duration) => {
      const failed = last
      last = undefined
      if (failed === undefined) return Effect.succeed(delay)
      const retried = { ...failed, retryInMs: Math.round(Duration.toMillis(delay)) }
      let effect: Effect.Effect<void> = warn ? logAttempt(retried) : Effect.void
      if (tracing) effect = Effect.zipRight(effect, retryEvent(retried))
      return Effect.as(effect, delay)
    }
    return {
      attempt,
      retrying: (schedule) => Schedule.modifyDelayEffect(schedule, (_, delay) => onRetry(delay)),
      failing: Effect.suspend(() => debug && last !== undefined ? logAttempt(last) : Effect.void),
      done: (call) =>
        tracing
          ? Effect.onExit(call, (exit) =>
            Effect.annotateCurrentSpan(
              exit._tag === "Failure"
                ? {
                  "visgate.attempts": attempts(),
                  ...errorAttributes(exit.cause._tag === "Fail" ? exit.cause.error : undefined)
                }
                : { "visgate.attempts": attempts() }
            ))
          : call
    }
  },
  span: (info, effect) => {
    if (!tracing) return effect
    const { attributes, name } = callSpan(info.method, info.path, info.body)
    return Effect.withSpan(effect, name, { kind: "client", attributes })
  },
  response: (response, body) =>
    tracing
      ? Effect.annotateCurrentSpan(responseAttributes(response.status, requestIdOf(response.headers), body))
      : Effect.void
})

/** The observer of the Effect layers: Effect's `Logger` at the fiber's level, spans with `tracing: true`. */
export const layer: Layer.Layer<CallObserver, never, VisgateConfig> = /*#__PURE__*/ Layer.effect(
  CallObserver,
  /*#__PURE__*/ Effect.map(VisgateConfig, (config) => make(config.tracing))
)
