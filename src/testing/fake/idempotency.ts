/**
 * `Idempotency-Key` of the fake, per organisation: a repeat of the same request replays the
 * stored answer (`Idempotent-Replayed: true`) without running the route; the same key with
 * another request is a 422 `IDEMPOTENCY_KEY_REUSED`. 401, 429 and 5xx answers are not stored.
 *
 * @internal
 */
import { errorResponse } from "./http.js"
import type { RouteContext } from "./router.js"

/** Answers `rc` (which must have an organisation) under idempotency key `key`; `run` runs the route. */
export const idempotent = async (rc: RouteContext, key: string, run: () => Promise<Response>): Promise<Response> => {
  const org = rc.org!
  const fingerprint = `${rc.method} ${rc.path}?${rc.url.searchParams.toString()}\n${rc.rawBody}`
  const stored = org.idempotency.get(key)
  if (stored) {
    if (stored.fingerprint !== fingerprint) {
      const message = "This Idempotency-Key was already used with a different request"
      return errorResponse(422, "IDEMPOTENCY_KEY_REUSED", message, { field: "Idempotency-Key", idempotency_key: key })
    }
    const headers = new Headers(stored.headers as Array<[string, string]>)
    headers.set("idempotent-replayed", "true")
    return new Response(stored.status === 204 ? null : stored.body, { status: stored.status, headers })
  }
  const response = await run()
  if (response.status >= 500 || response.status === 401 || response.status === 429) return response
  const body = await response.text()
  const entry = {
    fingerprint,
    status: response.status,
    headers: [...response.headers.entries()] as Array<[string, string]>,
    body
  }
  org.idempotency.set(key, entry)
  return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers })
}
