/**
 * Path handling: split `<pathPrefix>/<api path>` and refuse every path that could make the
 * upstream resolve something other than what the allow-list saw.
 */

export type PathCheck =
  | { readonly ok: true; readonly raw: string; readonly segments: ReadonlyArray<string> }
  | { readonly ok: false; readonly reason: string }

const refuse = (reason: string): PathCheck => ({ ok: false, reason })

// Characters a segment may carry as is: RFC 3986 `pchar` without `;` (path parameters, which
// Tomcat, Jetty, Spring and others strip: `..;` would become `..`) and with `%` only as an escape.
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,=:@%]*$/
// Characters an escape may stand for: the reserved ones a client has to encode (`encodeURIComponent`
// encodes `:`, `@`, `$`, `&`, `+`, `,`, `=`). Unreserved characters (`%2e`, `%41`) must not be
// escaped at all (stacks disagree on whether `%2e%2e` is `..`), and nothing else (`/`, `\`, `;`,
// `%`, `?`, `#`, space, controls, non-ASCII) may appear in a segment in any form.
const ESCAPABLE = /^[!$&'()*+,=:@]$/
const UNRESERVED = /^[A-Za-z0-9\-._~]$/
// A first segment that looks like a URL scheme (`http:`, `javascript:`).
const SCHEME = /^[a-z][a-z0-9+.-]*(:|%3a)/i

/**
 * Normalises a configured path prefix: leading slash, no trailing slash; `"/"` and `""` mean
 * "the whole server". Throws on prefixes that are not plain paths.
 */
export const normalizePrefix = (prefix: string): string => {
  if (prefix === "" || prefix === "/") return ""
  if (
    !prefix.startsWith("/") || prefix.startsWith("//") || /[?#\\\s%;]/.test(prefix) ||
    prefix.split("/").some((segment) => /^\.+$/.test(segment))
  ) {
    throw new TypeError(
      `server-proxy: pathPrefix must be a plain absolute path such as "/api/visgate", got ${JSON.stringify(prefix)}`
    )
  }
  return prefix.replace(/\/+$/, "")
}

/**
 * Returns the raw API path after the prefix (`""` when the path is the prefix itself), or
 * `undefined` when the path is outside the prefix.
 */
export const stripPrefix = (rawPathname: string, prefix: string): string | undefined => {
  if (prefix === "") return rawPathname
  if (rawPathname === prefix) return ""
  if (rawPathname.startsWith(prefix + "/")) return rawPathname.slice(prefix.length)
  return undefined
}

/** Why a raw segment is refused, or its decoded value. */
const checkSegment = (
  raw: string
): { readonly ok: true; readonly decoded: string } | { readonly ok: false; readonly reason: string } => {
  if (raw === "") return { ok: false, reason: "empty path segments ('//') are not allowed" }
  if (!RAW_ALLOWED.test(raw)) {
    if (raw.includes(";")) return { ok: false, reason: "path parameters (';') are not allowed" }
    if (raw.includes("\\")) return { ok: false, reason: "backslashes are not allowed" }
    if (/[\u0000-\u0020\u007f]/.test(raw)) return { ok: false, reason: "spaces and control characters are not allowed" }
    return { ok: false, reason: "characters outside [A-Za-z0-9-._~!$&'()*+,=:@] and percent escapes are not allowed" }
  }
  let decoded = ""
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c !== "%") {
      decoded += c
      continue
    }
    const hex = raw.slice(i + 1, i + 3)
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: "malformed percent-encoding" }
    const char = String.fromCharCode(parseInt(hex, 16))
    if (UNRESERVED.test(char)) {
      return {
        ok: false,
        reason: `needlessly percent-encoded characters (such as %2e for '.') are not allowed: %${hex}`
      }
    }
    if (!ESCAPABLE.test(char)) {
      return {
        ok: false,
        reason:
          `encoded slashes, backslashes, semicolons, percent signs (double encoding), spaces, controls and non-ASCII bytes are not allowed: %${hex}`
      }
    }
    decoded += char
    i += 2
  }
  if (/^\.+$/.test(decoded)) return { ok: false, reason: "dot segments ('.', '..', '...') are not allowed" }
  return { ok: true, decoded }
}

/**
 * Validates a raw (still percent-encoded) API path such as `/models/fal-ai/flux/schnell`.
 * Every segment must be in a form that no HTTP stack can read differently: only the characters
 * `A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , = : @`, and percent escapes only for the reserved ones
 * among them (`%3A`, `%40`, ...). Refused: empty paths, anything not starting with a single `/`
 * (absolute URLs, protocol-relative `//host`), empty segments (`//`), segments made only of dots,
 * path parameters (`;`, `..;`), backslashes, spaces, control and non-ASCII characters, malformed
 * escapes, escaped unreserved characters (`%2e`, `%2E`, `%41`), escaped slashes, backslashes,
 * semicolons and percent signs (`%2f`, `%5c`, `%3b`, `%25` and so every double encoding).
 * A single trailing slash is dropped. On success returns the raw path (as forwarded) and its
 * decoded segments (used for route matching); decoding them again changes nothing.
 */
export const checkApiPath = (input: string): PathCheck => {
  // One trailing slash is tolerated and dropped (Next.js `trailingSlash: true` adds it).
  const raw = input.length > 1 && input.endsWith("/") && !input.endsWith("//") ? input.slice(0, -1) : input
  if (raw === "" || raw === "/") return refuse("empty API path")
  if (!raw.startsWith("/")) return refuse("the API path must start with '/'")
  if (raw.startsWith("//")) return refuse("protocol-relative paths are not allowed")
  const rawSegments = raw.slice(1).split("/")
  if (SCHEME.test(rawSegments[0] ?? "")) return refuse("absolute URLs are not allowed")
  const segments: Array<string> = []
  for (const rawSegment of rawSegments) {
    const checked = checkSegment(rawSegment)
    if (!checked.ok) return refuse(checked.reason)
    segments.push(checked.decoded)
  }
  return { ok: true, raw, segments }
}
