/**
 * The core client's log line per attempt, through Effect's `Logger`: method, path (never the
 * query string), status, duration, attempt number and, when it is retried, the delay before the
 * next attempt. Headers, keys and tokens are never part of it. Annotations carry the same fields
 * (`visgate.*`) for structured loggers.
 *
 * Levels: `Debug` for an attempt that succeeded or failed for good (the call's error is the
 * caller's to handle), `Warning` for an attempt that is retried.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"

/** One attempt, as logged. */
export interface AttemptInfo {
  readonly method: string
  readonly path: string
  /** The HTTP status, or what happened instead (`"timeout"`, `"network error"`, ...). */
  readonly status: number | string
  readonly durationMs: number
  readonly attempt: number
  readonly retryInMs?: number | undefined
  readonly requestId?: string | undefined
}

/** The line, e.g. `POST /images/generate 503 in 12 ms (attempt 1); retrying in 480 ms`. */
export const attemptMessage = (info: AttemptInfo): string =>
  `${info.method} ${info.path} ${info.status} in ${info.durationMs} ms (attempt ${info.attempt})` +
  (info.requestId !== undefined ? ` request ${info.requestId}` : "") +
  (info.retryInMs !== undefined ? `; retrying in ${info.retryInMs} ms` : "")

/** Logs one attempt: `Warning` when it is retried, else `Debug`. */
export const logAttempt = (info: AttemptInfo): Effect.Effect<void> =>
  Effect.annotateLogs(
    Effect.logWithLevel(info.retryInMs !== undefined ? LogLevel.Warning : LogLevel.Debug, attemptMessage(info)),
    {
      "visgate.method": info.method,
      "visgate.path": info.path,
      "visgate.status": info.status,
      "visgate.duration_ms": info.durationMs,
      "visgate.attempt": info.attempt,
      ...(info.retryInMs !== undefined ? { "visgate.retry_in_ms": info.retryInMs } : {}),
      ...(info.requestId !== undefined ? { "visgate.request_id": info.requestId } : {})
    }
  )

/** Whether a fiber at this minimum log level would print an attempt's `Debug` line. */
export const debugEnabled = (minimum: LogLevel.LogLevel): boolean => minimum.ordinal <= LogLevel.Debug.ordinal

/** Whether a fiber at this minimum log level would print a retry's `Warning` line. */
export const warnEnabled = (minimum: LogLevel.LogLevel): boolean => minimum.ordinal <= LogLevel.Warning.ordinal

/** The server's request id in a response's headers (lower-case names). */
export const requestIdOf = (headers: Readonly<Record<string, string | undefined>>): string | undefined =>
  headers["x-request-id"] ?? headers["request-id"] ?? headers["x-visgate-request-id"]

/** What a failed attempt got instead of a response, for its log line. */
export const statusOf = (failure: { readonly _tag: string }): number | string => {
  switch (failure._tag) {
    case "HttpStatusFailure":
      return (failure as unknown as { readonly status: number }).status
    case "AttemptTimeout":
      return "timeout"
    case "TransportFailure": {
      const reason = (failure as unknown as { readonly reason: string }).reason
      return reason === "Body" ? "body error" : reason === "Transport" ? "network error" : `${reason} error`
    }
    default:
      return "token error"
  }
}

/** A `visgate.retry` event on the current span (when there is one), with the attempt's fields. */
export const retryEvent = (info: AttemptInfo): Effect.Effect<void> =>
  Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
    span._tag === "None" ? Effect.void : Effect.flatMap(Clock.currentTimeNanos, (now) =>
      Effect.sync(() =>
        span.value.event("visgate.retry", now, {
          "visgate.attempt": info.attempt,
          "visgate.status": info.status,
          "visgate.duration_ms": info.durationMs,
          ...(info.retryInMs !== undefined ? { "visgate.retry_in_ms": info.retryInMs } : {}),
          ...(info.requestId !== undefined ? { "visgate.request_id": info.requestId } : {})
        })
      )))
