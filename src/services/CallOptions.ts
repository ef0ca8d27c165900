/**
 * Per-call overrides of the client configuration: a per-attempt `timeout`, `maxRetries`, extra
 * `headers` and an `onResponse` hook, held in a `FiberRef` that the core client
 * (`VisgateClient`) reads on every call. `withCallOptions(options)(effect)` applies them to every
 * request `effect` makes; the Promise client's per-call options are exactly this.
 *
 * Extra headers never replace authentication: `Authorization`, the BYOK key headers and
 * `Idempotency-Key` (use the `idempotencyKey` option) are refused with a `ValidationError`, as
 * are header names or values that are not valid HTTP.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"
import { ValidationError } from "../schemas/Errors.js"

/** What `onResponse` is given: the last response of one HTTP request of the call. */
export interface ResponseInfo {
  /** The HTTP status. */
  readonly status: number
  /** The response headers (names in lower case). */
  readonly headers: Readonly<Record<string, string>>
  /** The server's request id (`X-Request-Id`), when it sent one. */
  readonly requestId: string | undefined
  /** The request's method and path, e.g. `POST` and `/images/generate`. */
  readonly method: string
  readonly path: string
}

/** Overrides for the requests of one call. */
export interface CallOptions {
  /** Per-attempt timeout in ms for this call (positive). */
  readonly timeout?: number | undefined
  /** Retries after the first attempt for this call (non-negative integer). */
  readonly maxRetries?: number | undefined
  /**
   * Extra request headers. `Authorization`, `X-Fal-Key`, `X-Replicate-Key`, `X-Runway-Key`,
   * `X-Runpod-Key` and `Idempotency-Key` are refused (`ValidationError`), so auth and BYOK
   * headers are never replaced.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Called with each successful HTTP response of the call (a waiting call makes several). */
  readonly onResponse?: ((response: ResponseInfo) => void) | undefined
}

/** Header names a caller may not set: authentication, BYOK keys, and the idempotency key. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-fal-key",
  "x-replicate-key",
  "x-runway-key",
  "x-runpod-key",
  "idempotency-key"
])

/** The overrides in force for the current fiber (none by default). */
export const currentCallOptions: FiberRef.FiberRef<CallOptions | undefined> = FiberRef.unsafeMake<
  CallOptions | undefined
>(undefined)

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
 
const BAD_VALUE = /[\r\n\u0000]/

const invalid = (field: string, message: string) =>
  Either.left(new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field }))

/**
 * Checks call options (before any request): a positive `timeout`, a non-negative integer
 * `maxRetries`, valid header names and values, no reserved header. Header names come back in
 * lower case.
 */
export const validate = (options: CallOptions): Either.Either<CallOptions, ValidationError> => {
  const { headers, maxRetries, onResponse, timeout } = options
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0)) {
    return invalid("timeout", `timeout must be a positive number of milliseconds, got ${String(timeout)}`)
  }
  if (maxRetries !== undefined && (typeof maxRetries !== "number" || !Number.isInteger(maxRetries) || maxRetries < 0)) {
    return invalid("maxRetries", `maxRetries must be a non-negative integer, got ${String(maxRetries)}`)
  }
  if (onResponse !== undefined && typeof onResponse !== "function") {
    return invalid("onResponse", "onResponse must be a function")
  }
  let lower: Record<string, string> | undefined
  if (headers !== undefined) {
    if (typeof headers !== "object" || headers === null) return invalid("headers", "headers must be an object")
    lower = {}
    for (const name in headers) {
      const value = headers[name]
      const key = name.toLowerCase()
      if (!TOKEN.test(name)) return invalid("headers", `invalid header name ${JSON.stringify(name)}`)
      if (RESERVED_HEADERS.has(key)) {
        return invalid(
          "headers",
          key === "idempotency-key"
            ? "the Idempotency-Key header is set by the client: use the idempotencyKey option"
            : `the ${name} header is set by the client from its configuration and cannot be overridden per call`
        )
      }
      // The value is never echoed: a misplaced secret must not end up in an error message.
      if (typeof value !== "string" || BAD_VALUE.test(value)) {
        return invalid("headers", `header ${name} must be a string without line breaks`)
      }
      lower[key] = value
    }
  }
  return Either.right({
    ...(timeout !== undefined ? { timeout } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(lower !== undefined ? { headers: lower } : {}),
    ...(onResponse !== undefined ? { onResponse } : {})
  })
}

/** Whether `options` sets any call option (so the Promise client can skip the rest). */
export const hasCallOptions = (options: CallOptions | undefined): options is CallOptions =>
  options !== undefined &&
  (options.timeout !== undefined || options.maxRetries !== undefined || options.headers !== undefined ||
    options.onResponse !== undefined)

/**
 * Runs `self` with these call options (checked first: a bad one fails with `ValidationError`
 * before any request). Nested uses combine: the inner options win, headers are merged.
 */
export const withCallOptions: {
  (options: CallOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | ValidationError, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: CallOptions): Effect.Effect<A, E | ValidationError, R>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, options: CallOptions) => {
  const checked = validate(options)
  if (Either.isLeft(checked)) return Effect.fail(checked.left)
  const inner = checked.right
  return FiberRef.getWith(currentCallOptions, (outer) =>
    Effect.locally(
      self,
      currentCallOptions,
      outer === undefined ? inner : {
        ...outer,
        ...inner,
        ...(outer.headers !== undefined && inner.headers !== undefined
          ? { headers: { ...outer.headers, ...inner.headers } }
          : {})
      }
    ))
})
