/**
 * Errors the proxy produces itself, in the Visgate API's envelope (wire contract §4.1):
 * `{"error": CODE, "message": "...", "details": {...}}`.
 */

/** Every error code the proxy can produce on its own (upstream codes pass through untouched). */
export type ProxyErrorCode =
  | "INVALID_PATH"
  | "INVALID_JSON"
  | "UNAUTHORIZED"
  | "ROUTE_NOT_ALLOWED"
  | "ROUTE_NOT_FOUND"
  | "MODEL_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "PROXY_NOT_CONFIGURED"
  | "PROXY_ERROR"
  | "UPSTREAM_UNAVAILABLE"
  | "UPSTREAM_TIMEOUT"

/** The HTTP status the proxy uses for each of its own codes. */
export const PROXY_ERROR_STATUS: Readonly<Record<ProxyErrorCode, number>> = {
  INVALID_PATH: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  ROUTE_NOT_ALLOWED: 403,
  MODEL_NOT_ALLOWED: 403,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  PROXY_NOT_CONFIGURED: 500,
  PROXY_ERROR: 500,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TIMEOUT: 504
}

export interface ErrorEnvelope {
  readonly error: ProxyErrorCode
  readonly message: string
  readonly details: Readonly<Record<string, unknown>>
}

/** Builds a JSON error response in the API's envelope. Never put a credential in `details`. */
export const errorResponse = (
  code: ProxyErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {}
): Response => {
  const body: ErrorEnvelope = { error: code, message, details }
  return new Response(JSON.stringify(body), {
    status: PROXY_ERROR_STATUS[code],
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store"
    }
  })
}
