/**
 * The web-standard proxy handler: `(request: Request) => Promise<Response>`.
 */
import { declaredLength, readBodyLimited } from "./body.js"
import { errorResponse, PROXY_ERROR_STATUS, type ProxyErrorCode } from "./errors.js"
import { downstreamResponseHeaders, normalizeForwardHeaders, upstreamRequestHeaders } from "./headers.js"
import { checkApiPath, normalizePrefix, stripPrefix } from "./path.js"
import { compileRoutes, DEFAULT_ROUTE_GROUPS, GENERATION_MATCHER, KNOWN_ROUTES, type RouteRule } from "./routes.js"

/** The `fetch` the proxy uses to reach the upstream. */
export type ProxyFetch = (input: string, init: RequestInit) => Promise<Response>

/** What `onError` receives. It never contains the upstream key or the caller's token. */
export interface ProxyErrorEvent {
  /** The proxy's own error code (also the `error` field of the response body). */
  readonly code: ProxyErrorCode
  /** The HTTP status returned to the caller. */
  readonly status: number
  /** The message returned to the caller. */
  readonly message: string
  readonly method: string
  /** The request path (proxy prefix included), without the query string. */
  readonly path: string
  /** For failures (502, 504, 500): the underlying error's name and message, credentials redacted. */
  readonly cause?: { readonly name: string; readonly message: string }
}

export interface ProxyOptions {
  /**
   * The Visgate API key sent upstream as `Authorization: Bearer`. Defaults to
   * `process.env.VISGATE_API_KEY` (read per request, safely when `process` does not exist) unless
   * `keyFromRequest` is set: then only an explicit `apiKey` is used as the fallback.
   */
  readonly apiKey?: string | undefined
  /** Upstream API base. Default `https://visgateai.com/api/v1`; a trailing slash is stripped. */
  readonly baseUrl?: string | undefined
  /** The path the proxy is mounted on. Default `/api/visgate`. */
  readonly pathPrefix?: string | undefined
  /**
   * Resolves the credential for this request (e.g. `readBearerToken` for the client's `getToken`
   * flow, or a key looked up from a session cookie). A non-empty string is sent upstream as the
   * Bearer instead of `apiKey`; `undefined`/`null`/`""` falls back to an explicit `apiKey`, and
   * without one the caller gets 401.
   */
  readonly keyFromRequest?:
    | ((request: Request) => string | null | undefined | Promise<string | null | undefined>)
    | undefined
  /**
   * Refuses callers. `true` lets the request through, `false` answers 401 `UNAUTHORIZED`, and a
   * `Response` is returned to the caller as is. Runs after the path and route checks.
   */
  readonly authorize?: ((request: Request) => boolean | Response | Promise<boolean | Response>) | undefined
  /**
   * Route groups and `"METHOD /path"` patterns the proxy forwards. Default
   * `["generation", "requests", "models", "health"]`.
   */
  readonly allowRoutes?: ReadonlyArray<RouteRule> | undefined
  /**
   * Models the generation routes may use (the JSON body's `model`). A list of IDs, where an
   * entry ending in `*` matches by prefix (`"fal-ai/*"`), or a predicate. Default: any model.
   */
  readonly allowModels?:
    | ReadonlyArray<string>
    | ((model: string, request: Request) => boolean | Promise<boolean>)
    | undefined
  /** Largest request body accepted, in bytes. Default 1 MiB (1_048_576). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Milliseconds to wait for the upstream's response headers before answering 504. Default
   * 300_000; `0` disables it. A streaming body that has started is not cut off.
   */
  readonly timeout?: number | undefined
  /**
   * Extra request headers to forward, on top of `Accept`, `Content-Type`, `Prefer`,
   * `Idempotency-Key` and `Last-Event-ID` (e.g. `["x-fal-key"]` to let browsers send BYOK keys).
   * Hop-by-hop, framing and credential headers (`authorization`, `cookie`) are refused.
   */
  readonly forwardHeaders?: ReadonlyArray<string> | undefined
  /** The `fetch` used to reach the upstream. Default `globalThis.fetch`. */
  readonly fetch?: ProxyFetch | undefined
  /** Called for every refusal and failure the proxy produces itself. Never receives credentials. */
  readonly onError?: ((event: ProxyErrorEvent) => void) | undefined
}

