/**
 * The Promise client's logging: its `logLevel` (or `VISGATE_LOG`) and `logger` options as an
 * Effect `Logger` layer. The core logs through Effect's `Logger` (`internal/attemptLog.ts`); this
 * layer forwards those lines to the `logger` (default: `console`) at or above `logLevel`. Off
 * (the default), the Promise client does not load this module at all (`client/observed.ts`).
 *
 * @since 0.1.0
 */
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import type { ClientLogger, ClientLogLevel } from "./logLevel.js"

const LEVELS: Readonly<Record<ClientLogLevel, LogLevel.LogLevel>> = {
  off: LogLevel.None,
  error: LogLevel.Error,
  warn: LogLevel.Warning,
  info: LogLevel.Info,
  debug: LogLevel.Debug
}

const PREFIX = "[@visgate_ai/client]"

const text = (message: unknown): string =>
  Array.isArray(message) ? message.map((m) => typeof m === "string" ? m : String(m)).join(" ") : String(message)

/** A `Logger` that forwards to a console-shaped `logger`, the annotations as a second argument. */
export const forwardTo = (logger: ClientLogger): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, logLevel, message }) => {
    const fields: Record<string, unknown> = {}
    let any = false
    for (const [key, value] of HashMap.toEntries(annotations)) {
      fields[key] = value
      any = true
    }
    const line = `${PREFIX} ${text(message)}`
    const method = logLevel.ordinal >= LogLevel.Error.ordinal
      ? logger.error
      : logLevel.ordinal >= LogLevel.Warning.ordinal
      ? logger.warn
      : logLevel.ordinal >= LogLevel.Info.ordinal
      ? logger.info
      : logger.debug
    try {
      if (any) method.call(logger, line, fields)
      else method.call(logger, line)
    } catch {
      // A throwing logger never fails a call.
    }
  })

/** The runtime's logging: off, or `logger` (default `console`) at `level`. */
export const loggingLayer = (level: ClientLogLevel, logger: ClientLogger | undefined): Layer.Layer<never> =>
  level === "off"
    ? Logger.minimumLogLevel(LogLevel.None)
    : Layer.merge(
      Logger.replace(Logger.defaultLogger, forwardTo(logger ?? (globalThis.console as ClientLogger))),
      Logger.minimumLogLevel(LEVELS[level])
    )
