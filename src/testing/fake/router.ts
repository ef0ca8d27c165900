/**
 * A tiny router for the fake: method + segment patterns (`:name` captures one segment,
 * `*rest` captures the remainder, slashes included), and the context a handler receives.
 *
 * @internal
 */
import { errorResponse, notFound } from "./http.js"
import type { OrgState } from "./orgs.js"
import type { SseDriver } from "./sse.js"

export interface RouteContext {
  readonly request: Request
  readonly method: string
  readonly url: URL
  /** path relative to the API base */
  readonly path: string
  /** mount prefix the request came in on (e.g. `/api/v1`, `/v1` or `""`) */
  readonly prefix: string
  readonly query: URLSearchParams
  readonly headers: Headers
  readonly now: number
  readonly rawBody: string
  readonly body: unknown
  readonly params: Readonly<Record<string, string>>
  readonly sseDriver: SseDriver
  /** set by the auth step on routes that need a key */
  org: OrgState | undefined
  role: "api-key" | "session" | undefined
  apiKey: string | undefined
}

export type Handler = (ctx: RouteContext) => Response | Promise<Response>

export interface Route {
  readonly method: string
  readonly segments: ReadonlyArray<string>
  readonly auth: boolean
  readonly handler: Handler
  /** SSE responses are never stored for idempotency */
  readonly stream?: boolean
}

export const route = (
  method: string,
  path: string,
  handler: Handler,
  opts: { auth?: boolean; stream?: boolean } = {}
): Route => ({
  method,
  segments: path.split("/").filter((s) => s !== ""),
  auth: opts.auth ?? true,
  handler,
  ...(opts.stream ? { stream: true } : {})
})

/** Matches a path against a route's segments; returns the captured params or undefined. */
export const matchRoute = (segments: ReadonlyArray<string>, path: string): Record<string, string> | undefined => {
  const parts = path.split("/").filter((s) => s !== "")
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    if (seg.startsWith("*")) {
      if (i >= parts.length) return undefined
      params[seg.slice(1)] = parts.slice(i).map(safeDecode).join("/")
      return params
    }
    if (i >= parts.length) return undefined
    if (seg.startsWith(":")) params[seg.slice(1)] = safeDecode(parts[i]!)
    else if (seg !== parts[i]) return undefined
  }
  return parts.length === segments.length ? params : undefined
}

/**
 * The first route for `method` and `path` (`HEAD` also finds `GET` routes) with its params;
 * otherwise 405 `METHOD_NOT_ALLOWED` with `Allow` when the path is known, else 404 `NOT_FOUND`.
 */
export const findRoute = (
  routes: ReadonlyArray<Route>,
  method: string,
  path: string
): { readonly route: Route; readonly params: Record<string, string> } | Response => {
  const allowed: Array<string> = []
  for (const r of routes) {
    const params = matchRoute(r.segments, path)
    if (!params) continue
    if (r.method === method || (method === "HEAD" && r.method === "GET")) return { route: r, params }
    allowed.push(r.method)
  }
  if (allowed.length > 0) {
    const allow = [...new Set(allowed)].join(", ")
    return errorResponse(405, "METHOD_NOT_ALLOWED", `Method ${method} not allowed on ${path}`, { allowed }, { allow })
  }
  return notFound("NOT_FOUND", `No route for ${method} ${path}`, { path })
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Splits a URL path into the mount prefix and the path relative to the API base: routes answer
 * at `<any prefix><basePath>/…`, at `/v1/…` (Deploy API style) and at the root.
 */
export const splitPath = (basePath: string, pathname: string): { path: string; prefix: string } => {
  if (basePath !== "") {
    const i = pathname.indexOf(`${basePath}/`)
    if (i !== -1) return { prefix: pathname.slice(0, i + basePath.length), path: pathname.slice(i + basePath.length) }
    if (pathname.endsWith(basePath)) return { prefix: pathname, path: "/" }
  }
  if (pathname.startsWith("/v1/")) return { prefix: "/v1", path: pathname.slice(3) }
  return { prefix: "", path: pathname === "" ? "/" : pathname }
}
