/**
 * Request bodies: user options (camelCase, `null` allowed) validated and encoded to the wire
 * (snake_case) through a schema, before any request is made.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ValidationError } from "../schemas/Errors.js"

/** Drops keys whose value is `undefined` or `null` (options left unset are not sent). */
export const omitNullish = <T extends Record<string, unknown>>(value: T): { [K in keyof T]?: NonNullable<T[K]> } => {
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const v = value[key]
    if (v !== undefined && v !== null) out[key] = v
  }
  return out as { [K in keyof T]?: NonNullable<T[K]> }
}

/** Turns a schema failure on user input into a `ValidationError` naming the field. */
export const toValidationError = (error: ParseResult.ParseError, what: string): ValidationError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const field = first !== undefined && first.path.length > 0 ? first.path.map(String).join(".") : undefined
  const message = first === undefined
    ? `Invalid ${what}: ${error.message}`
    : `Invalid ${what}: ${field !== undefined ? `${field} ` : ""}${first.message}`
  return new ValidationError({
    message,
    errorCode: "INVALID_ARGUMENT",
    ...(field !== undefined ? { field } : {})
  })
}

/** Builds an encoder for a (synchronous) body schema, once. */
export const bodyEncoder = <A, I>(schema: Schema.Schema<A, I>, what: string) => {
  const encode = Schema.encodeUnknownEither(schema)
  return (value: unknown): Effect.Effect<I, ValidationError> => {
    const result = encode(value)
    return Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(toValidationError(result.left, what))
  }
}

/** Fails with a `ValidationError` for one field. */
export const invalid = (field: string, message: string): Effect.Effect<never, ValidationError> =>
  Effect.fail(new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field }))

/** An id or text argument: a string that is not blank, trimmed; else a `ValidationError` naming it. */
export const nonBlank = (field: string, value: unknown): Effect.Effect<string, ValidationError> =>
  typeof value === "string" && value.trim() !== ""
    ? Effect.succeed(value.trim())
    : invalid(field, `${field} must be a non-empty string`)

/** Printable ASCII (space to `~`): what every HTTP stack carries in a header value unchanged. */
export const headerSafe = (value: string): boolean => /^[\x20-\x7e]*$/.test(value)

/** The end of a message for a value `headerSafe` refuses (never quoting it). */
export const NOT_HEADER_SAFE = " must be printable ASCII (no CR, LF or NUL)"

/**
 * Whether `segment` could move a URL out of the place it names: empty, `.` or `..`, also once
 * percent-decoded (up to three times, for stacks that decode again) or split at `/` or `\`.
 */
const unsafeSegment = (segment: string): boolean => {
  if (!/[%./\\]/.test(segment)) return segment.trim() === ""
  let s = segment
  for (let i = 0; i < 3; i++) {
    try {
      s = decodeURIComponent(s)
    } catch {
      break
    }
  }
  return s.trim() === "" || s.split(/[/\\]/).some((p) => /^\s*\.\.?\s*$/.test(p))
}

/**
 * An id that goes into a URL path (`requestId`, `deploymentId`, a provider name; each segment of a
 * model id, or of a whole path, with `segments`): a non-blank string, trimmed, no segment of which
 * is empty, `.` or `..` (also percent-encoded). The id, or the `ValidationError` naming `field`.
 */
export const checkPathId = (field: string, value: unknown, segments?: boolean): string | ValidationError => {
  const id = typeof value === "string" ? value.trim() : ""
  const path = segments ? id.replace(/^\/+|\/+$/g, "") : id
  return (segments ? path.split("/") : [path]).some(unsafeSegment)
    ? new ValidationError({
      message: `${field} must not be empty, "." or ".." (nor have such a segment)`,
      errorCode: "INVALID_ARGUMENT",
      field
    })
    : path
}

/** {@link checkPathId} as an Effect, for the services. */
export const pathId = (field: string, value: unknown, segments?: boolean): Effect.Effect<string, ValidationError> => {
  const id = checkPathId(field, value, segments)
  return typeof id === "string" ? Effect.succeed(id) : Effect.fail(id)
}

/**
 * Checks an optional integer option (`limit`, `offset`, ...): absent or `null` passes, else it must
 * be an integer of at least `min`. The failure to return, or `undefined` when the value is fine.
 */
export const badInt = (field: string, value: unknown, min: 0 | 1): Effect.Effect<never, ValidationError> | undefined =>
  value == null || (Number.isInteger(value) && (value as number) >= min)
    ? undefined
    : invalid(field, `${field} must be a ${min === 1 ? "positive" : "non-negative"} integer, got ${String(value)}`)