/**
 * Symbol under which the Node adapter passes the raw request target (`req.url` as received) in
 * the handler's second argument. Not for application code.
 */
export const RAW_TARGET: unique symbol = Symbol.for("@visgate_ai/server-proxy/raw-target")

const rawTargetOf = (context: unknown): string | undefined => {
  if (typeof context !== "object" || context === null) return undefined
  const value = (context as { [RAW_TARGET]?: unknown })[RAW_TARGET]
  return typeof value === "string" ? value : undefined
}

/**
 * A proxy handler: a web-standard request handler that also knows where it is mounted. The
 * optional second argument is ignored (Next.js passes its route context there).
 */
export interface ProxyHandler {
  (request: Request, context?: unknown): Promise<Response>
  /** The normalised mount path (`""` when mounted at the root). */
  readonly pathPrefix: string
}

export const DEFAULT_BASE_URL = "https://visgateai.com/api/v1"
export const DEFAULT_PATH_PREFIX = "/api/visgate"
export const DEFAULT_MAX_BODY_BYTES = 1_048_576
export const DEFAULT_TIMEOUT_MS = 300_000

const envApiKey = (): string | undefined => {
  try {
    const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    const value = proc?.env?.["VISGATE_API_KEY"]
    return typeof value === "string" && value !== "" ? value : undefined
  } catch {
    return undefined
  }
}

const parseBaseUrl = (raw: string): URL => {
  let url: URL
  try {
    url = new URL(raw.replace(/\/+$/, ""))
  } catch {
    throw new TypeError(`server-proxy: baseUrl is not a valid URL: ${JSON.stringify(raw)}`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError("server-proxy: baseUrl must be http(s)")
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new TypeError("server-proxy: baseUrl must not contain credentials, a query or a fragment")
  }
  return url
}

const compileModels = (
  allow: ProxyOptions["allowModels"]
): ((model: string, request: Request) => boolean | Promise<boolean>) | undefined => {
  if (allow === undefined) return undefined
  if (typeof allow === "function") return allow
  const exact = new Set<string>()
  const prefixes: Array<string> = []
  for (const entry of allow) {
    if (typeof entry !== "string" || entry === "") {
      throw new TypeError("server-proxy: allowModels entries must be non-empty strings")
    }
    if (entry.endsWith("*")) prefixes.push(entry.slice(0, -1))
    else exact.add(entry)
  }
  return (model) => exact.has(model) || prefixes.some((p) => model.startsWith(p))
}

const redact = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => acc.split(secret).join("[redacted]"), text)

const describe = (error: unknown, secrets: ReadonlyArray<string>): { name: string; message: string } => {
  const name = error instanceof Error ? error.name : typeof error
  let message: string
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause
    message = cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
  } else {
    message = String(error)
  }
  return { name: redact(name, secrets), message: redact(message, secrets) }
}

const NO_BODY_STATUS: ReadonlySet<number> = new Set([204, 205, 304])

/**
 * Creates the proxy. Options are validated eagerly: a bad `baseUrl`, `pathPrefix`, route
 * pattern, group name or `forwardHeaders` entry throws a `TypeError` here, not per request.
 */
