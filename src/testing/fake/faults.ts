/**
 * Fault injection for the fake Visgate API: scripted per route ("the next N calls of
 * `POST /images/generate`") or as a seeded rate. Faults apply over every transport:
 * the in-memory `fetch`, the Effect `HttpClient` layer and the loopback HTTP server.
 */
import { Prng } from "./random.js"

/** How a status fault's body is written. */
export type FaultBodyType = "json" | "text" | "html" | "empty"

/**
 * What happens to a request a rule matches.
 *
 * - `status` (the default kind): answer with `status` and a body instead of running the route.
 *   `body` may be any JSON value or a string; without one, `bodyType` picks a default:
 *   `json` (the error envelope, the default), `text` ("Internal Server Error"-style),
 *   `html` (a proxy's error page) or `empty`.
 * - `rateLimit`: 429 with `Retry-After` (`retryAfter` in seconds, a `Date` sent as an HTTP date,
 *   or a raw header string; default 1 second) and the Deploy API's `RATE_LIMIT_EXCEEDED` envelope.
 * - `latency`: wait `ms` before handling the request normally (real timers on `fetch` and the
 *   server; `Effect.sleep`, so `TestClock`, on the Effect layer).
 * - `hang`: never answer; ends only when the caller aborts (or the server is closed).
 * - `reset`: drop the connection without answering (`fetch` rejects with `TypeError: fetch failed`,
 *   the Effect layer fails with a transport `RequestError`, the server destroys the socket).
 * - `truncatedJson`: run the route, then send only the first half of its JSON body.
 * - `malformedJson`: run the route, then send a body that is not valid JSON under
 *   `content-type: application/json`.
 *
 * `truncatedJson` and `malformedJson` run the route, so its side effects (billing, jobs) happen,
 * as when a real response is damaged on the way back.
 */
export type Fault =
  | {
    readonly kind?: "status"
    readonly status: number
    readonly body?: unknown
    readonly bodyType?: FaultBodyType
    readonly headers?: Readonly<Record<string, string>>
  }
  | { readonly kind: "rateLimit"; readonly retryAfter?: number | Date | string; readonly body?: unknown }
  | { readonly kind: "latency"; readonly ms: number }
  | { readonly kind: "hang" }
  | { readonly kind: "reset" }
  | { readonly kind: "truncatedJson"; readonly status?: number }
  | { readonly kind: "malformedJson"; readonly status?: number }

export type FaultKind = NonNullable<Fault["kind"]>

/**
 * A fault rule.
 *
 * `route` is `"METHOD /path"`, `"/path"` (any method) or `"*"` (everything, the default). Paths
 * are relative to the API base (`/images/generate`, not `/api/v1/images/generate`); a `*` or
 * `:name` segment matches one segment and a trailing `**` matches the rest, e.g.
 * `"GET /requests/*"` or `"GET /deployments/**"`. The method may be `*`.
 *
 * `times` limits how many requests the rule hits. `rate` (0..1) makes each matching request hit
 * with that probability, drawn from the fake's seeded generator. With neither, the rule hits
 * **once**. With `rate` and no `times`, it stays until removed.
 */
export interface FaultRule {
  readonly route?: string
  readonly times?: number
  readonly rate?: number
  readonly fault: Fault
}

export interface FaultRuleInfo {
  readonly id: string
  readonly route: string
  readonly remaining: number
  readonly rate: number | undefined
  readonly fault: Fault
}

interface ActiveRule {
  readonly id: string
  readonly method: string
  readonly segments: ReadonlyArray<string>
  readonly route: string
  remaining: number
  readonly rate: number | undefined
  readonly fault: Fault
}

const parseRoute = (route: string): { method: string; segments: ReadonlyArray<string> } => {
  const trimmed = route.trim()
  if (trimmed === "" || trimmed === "*") return { method: "*", segments: ["**"] }
  const space = trimmed.indexOf(" ")
  const [method, path] = space === -1
    ? trimmed.startsWith("/") ? ["*", trimmed] : [trimmed, "/**"]
    : [trimmed.slice(0, space), trimmed.slice(space + 1).trim()]
  const segments = path.split("/").filter((s) => s !== "")
  return { method: method.toUpperCase(), segments: segments.length === 0 ? [] : segments }
}

/** Does a path (relative to the API base) match the pattern segments? */
export const matchPattern = (pattern: ReadonlyArray<string>, path: string): boolean => {
  const segs = path.split("/").filter((s) => s !== "")
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!
    if (p === "**") return true
    if (i >= segs.length) return false
    if (p === "*" || p.startsWith(":")) continue
    if (p !== segs[i]) return false
  }
  return pattern.length === segs.length
}

/** Scripted and rate-based faults of one fake. */
export class FaultController {
  private rules: Array<ActiveRule> = []
  private counter = 0
  private rng: Prng

  constructor(private readonly seed: number) {
    this.rng = new Prng(seed ^ 0x5f3759df)
  }

