/**
 * Small helpers to build wire responses for the fake Visgate API.
 *
 * @internal
 */

/** JSON response with the given status. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers }
  })

/** The error envelope both services document: `{error, message, details}`. */
export const errorResponse = (
  status: number,
  error: string,
  message: string,
  details: Record<string, unknown> = {},
  headers?: Record<string, string>
): Response => json(status, { error, message, details }, headers)

/** 422 `VALIDATION_ERROR` with `details.field`. */
export const validationError = (field: string, message: string): Response =>
  errorResponse(422, "VALIDATION_ERROR", message, { field })

export const notFound = (error: string, message: string, details: Record<string, unknown> = {}): Response =>
  errorResponse(404, error, message, details)

/** Thrown inside route handlers to short-circuit with a response. */
export class HttpFailure {
  constructor(readonly response: Response) {}
}

export const fail = (response: Response): never => {
  throw new HttpFailure(response)
}

export const failValidation = (field: string, message: string): never => fail(validationError(field, message))

/** ISO timestamp in the main API's live form: microseconds and `+00:00`. */
export const isoMain = (ms: number): string => {
  const iso = new Date(ms).toISOString() // 2026-02-10T15:26:01.772Z
  return `${iso.slice(0, 23)}000+00:00`
}

/** ISO timestamp in the Deploy API's (Pydantic v2) form: `Z`, fraction only when non-zero. */
export const isoDeploy = (ms: number): string => {
  const iso = new Date(ms).toISOString()
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso
}

export const round = (value: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/** Lower-cased plain object of the headers. */
export const headersToObject = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value
  })
  return out
}

/** An `AbortError` the way `fetch` reports one. */
export const abortError = (reason?: unknown): Error => {
  if (reason instanceof Error && reason.name === "AbortError") return reason
  return new DOMException("This operation was aborted", "AbortError")
}

/** Resolves after `ms` real milliseconds, or rejects with an `AbortError` when `signal` aborts. */
export const sleepAbortable = (ms: number, signal: AbortSignal | null | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal?.reason))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/** Never resolves; rejects with an `AbortError` when `signal` aborts. */
export const hangUntilAborted = (signal: AbortSignal | null | undefined): Promise<never> =>
  new Promise((_, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason))
    signal?.addEventListener("abort", () => reject(abortError(signal.reason)), { once: true })
  })
