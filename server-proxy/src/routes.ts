/**
 * The route allow-list: named route groups over the Visgate API (wire contract §2.0, §3.1) plus
 * explicit `"METHOD /path"` patterns.
 *
 * Pattern syntax: `"<methods> <path>"`.
 * - `<methods>` is one method (`GET`), several joined by `|` (`GET|POST`), or `*` for any method.
 *   `HEAD` requests match wherever `GET` is allowed.
 * - `<path>` starts with `/`. Each segment is a literal (compared with the percent-decoded
 *   request segment), `*` (exactly one segment) or, as the last segment only, `**` (one or more
 *   segments). `GET /models/**` matches `/models/fal-ai/flux/schnell` but not `/models`.
 */

/** Named groups of Visgate API routes. */
export type RouteGroup =
  | "generation"
  | "requests"
  | "models"
  | "health"
  | "usage"
  | "billing"
  | "providers"
  | "account"
  | "deployments"

/** A group name or an explicit `"METHOD /path"` pattern. */
export type RouteRule = RouteGroup | (string & {})

/** The routes behind each group. Every route here is "known": unlisted ones get 403, others 404. */
export const ROUTE_GROUPS: Readonly<Record<RouteGroup, ReadonlyArray<string>>> = {
  generation: ["POST /generate", "POST /images/generate", "POST /videos/generate"],
  requests: ["GET /requests/*"],
  models: ["GET /models", "GET /models/**"],
  health: ["GET /health"],
  usage: ["GET /usage", "GET /usage/logs", "POST /usage/downloads", "GET /dashboard"],
  billing: [
    "GET /billing/stats",
    "GET /billing/info",
    "GET /billing/pricing",
    "POST /billing/checkout",
    "PUT|POST /billing/subscription"
  ],
  providers: [
    "GET /providers/keys",
    "PUT /providers/keys",
    "DELETE /providers/keys/*",
    "POST /providers/validate",
    "GET /providers/balances"
  ],
  account: ["GET /auth/me", "GET /api-keys"],
  deployments: [
    "GET|POST /deployments",
    "GET|DELETE /deployments/*",
    "GET /deployments/*/cost",
    "GET /deployments/*/logs",
    "GET /deployments/*/stream",
    "GET /deployments/*/logs/stream",
    "POST /deployments/*/run"
  ]
}

/** What `allowRoutes` defaults to: generation, request status, the model catalog and health. */
export const DEFAULT_ROUTE_GROUPS: ReadonlyArray<RouteGroup> = ["generation", "requests", "models", "health"]

const isGroup = (rule: string): rule is RouteGroup => Object.prototype.hasOwnProperty.call(ROUTE_GROUPS, rule)

interface CompiledPattern {
  readonly source: string
  readonly methods: ReadonlySet<string> | "*"
  readonly segments: ReadonlyArray<string>
  readonly tail: boolean
}

const METHOD = /^[A-Z]+$/

const compilePattern = (source: string): CompiledPattern => {
  const bad = (why: string) =>
    new TypeError(
      `server-proxy: invalid route pattern ${
        JSON.stringify(source)
      }: ${why}. Use e.g. "GET /models/**" or a route group (${Object.keys(ROUTE_GROUPS).join(", ")})`
    )
  const match = /^(\S+) +(\S+)$/.exec(source.trim())
  if (match === null) throw bad("expected \"<METHOD> <path>\"")
  const [, methodPart, pathPart] = match as unknown as [string, string, string]
  let methods: ReadonlySet<string> | "*"
  if (methodPart === "*") {
    methods = "*"
  } else {
    const list = methodPart.split("|")
    if (!list.every((m) => METHOD.test(m))) throw bad("methods must be upper-case names joined by '|', or '*'")
    methods = new Set(list)
  }
  if (!pathPart.startsWith("/") || pathPart === "/") {
    throw bad("the path must start with '/' and name at least one segment")
  }
  const segments = pathPart.slice(1).split("/")
  let tail = false
  segments.forEach((segment, index) => {
    if (segment === "" || segment === "." || segment === "..") throw bad("empty or dot segments")
    if (segment === "**") {
      if (index !== segments.length - 1) throw bad("'**' is only allowed as the last segment")
      tail = true
    } else if (segment !== "*" && segment.includes("*")) {
      throw bad("'*' must be a whole segment")
    }
  })
  return { source, methods, segments: tail ? segments.slice(0, -1) : segments, tail }
}

const matches = (pattern: CompiledPattern, method: string, segments: ReadonlyArray<string>): boolean => {
  if (pattern.methods !== "*") {
    const effective = method === "HEAD" && !pattern.methods.has("HEAD") ? "GET" : method
    if (!pattern.methods.has(effective)) return false
  }
  if (pattern.tail ? segments.length <= pattern.segments.length : segments.length !== pattern.segments.length) {
    return false
  }
  return pattern.segments.every((p, i) => p === "*" || p === segments[i])
}

/** A compiled set of route rules. */
export interface RouteMatcher {
  /** The pattern that allowed this route, or `undefined`. */
  readonly match: (method: string, segments: ReadonlyArray<string>) => string | undefined
}

/** Expands groups, validates patterns (throwing a `TypeError` on unknown groups or bad patterns). */
export const compileRoutes = (rules: ReadonlyArray<RouteRule>): RouteMatcher => {
  const patterns: Array<CompiledPattern> = []
  for (const rule of rules) {
    if (typeof rule !== "string") throw new TypeError("server-proxy: allowRoutes entries must be strings")
    if (isGroup(rule)) {
      for (const source of ROUTE_GROUPS[rule]) patterns.push(compilePattern(source))
    } else if (/^[a-z-]+$/i.test(rule)) {
      throw new TypeError(
        `server-proxy: unknown route group ${JSON.stringify(rule)}; known groups: ${
          Object.keys(ROUTE_GROUPS).join(", ")
        }`
      )
    } else {
      patterns.push(compilePattern(rule))
    }
  }
  return {
    match: (method, segments) => patterns.find((p) => matches(p, method, segments))?.source
  }
}

/** Every route of every group: the "known API" used to tell 403 (known, not allowed) from 404. */
export const KNOWN_ROUTES: RouteMatcher = compileRoutes(Object.keys(ROUTE_GROUPS) as Array<RouteGroup>)

/** The generation routes, where `allowModels` applies. */
export const GENERATION_MATCHER: RouteMatcher = compileRoutes(["generation"])
