/**
 * The one place that maps failures to the typed errors of `schemas/Errors.ts`: an HTTP status
 * failure (401, 422, 429, provider errors, anything else) from the error envelope the API sends,
 * what is left after the retries (timeouts, connection errors, invalid URLs), and a schema
 * failure (a `DecodeError` naming the first offending field). `VisgateClient` calls it once per
 * logical call, after the retries of `RetryPolicy.ts`.
 *
 * Error envelopes read: `{error, message, details}`, FastAPI's `{detail: [...]}` and
 * `{detail: "..." | {error, message}}`; a body that is not JSON is summarised into the message.
 *
 * @since 0.1.0
 */
import type * as Headers from "@effect/platform/Headers"
import type * as ParseResult from "effect/ParseResult"
import { MAX_JSON_DEPTH, parseJson } from "../internal/plain.js"
import { describeParseError } from "../internal/schema.js"
import type { HttpStatusFailure, RawFailure } from "../internal/transport.js"
import {
  AuthenticationError,
  ConnectionError,
  DecodeError,
  isVisgateError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  VisgateError
} from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { parseRetryAfterMs } from "./RetryPolicy.js"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const safeJson = (text: string): unknown => {
  if (text.trim() === "") return undefined
  try {
    return parseJson(text)
  } catch {
    return undefined
  }
}

/**
 * A body (an HTML error page, say) as one line: tags dropped, whitespace collapsed, at most 300
 * characters kept, from the first 16 KB. Linear: a tag match cannot cross a `<`, so each
 * character is scanned at most twice.
 */
export const summarizeText = (text: string): string => {
  const plain = text.slice(0, 16_384).replace(/<[^<>]*>/g, " ").replace(/\s+/g, " ").trim()
  return plain.length > 300 ? `${plain.slice(0, 300)}...` : plain
}

/** What a secret becomes in an error. */
export const REDACTED = "<redacted>"

const scrubValue = (value: unknown, secrets: ReadonlyArray<string>, depth: number): unknown => {
  if (typeof value === "string") {
    for (const secret of secrets) value = (value as string).split(secret).join(REDACTED)
    return value
  }
  if (typeof value !== "object" || value === null) return value
  if (depth > MAX_JSON_DEPTH) return REDACTED
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (key !== "__proto__") {
      out[scrubValue(key, secrets, 0) as string] = scrubValue(
        (value as Record<string, unknown>)[key],
        secrets,
        depth + 1
      )
    }
  }
  return out
}

/**
 * The one scrub: `error` rebuilt (stack included) with every secret the client holds (`secrets`:
 * its keys, `getToken` results, a key being stored) replaced by `<redacted>` in its message and
 * every other field (`details` deeply, keys included), so neither the message, `String(err)`,
 * `JSON.stringify(err)` nor `util.inspect(err)` can show one.
 */
export const scrubError = <E>(error: E, secrets: ReadonlyArray<string>): E => {
  if (secrets.length === 0 || !isVisgateError(error)) return error
  const props = scrubValue({ ...error, message: error.message }, secrets, 0) as Record<string, unknown>
  delete props._tag
  return new (error.constructor as new(props: unknown) => E)(props)
}

interface Envelope {
  readonly code: string | undefined
  readonly message: string | undefined
  readonly details: Record<string, unknown>
  readonly field: string | undefined
}

/** Reads `{error, message, details}`, FastAPI's `{detail: [...]}` and `{detail: "..." | {error, message}}`. */
const readEnvelope = (json: unknown): Envelope => {
  if (!isRecord(json)) return { code: undefined, message: undefined, details: {}, field: undefined }
  const details = isRecord(json.details) ? json.details : {}
  let code = typeof json.error === "string" ? json.error : undefined
  let message = typeof json.message === "string" ? json.message : undefined
  let field = typeof details.field === "string" ? details.field : undefined
  const detail = json.detail
  if (Array.isArray(detail) && detail.length > 0 && isRecord(detail[0])) {
    const first = detail[0]
    if (Array.isArray(first.loc)) {
      const loc = first.loc.filter((p) => p !== "body" && p !== "query" && p !== "path")
      if (field === undefined && loc.length > 0) field = String(loc[loc.length - 1])
    }
    if (message === undefined && typeof first.msg === "string") {
      message = field !== undefined ? `${field}: ${first.msg}` : first.msg
    }
  } else if (typeof detail === "string") {
    message ??= detail
  } else if (isRecord(detail)) {
    if (code === undefined && typeof detail.error === "string") code = detail.error
    if (message === undefined && typeof detail.message === "string") message = detail.message
  }
  return { code, message, details, field }
}

const requestIdOf = (headers: Headers.Headers): string | undefined =>
  headers["x-request-id"] ?? headers["request-id"] ?? headers["x-visgate-request-id"]

