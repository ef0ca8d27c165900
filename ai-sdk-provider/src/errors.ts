/**
 * Visgate client errors as the AI SDK's error types, so `generateImage` / `experimental_generateVideo`
 * retry exactly what is worth retrying and callers can use `APICallError.isInstance(err)`.
 */
import { APICallError, InvalidArgumentError, InvalidResponseDataError, LoadAPIKeyError } from "@ai-sdk/provider"
import { isVisgateError } from "@visgate_ai/client"

/**
 * HTTP statuses our client itself retries (its `RETRYABLE_STATUSES`): an `APICallError` with one of
 * them is `isRetryable`, so the AI SDK's own retry loop agrees with the client's policy.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** Where a failed call went and what it asked for (never a secret: keys travel only in headers). */
export interface CallContext {
  readonly url: string
  readonly requestBodyValues: unknown
}

/** An `AbortError` (ours, `fetch`'s or a `DOMException`): passed through untouched, as the AI SDK expects. */
export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error.name === "ResponseAborted")

const definedEntries = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))

/**
 * Maps an error from `@visgate_ai/client` to the AI SDK's types:
 *
 * - HTTP errors (`RateLimitError`, `ProviderError`, `AuthenticationError` 401, server `ValidationError`
 *   422, other `VisgateError`s) and `ConnectionError` / `TimeoutError` → `APICallError`, `isRetryable`
 *   for 408/429/5xx, connection failures and timeouts (the statuses the client retries itself);
 *   `RateLimitError.retryAfter` becomes a `retry-after` response header the AI SDK's backoff honours.
 * - Missing credentials (raised before any request) → `LoadAPIKeyError`.
 * - An argument rejected before any request → `InvalidArgumentError` (`argument` is the field).
 * - A malformed response (`DecodeError`) → `InvalidResponseDataError`.
 * - A failed async generation or a wait deadline → `APICallError`, not retryable (a retry would pay again).
 * - `AbortError` and anything that is not a Visgate error → unchanged.
 */
export const toAISDKError = (error: unknown, context: CallContext): unknown => {
  if (isAbortError(error) || !isVisgateError(error)) return error
  const statusCode = error.statusCode
  switch (error._tag) {
    case "AuthenticationError":
      if (statusCode === undefined) return new LoadAPIKeyError({ message: error.message })
      break
    case "ValidationError":
      if (statusCode === undefined) {
        return new InvalidArgumentError({
          argument: error.field ?? "options",
          message: error.message,
          cause: error
        })
      }
      break
    case "DecodeError":
      return new InvalidResponseDataError({
        data: definedEntries({ endpoint: error.endpoint, field: error.field, requestId: error.requestId }),
        message: error.message
      })
  }
  const retryAfter = error._tag === "RateLimitError" ? error.retryAfter : undefined
  const isRetryable = statusCode !== undefined
    ? RETRYABLE_STATUSES.has(statusCode)
    : error._tag === "ConnectionError" || error._tag === "TimeoutError"
  const responseHeaders = definedEntries({
    "retry-after": retryAfter !== undefined ? String(retryAfter) : undefined,
    "x-request-id": error.requestId
  }) as Record<string, string>
  return new APICallError({
    message: error.message,
    url: context.url,
    requestBodyValues: context.requestBodyValues,
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(Object.keys(responseHeaders).length > 0 ? { responseHeaders } : {}),
    cause: error,
    isRetryable,
    data: definedEntries({
      errorCode: error.errorCode,
      type: error._tag,
      details: error.details,
      requestId: error.requestId,
      provider: error._tag === "ProviderError" ? error.provider : undefined,
      field: error._tag === "ValidationError" ? error.field : undefined,
      retryAfter
    })
  })
}

/** Runs a client call, rethrowing its failure as the AI SDK's error type. */
export const mapErrors = async <A>(context: CallContext, f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (error) {
    throw toAISDKError(error, context)
  }
}
