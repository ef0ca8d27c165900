/**
 * Building the wire request of a call: the headers every request of a client shares (computed
 * once), the query string, a caller's extra headers, and the checks that keep a call from being
 * sent at all (a path segment that resolves elsewhere, an `Idempotency-Key` a header cannot carry).
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import { ValidationError } from "../schemas/Errors.js"
import { checkPathId, headerSafe, NOT_HEADER_SAFE } from "./body.js"
import { isBrowser } from "./runtime.js"
import type { WireRequest } from "./transport.js"
import { USER_AGENT } from "./version.js"

/** Query values; `undefined` and `null` are left out, booleans are sent as `"true"` / `"false"`. */
export type QueryValue = string | number | boolean | undefined | null

/** What of a call the wire request is built from. */
export interface CallShape {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** Path relative to the base URL, starting with `/` (segments already encoded). */
  readonly path: string
  readonly query?: Readonly<Record<string, QueryValue>> | undefined
  /** JSON body (already in wire form). `undefined` means no body and no `Content-Type`. */
  readonly body?: unknown
  /** Extra headers (e.g. `Prefer`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Which base URL: the API (default) or the deployments base. */
  readonly base?: "api" | "deployments" | undefined
}

/** What of the configuration the headers and URLs come from. */
export interface RequestConfig {
  readonly url: string
  readonly deploymentsUrl: string
  readonly proxyUrl?: string | undefined
  readonly apiKey?: Redacted.Redacted<string> | undefined
  readonly byok: {
    readonly fal?: Redacted.Redacted<string> | undefined
    readonly replicate?: Redacted.Redacted<string> | undefined
    readonly runway?: Redacted.Redacted<string> | undefined
    readonly runpod?: Redacted.Redacted<string> | undefined
  }
  readonly getToken?: (() => string | Promise<string>) | undefined
}

const noQuery: ReadonlyArray<readonly [string, string]> = []

const encodeQuery = (
  query: Readonly<Record<string, QueryValue>> | undefined
): ReadonlyArray<readonly [string, string]> => {
  if (query === undefined) return noQuery
  let out: Array<[string, string]> | undefined
  for (const key in query) {
    const value = query[key]
    if (value === undefined || value === null) continue
    ;(out ??= []).push([key, typeof value === "string" ? value : String(value)])
  }
  return out ?? noQuery
}

/** Header names in lower case, as `Headers` keeps them (so a caller's header replaces ours). */
const lowerKeys = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key in headers) out[key.toLowerCase()] = headers[key]!
  return out
}

/** A plain GET of a public URL: no key, no BYOK header, no query. */
export const plainGet = (url: string): WireRequest => ({
  method: "GET",
  url,
  query: noQuery,
  headers: {},
  body: undefined
})

/**
 * A call that must not be sent: a path segment that is empty, `.` or `..` (also percent-encoded),
 * which a URL parser or server would resolve to another endpoint (services check their ids first,
 * naming the argument; this is the net under every call), or an `Idempotency-Key` a header cannot
 * carry.
 */
export const invalidCall = (path: string, key: string | undefined): ValidationError | undefined => {
  const checked = checkPathId("path", path, true)
  if (typeof checked !== "string") return checked
  if (key !== undefined && (key.trim() === "" || !headerSafe(key))) {
    return new ValidationError({
      message: `idempotencyKey${NOT_HEADER_SAFE}`,
      errorCode: "INVALID_ARGUMENT",
      field: "idempotencyKey"
    })
  }
}

/** Every secret of the configuration (its keys), as plain strings: errors are scrubbed of them. */
export const heldSecrets = (config: RequestConfig): Array<string> => {
  const held: Array<string> = []
  for (
    const secret of [config.apiKey, config.byok.fal, config.byok.replicate, config.byok.runway, config.byok.runpod]
  ) {
    if (secret !== undefined) held.push(Redacted.value(secret))
  }
  return held
}

/** The request builder of one client, and the headers its auth starts from. */
export interface Builder {
  /** Headers shared by every request (`accept`, `user-agent`, and the keys unless proxied). */
  readonly baseHeaders: Readonly<Record<string, string>>
  /** The wire request of a call, with its `Idempotency-Key` and a caller's extra headers. */
  readonly build: (
    call: CallShape,
    idempotencyKey: string | undefined,
    extra: Readonly<Record<string, string>> | undefined
  ) => WireRequest
}

/** The builder for a configuration; its shared headers are computed once. */
export const builder = (config: RequestConfig): Builder => {
  const staticHeaders: Record<string, string> = { accept: "application/json" }
  if (!isBrowser()) staticHeaders["user-agent"] = USER_AGENT
  if (config.proxyUrl === undefined) {
    if (config.apiKey !== undefined) staticHeaders.authorization = `Bearer ${Redacted.value(config.apiKey)}`
    const { fal, replicate, runpod, runway } = config.byok
    if (fal !== undefined) staticHeaders["x-fal-key"] = Redacted.value(fal)
    if (replicate !== undefined) staticHeaders["x-replicate-key"] = Redacted.value(replicate)
    if (runway !== undefined) staticHeaders["x-runway-key"] = Redacted.value(runway)
    if (runpod !== undefined) staticHeaders["x-runpod-key"] = Redacted.value(runpod)
  }
  // Plain objects (not `Headers`, whose instances are slow to copy); keys already lower case.
  const baseHeaders: Readonly<Record<string, string>> = staticHeaders
  const jsonHeaders: Readonly<Record<string, string>> = { ...staticHeaders, "content-type": "application/json" }
  const withToken = config.getToken !== undefined
  return {
    baseHeaders,
    build: (call, idempotencyKey, extra) => {
      const root = call.base === "deployments" ? config.deploymentsUrl : config.url
      // Without getToken the auth headers never change, so they go in here, once per call;
      // with it they are merged per attempt (the core's `withAuth`). Request headers win either way.
      const json = call.body !== undefined
      let headers: Readonly<Record<string, string>> = withToken
        ? json ? { "content-type": "application/json" } : {}
        : json
        ? jsonHeaders
        : baseHeaders
      if (call.headers !== undefined || idempotencyKey !== undefined || extra !== undefined) {
        // A caller's extra headers (already checked: never auth, BYOK or the idempotency key).
        headers = { ...headers, ...extra, ...(call.headers !== undefined ? lowerKeys(call.headers) : undefined) }
        if (idempotencyKey !== undefined) (headers as Record<string, string>)["idempotency-key"] = idempotencyKey
      }
      return {
        method: call.method,
        url: root + call.path,
        query: encodeQuery(call.query),
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body)
      }
    }
  }
}