/** Maps an HTTP status failure to the typed error hierarchy. */
export const fromHttpFailure = (failure: HttpStatusFailure, now: number, endpoint = "The request"): VisgateApiError => {
  const { headers, status, text } = failure
  if (status < 400) {
    return new VisgateError({
      message: `${endpoint}: redirect (HTTP ${status}) to ${
        summarizeText(headers.location ?? "?")
      } not followed; set baseUrl to the final URL`,
      errorCode: "UNEXPECTED_REDIRECT",
      statusCode: status
    })
  }
  const json = safeJson(text)
  const env = readEnvelope(json)
  const fallbackMessage = json === undefined && text.trim() !== ""
    ? `HTTP ${status}: ${summarizeText(text)}`
    : `HTTP ${status}`
  const requestId = requestIdOf(headers)
  const base = {
    statusCode: status,
    details: env.details,
    ...(requestId !== undefined ? { requestId } : {})
  }
  if (status === 401) {
    return new AuthenticationError({
      ...base,
      message: env.message ?? "Invalid or missing API key",
      errorCode: env.code ?? "AUTHENTICATION_ERROR"
    })
  }
  if (status === 422) {
    return new ValidationError({
      ...base,
      message: env.message ?? fallbackMessage,
      errorCode: env.code ?? "VALIDATION_ERROR",
      ...(env.field !== undefined ? { field: env.field } : {})
    })
  }
  if (status === 429) {
    const fromHeader = parseRetryAfterMs(headers["retry-after"], now)
    const fromBody = typeof env.details.retry_after_seconds === "number" ? env.details.retry_after_seconds : undefined
    const retryAfter = fromHeader !== undefined ? Math.round(fromHeader / 100) / 10 : fromBody
    return new RateLimitError({
      ...base,
      message: env.message ?? "Rate limit exceeded",
      errorCode: env.code ?? "RATE_LIMIT_ERROR",
      ...(retryAfter !== undefined ? { retryAfter } : {})
    })
  }
  const code = env.code ?? (json === undefined ? `HTTP_${status}` : "UNKNOWN_ERROR")
  const message = env.message ?? fallbackMessage
  if (code.includes("PROVIDER")) {
    return new ProviderError({
      ...base,
      message,
      errorCode: code,
      provider: typeof env.details.provider === "string" ? env.details.provider : "unknown"
    })
  }
  return new VisgateError({ ...base, message, errorCode: code })
}

const causeMessage = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause
    const innerText = inner instanceof Error ? `: ${inner.message}` : ""
    return `${cause.message}${innerText}`
  }
  return String(cause)
}

/** Maps whatever is left after the retries to the typed error hierarchy. */
export const toVisgateError = (
  failure: RawFailure | VisgateApiError,
  attempts: number,
  endpoint: string,
  now: number
): VisgateApiError => {
  switch (failure._tag) {
    case "HttpStatusFailure":
      return fromHttpFailure(failure, now, endpoint)
    case "AttemptTimeout":
      return new TimeoutError({
        message: `${endpoint} timed out after ${failure.timeoutMs} ms (${attempts} attempt${
          attempts === 1 ? "" : "s"
        })`,
        errorCode: "TIMEOUT_ERROR",
        attempts
      })
    case "TransportFailure":
      if (failure.reason === "InvalidUrl") {
        return new ValidationError({
          message: `Invalid request URL for ${endpoint}: ${causeMessage(failure.cause)}. Check baseUrl / proxyUrl.`,
          errorCode: "INVALID_OPTION",
          field: "baseUrl"
        })
      }
      return new ConnectionError({
        message: `Could not reach the Visgate API for ${endpoint} after ${attempts} attempt${
          attempts === 1 ? "" : "s"
        }: ${causeMessage(failure.cause)}`,
        errorCode: "CONNECTION_ERROR",
        attempts
      })
    default:
      return failure
  }
}

/** Turns a schema failure into a `DecodeError` naming the first offending field. */
export const toDecodeError = (error: ParseResult.ParseError, endpoint: string): DecodeError => {
  const { field, issues, what } = describeParseError(error)
  return new DecodeError({
    message: `Unexpected response from ${endpoint}: ${what}`,
    errorCode: "DECODE_ERROR",
    endpoint,
    ...(field !== undefined ? { field } : {}),
    details: { issues }
  })
}

/** `getToken()` threw or rejected. */
export const tokenFailed = (cause: unknown): AuthenticationError =>
  new AuthenticationError({ message: `getToken() failed: ${causeMessage(cause)}`, errorCode: "TOKEN_ERROR" })

/** `getToken()` did not settle within the per-attempt timeout. */
export const tokenTimedOut = (timeoutMs: number): AuthenticationError =>
  new AuthenticationError({ message: `getToken() did not settle within ${timeoutMs} ms`, errorCode: "TOKEN_ERROR" })

/** A successful response whose body is not JSON. */
export const notJson = (endpoint: string, statusCode: number, text: string): DecodeError =>
  new DecodeError({
    message: `Unexpected response from ${endpoint}: body is not valid JSON (${summarizeText(text)})`,
    errorCode: "DECODE_ERROR",
    endpoint,
    statusCode
  })

/** A streaming response (server-sent events) broke after it started. */
export const streamBroken = (endpoint: string, cause: unknown): ConnectionError =>
  new ConnectionError({
    message: `The response stream of ${endpoint} broke: ${causeMessage(cause)}`,
    errorCode: "CONNECTION_ERROR",
    attempts: 1
  })