export const createProxyHandler = (options: ProxyOptions = {}): ProxyHandler => {
  const base = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL)
  const basePath = base.pathname === "/" ? "" : base.pathname
  const prefix = normalizePrefix(options.pathPrefix ?? DEFAULT_PATH_PREFIX)
  const routes = compileRoutes(options.allowRoutes ?? DEFAULT_ROUTE_GROUPS)
  const forward = normalizeForwardHeaders(options.forwardHeaders ?? [])
  const allowModel = compileModels(options.allowModels)
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes < 0) {
    throw new TypeError("server-proxy: maxBodyBytes must be a non-negative number")
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS
  if (!(timeout >= 0)) throw new TypeError("server-proxy: timeout must be a non-negative number of milliseconds")
  const keyFromRequest = options.keyFromRequest
  const authorize = options.authorize
  const onError = options.onError
  const explicitKey = options.apiKey !== undefined && options.apiKey !== "" ? options.apiKey : undefined

  const rewriteLocation = (location: string, requestUrl: string): string | undefined => {
    try {
      const target = new URL(location, requestUrl)
      if (target.origin !== base.origin) return undefined
      if (basePath !== "" && !target.pathname.startsWith(basePath + "/")) return undefined
      return prefix + target.pathname.slice(basePath.length) + target.search
    } catch {
      return undefined
    }
  }

  const handler = async (request: Request, context?: unknown): Promise<Response> => {
    const method = request.method.toUpperCase()
    let pathname = "/"
    let search = ""
    const secrets: Array<string> = []
    const envKey = keyFromRequest === undefined ? envApiKey() : undefined
    for (const s of [explicitKey, envKey]) if (s !== undefined) secrets.push(s)

    const fail = (
      code: ProxyErrorCode,
      message: string,
      details: Readonly<Record<string, unknown>> = {},
      cause?: unknown
    ): Response => {
      if (onError !== undefined) {
        const event: ProxyErrorEvent = {
          code,
          status: PROXY_ERROR_STATUS[code],
          message,
          method,
          path: redact(pathname, secrets),
          ...(cause !== undefined ? { cause: describe(cause, secrets) } : {})
        }
        try {
          onError(event)
        } catch {
          // A logging hook must never break the response.
        }
      }
      return errorResponse(code, message, details)
    }

    try {
      const raw = rawTargetOf(context)
      if (raw !== undefined) {
        // The Node adapter hands over the request target exactly as received, before any URL
        // parser could resolve dot segments or backslashes: validate what the client sent.
        const q = raw.indexOf("?")
        pathname = q === -1 ? raw : raw.slice(0, q)
        search = q === -1 ? "" : raw.slice(q)
        if (!pathname.startsWith("/") || pathname.startsWith("//")) {
          pathname = "/"
          return fail("INVALID_PATH", "Refused path: absolute URLs and protocol-relative paths are not allowed", {
            reason: "absolute URLs and protocol-relative paths are not allowed"
          })
        }
      } else {
        const url = new URL(request.url)
        pathname = url.pathname
        search = url.search
      }

      // 1. Where: inside the prefix, a clean path, an allowed route.
      const rawApiPath = stripPrefix(pathname, prefix)
      if (rawApiPath === undefined) {
        return fail("ROUTE_NOT_FOUND", `This proxy only serves paths under ${prefix || "/"}`, {
          method,
          path: pathname
        })
      }
      const checked = checkApiPath(rawApiPath)
      if (!checked.ok) return fail("INVALID_PATH", `Refused path: ${checked.reason}`, { reason: checked.reason })
      const apiPath = checked.raw
      const allowedBy = routes.match(method, checked.segments)
      if (allowedBy === undefined) {
        return KNOWN_ROUTES.match(method, checked.segments) !== undefined
          ? fail("ROUTE_NOT_ALLOWED", `${method} ${apiPath} is not enabled on this proxy (see allowRoutes)`, {
            method,
            path: apiPath
          })
          : fail("ROUTE_NOT_FOUND", `${method} ${apiPath} is not a Visgate API route this proxy knows`, {
            method,
            path: apiPath
          })
      }

      // 2. Who: the authorize hook, then the credential.
      if (authorize !== undefined) {
        const verdict = await authorize(request)
        if (verdict instanceof Response) return verdict
        if (verdict !== true) return fail("UNAUTHORIZED", "This caller is not allowed to use the Visgate proxy")
      }
      let bearer: string
      if (keyFromRequest !== undefined) {
        const fromRequest = await keyFromRequest(request)
        if (typeof fromRequest === "string" && fromRequest !== "") {
          secrets.push(fromRequest)
          bearer = fromRequest
        } else if (explicitKey !== undefined) {
          bearer = explicitKey
        } else {
          return fail("UNAUTHORIZED", "No credentials for this request")
        }
      } else {
        const key = explicitKey ?? envKey
        if (key === undefined) {
          return fail(
            "PROXY_NOT_CONFIGURED",
            "The Visgate proxy has no API key: set VISGATE_API_KEY on the server or pass apiKey"
          )
        }
        bearer = key
      }

      // 3. What: a bounded body, and an allowed model on generation routes.
      let body: Uint8Array<ArrayBuffer> | undefined
      if (method !== "GET" && method !== "HEAD" && request.body !== null) {
        const declared = declaredLength(request.headers)
        if (declared !== undefined && declared > maxBodyBytes) {
          await request.body.cancel().catch(() => undefined)
          return fail("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBodyBytes} bytes`, {
            max_bytes: maxBodyBytes,
            content_length: declared
          })
        }
        const read = await readBodyLimited(request.body, maxBodyBytes)
        if (!read.ok) {
          return fail("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBodyBytes} bytes`, { max_bytes: maxBodyBytes })
        }
        body = read.bytes
      }
      if (allowModel !== undefined && GENERATION_MATCHER.match(method, checked.segments) !== undefined) {
        let parsed: unknown
        try {
          parsed = JSON.parse(new TextDecoder().decode(body ?? new Uint8Array()))
        } catch {
          return fail("INVALID_JSON", "The request body must be a JSON object with a \"model\" field")
        }
        const model = typeof parsed === "object" && parsed !== null ? (parsed as { model?: unknown }).model : undefined
        if (typeof model !== "string" || !(await allowModel(model, request))) {
          return fail(
            "MODEL_NOT_ALLOWED",
            typeof model === "string" ? `Model ${model} is not allowed on this proxy` : "A \"model\" field is required",
            {
              model: typeof model === "string" ? model : null
            }
          )
        }
      }

      // 4. Forward, only ever to the configured origin.
      const target = new URL(base.href.replace(/\/+$/, "") + apiPath + search)
      // The URL parser must not have changed the validated path in any way (no dot segment
      // resolution, no re-encoding): the upstream gets exactly what the allow-list matched.
      if (target.origin !== base.origin || target.pathname !== basePath + apiPath) {
        return fail("INVALID_PATH", "Refused path: it does not resolve under the upstream base", {})
      }
      const controller = new AbortController()
      const signal = (request as { signal?: AbortSignal }).signal
      if (signal !== undefined) {
        if (signal.aborted) controller.abort()
        else signal.addEventListener("abort", () => controller.abort(), { once: true })
      }
      let timedOut = false
      const timer = timeout > 0 ?
        setTimeout(() => {
          timedOut = true
          controller.abort()
        }, timeout) :
        undefined
      const fetchImpl: ProxyFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
      let upstream: Response
      try {
        const init: RequestInit & { duplex?: "half" } = {
          method,
          headers: upstreamRequestHeaders(request.headers, forward, bearer),
          redirect: "manual",
          signal: controller.signal
        }
        if (body !== undefined) init.body = body
        upstream = await fetchImpl(target.href, init)
      } catch (error) {
        if (timedOut) {
          return fail("UPSTREAM_TIMEOUT", `The Visgate API did not answer within ${timeout} ms`, {
            timeout_ms: timeout
          }, error)
        }
        return fail("UPSTREAM_UNAVAILABLE", "Could not reach the Visgate API", {}, error)
      } finally {
        if (timer !== undefined) clearTimeout(timer)
      }

      const status = upstream.status
      if (status < 200 || status > 599) {
        await upstream.body?.cancel().catch(() => undefined)
        return fail("UPSTREAM_UNAVAILABLE", "The Visgate API returned an unusable response", { status })
      }
      const headers = downstreamResponseHeaders(
        upstream.headers,
        secrets,
        (location) => rewriteLocation(location, target.href)
      )
      if ((headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream")) {
        // Ask buffering reverse proxies (nginx and friends) to let events through one by one.
        headers.set("x-accel-buffering", "no")
      }
      const withoutBody = method === "HEAD" || NO_BODY_STATUS.has(status)
      if (withoutBody) await upstream.body?.cancel().catch(() => undefined)
      return new Response(withoutBody ? null : upstream.body, { status, statusText: upstream.statusText, headers })
    } catch (error) {
      return fail("PROXY_ERROR", "The Visgate proxy failed to handle this request", {}, error)
    }
  }

  return Object.assign(handler, { pathPrefix: prefix }) as ProxyHandler
}

/** The HTTP methods `createRouteHandlers` exports. */
export type RouteHandlers = Readonly<Record<"GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE", ProxyHandler>>

/**
 * One handler under every method name, for a Next.js App Router catch-all route:
 * `export const { GET, POST, PUT, DELETE } = createRouteHandlers({ ... })`.
 */
export const createRouteHandlers = (options: ProxyOptions = {}): RouteHandlers => {
  const handler = createProxyHandler(options)
  return { GET: handler, HEAD: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler }
}
