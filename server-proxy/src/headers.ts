/**
 * Header policy. Requests: allow-list (everything a browser sends is dropped unless listed).
 * Responses: deny-list (upstream headers pass back, minus hop-by-hop, framing, cookies and other
 * origin state, origin-wide policy, reporting, CORS, redirects other than a mapped `Location`, and
 * anything carrying a secret).
 */

/** Request headers forwarded upstream by default. */
export const DEFAULT_FORWARD_HEADERS: ReadonlyArray<string> = [
  "accept",
  "content-type",
  "prefer",
  "idempotency-key",
  "last-event-id"
]

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the legacy ones proxies see in the wild. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade"
])

/** Headers that may never be added to `forwardHeaders`: hop-by-hop, framing and credentials. */
const NEVER_FORWARD: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  "host",
  "content-length",
  "authorization",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip"
])

/**
 * Upstream response headers that are never passed back to the browser. The browser sees the
 * proxy's response as coming from the app's own origin, so a header that acts beyond this one
 * response (on the origin's state, its security policy, or by sending the browser elsewhere)
 * would let the upstream act on the app. Documented in the README ("Response headers").
 */
const DROP_FROM_RESPONSE: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  // The body is re-framed (and already decoded by fetch), so these would lie.
  "content-length",
  "content-encoding",
  // Origin state: cookies belong to the upstream origin; Clear-Site-Data would wipe the app's
  // cookies, storage and cache; Set-Login sets the app's FedCM login status; client-hint
  // preferences (Accept-CH, Critical-CH) persist for the whole origin.
  "set-cookie",
  "set-cookie2",
  "clear-site-data",
  "set-login",
  "accept-ch",
  "accept-ch-lifetime",
  "critical-ch",
  // Origin-wide transport and security policy is the app's decision: HSTS (with
  // includeSubDomains it would bind every subdomain of the app), key pinning, Expect-CT,
  // alternative services (they advertise the upstream host), the app's own CSP.
  "strict-transport-security",
  "public-key-pins",
  "public-key-pins-report-only",
  "expect-ct",
  "alt-svc",
  "origin-agent-cluster",
  "content-security-policy",
  "content-security-policy-report-only",
  // Reporting: the browser would send reports about the app's origin to the upstream's collectors.
  "nel",
  "report-to",
  "reporting-endpoints",
  // Sending the browser elsewhere: Refresh is an open redirect (like an unmapped Location);
  // Link can preload, prefetch or preconnect to any origin, and Speculation-Rules prerender;
  // Service-Worker-Allowed widens a service worker's scope.
  "refresh",
  "link",
  "speculation-rules",
  "service-worker-allowed",
  // The upstream's challenge is about the server's key, not the browser's: a Basic challenge
  // would pop a credential dialog on the app's origin.
  "www-authenticate",
  // Cross-origin exposure is the app's decision (like Access-Control-*, dropped by prefix).
  "timing-allow-origin"
])

/** The names in the response deny-list (lower case), for documentation and tests. */
export const DROPPED_RESPONSE_HEADERS: ReadonlyArray<string> = [...DROP_FROM_RESPONSE]

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

/** Validates and lower-cases `forwardHeaders`, throwing on names that may never be forwarded. */
export const normalizeForwardHeaders = (extra: ReadonlyArray<string>): ReadonlySet<string> => {
  const names = new Set(DEFAULT_FORWARD_HEADERS)
  for (const raw of extra) {
    const name = raw.trim().toLowerCase()
    if (!TOKEN.test(name)) {
      throw new TypeError(`server-proxy: invalid header name in forwardHeaders: ${JSON.stringify(raw)}`)
    }
    if (NEVER_FORWARD.has(name) || name.startsWith("proxy-")) {
      throw new TypeError(
        `server-proxy: ${
          JSON.stringify(raw)
        } can never be forwarded (hop-by-hop, framing or credential header; use keyFromRequest for auth)`
      )
    }
    names.add(name)
  }
  return names
}

/** Tokens listed in a `Connection` header: those headers are hop-by-hop for this message. */
const connectionTokens = (headers: Headers): ReadonlySet<string> =>
  new Set(
    (headers.get("connection") ?? "")
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== "")
  )

/** Builds the upstream request headers: only allow-listed browser headers, plus the Bearer. */
export const upstreamRequestHeaders = (
  incoming: Headers,
  allowed: ReadonlySet<string>,
  bearer: string
): Headers => {
  const dynamicHopByHop = connectionTokens(incoming)
  const out = new Headers()
  incoming.forEach((value, name) => {
    if (allowed.has(name) && !dynamicHopByHop.has(name)) out.set(name, value)
  })
  out.set("authorization", `Bearer ${bearer}`)
  return out
}

/**
 * Filters upstream response headers for the browser. Drops `DROP_FROM_RESPONSE` (hop-by-hop and
 * framing headers, origin state, origin-wide policy, reporting, redirects and prefetching),
 * the headers a `Connection` header names, `access-control-*` (CORS is the app's decision: the
 * upstream allows every origin, and passing that through would let any site spend your key), and
 * any header whose value contains one of `secrets`. `Location` is rewritten from the upstream base
 * onto the proxy prefix, or dropped.
 */
export const downstreamResponseHeaders = (
  upstream: Headers,
  secrets: ReadonlyArray<string>,
  rewriteLocation: (location: string) => string | undefined
): Headers => {
  const dynamicHopByHop = connectionTokens(upstream)
  const out = new Headers()
  upstream.forEach((value, name) => {
    if (DROP_FROM_RESPONSE.has(name) || dynamicHopByHop.has(name) || name.startsWith("access-control-")) return
    if (secrets.some((secret) => value.includes(secret))) return
    if (name === "location") {
      const rewritten = rewriteLocation(value)
      if (rewritten !== undefined) out.set(name, rewritten)
      return
    }
    out.append(name, value)
  })
  return out
}
