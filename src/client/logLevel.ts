/**
 * The Promise client's `logLevel` option (or `VISGATE_LOG`), checked when the client is made.
 * What logging does is `logging.ts`, loaded only when the level is not `"off"`.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { readEnv } from "../internal/runtime.js"
import { ValidationError } from "../schemas/Errors.js"

/** How much the client logs: nothing (`"off"`, the default) up to one line per attempt (`"debug"`). */
export type ClientLogLevel = "off" | "error" | "warn" | "info" | "debug"

/** Where the client's log lines go: anything shaped like `console`. */
export interface ClientLogger {
  readonly debug: (message: string, ...rest: Array<unknown>) => void
  readonly info: (message: string, ...rest: Array<unknown>) => void
  readonly warn: (message: string, ...rest: Array<unknown>) => void
  readonly error: (message: string, ...rest: Array<unknown>) => void
}

const LEVELS: Readonly<Record<ClientLogLevel, true>> = { off: true, error: true, warn: true, info: true, debug: true }

/**
 * The level from the option, else `VISGATE_LOG`, else `"off"`. An unknown level in the option is
 * a `ValidationError`; in the environment it is ignored (logging stays off).
 */
export const resolveLogLevel = (
  option: ClientLogLevel | undefined
): Either.Either<ClientLogLevel, ValidationError> => {
  if (option !== undefined) {
    return Object.prototype.hasOwnProperty.call(LEVELS, option)
      ? Either.right(option)
      : Either.left(
        new ValidationError({
          message: `logLevel must be one of "off", "error", "warn", "info", "debug", got ${JSON.stringify(option)}`,
          errorCode: "INVALID_OPTION",
          field: "logLevel"
        })
      )
  }
  const env = readEnv("VISGATE_LOG")?.toLowerCase()
  return Either.right(
    env !== undefined && Object.prototype.hasOwnProperty.call(LEVELS, env) ? env as ClientLogLevel : "off"
  )
}