  /** Adds a rule and returns its id. Rules are checked in the order they were added. */
  add(rule: FaultRule): string {
    const route = rule.route ?? "*"
    const { method, segments } = parseRoute(route)
    const id = `fault_${++this.counter}`
    this.rules.push({
      id,
      method,
      segments,
      route,
      remaining: rule.times ?? (rule.rate === undefined ? 1 : Number.POSITIVE_INFINITY),
      rate: rule.rate,
      fault: rule.fault
    })
    return id
  }

  remove(id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }

  /** Removes every rule and restarts the seeded rate generator. */
  clear(): void {
    this.rules = []
    this.rng = new Prng(this.seed ^ 0x5f3759df)
  }

  list(): ReadonlyArray<FaultRuleInfo> {
    return this.rules.map((r) => ({ id: r.id, route: r.route, remaining: r.remaining, rate: r.rate, fault: r.fault }))
  }

  /** @internal Picks (and consumes) the fault for a request, if any rule hits. */
  take(method: string, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue
      if (rule.method !== "*" && rule.method !== method.toUpperCase()) continue
      if (!matchPattern(rule.segments, path)) continue
      if (rule.rate !== undefined && !(this.rng.next() < rule.rate)) continue
      rule.remaining--
      if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule)
      return rule.fault
    }
    return undefined
  }
}

const statusText: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

const codeFor = (status: number): string =>
  status === 502
    ? "PROVIDER_ERROR"
    : status === 503
    ? "SERVICE_UNAVAILABLE"
    : status === 504
    ? "GATEWAY_TIMEOUT"
    : status >= 500
    ? "INTERNAL_ERROR"
    : status === 400
    ? "BAD_REQUEST"
    : status === 401
    ? "AUTHENTICATION_ERROR"
    : status === 404
    ? "NOT_FOUND"
    : `HTTP_${status}`

/** Retry-After header value for a rate-limit fault. */
export const retryAfterHeader = (value: number | Date | string | undefined): string =>
  value === undefined
    ? "1"
    : value instanceof Date
    ? value.toUTCString()
    : typeof value === "number"
    ? String(value)
    : value

/** The response a `status` or `rateLimit` fault answers with. */
export const faultResponse = (fault: Fault): Response | undefined => {
  if (fault.kind === undefined || fault.kind === "status") {
    const status = fault.status
    const text = statusText[status] ?? "Error"
    const headers: Record<string, string> = { ...fault.headers }
    const type = fault.bodyType ?? (typeof fault.body === "string" ? "text" : "json")
    if (type === "empty" || status === 204 || status === 304) {
      return new Response(null, { status, headers })
    }
    if (fault.body !== undefined) {
      const isString = typeof fault.body === "string"
      const contentType = type === "html"
        ? "text/html; charset=utf-8"
        : type === "text"
        ? "text/plain; charset=utf-8"
        : "application/json"
      return new Response(isString ? (fault.body as string) : JSON.stringify(fault.body), {
        status,
        headers: { "content-type": contentType, ...headers }
      })
    }
    if (type === "html") {
      return new Response(
        `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n` +
          `<center><h1>${status} ${text}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`,
        { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } }
      )
    }
    if (type === "text") {
      return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } })
    }
    const code = codeFor(status)
    return new Response(
      JSON.stringify({
        error: code,
        message: `Injected fault: ${status} ${text}`,
        details: code === "PROVIDER_ERROR" ? { provider: "fal" } : {}
      }),
      { status, headers: { "content-type": "application/json", ...headers } }
    )
  }
  if (fault.kind === "rateLimit") {
    const header = retryAfterHeader(fault.retryAfter)
    const seconds = typeof fault.retryAfter === "number"
      ? fault.retryAfter
      : fault.retryAfter instanceof Date
      ? null
      : Number(header)
    const body = fault.body ?? {
      error: "RATE_LIMIT_EXCEEDED",
      message: "Rate limit exceeded. Try again later.",
      details: { retry_after_seconds: seconds !== null && Number.isFinite(seconds) ? seconds : null }
    }
    return new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status: 429,
      headers: {
        "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
        "retry-after": header
      }
    })
  }
  return undefined
}

/** Damages a real response for `truncatedJson` / `malformedJson` faults. */
export const damageResponse = async (fault: Fault, response: Response): Promise<Response> => {
  if (fault.kind !== "truncatedJson" && fault.kind !== "malformedJson") return response
  const text = await response.text()
  const status = fault.status ?? response.status
  const headers = new Headers(response.headers)
  headers.set("content-type", "application/json")
  headers.delete("content-length")
  const body = fault.kind === "truncatedJson"
    ? (text.length > 1 ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : "{\"")
    : `{"error": 'not json', "status": completed,, ${text.slice(0, 40)}`
  return new Response(body, { status, headers })
}

/** The error `fetch` (undici) rejects with when the connection is reset. */
export const connectionResetError = (): TypeError => {
  const cause = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", errno: -104, syscall: "read" })
  return new TypeError("fetch failed", { cause })
}
