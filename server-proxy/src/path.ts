/**
 * Path handling: split `<pathPrefix>/<api path>` and refuse every path that could make the
 * upstream resolve something other than what the allow-list saw.
 */

export type PathCheck =
  | { readonly ok: true; readonly raw: string; readonly segments: ReadonlyArray<string> }
  | { readonly ok: false; readonly reason: string }

const refuse = (reason: string): PathCheck => ({ ok: false, reason })

// Raw characters that have no business in a request path: controls, space, DEL, backslash.
const BAD_RAW_CHAR = /[\u0000-\u0020\u007f\\]/
// Control characters, slashes and backslashes after one round of percent-decoding.
const BAD_DECODED_CHAR = /[\u0000-\u001f\u007f/\\]/
// A first segment that looks like a URL scheme (`http:`, `javascript:`).
const SCHEME = /^[a-z][a-z0-9+.-]*(:|%3a)/i
// Double encoding of a dot, slash, backslash or percent sign (`%252e`, `%252f`, ...).
const DOUBLE_ENCODED = /%(2e|2f|5c|25)/i

/**
 * Normalises a configured path prefix: leading slash, no trailing slash; `"/"` and `""` mean
 * "the whole server". Throws on prefixes that are not plain paths.
 */
export const normalizePrefix = (prefix: string): string => {
  if (prefix === "" || prefix === "/") return ""
  if (!prefix.startsWith("/") || prefix.startsWith("//") || /[?#\\\s%]/.test(prefix) || prefix.split("/").includes("..")) {
    throw new TypeError(`server-proxy: pathPrefix must be a plain absolute path such as "/api/visgate", got ${JSON.stringify(prefix)}`)
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

/**
 * Validates a raw (still percent-encoded) API path such as `/models/fal-ai/flux/schnell`.
 * Refuses: empty paths, anything not starting with a single `/` (absolute URLs,
 * protocol-relative `//host`), empty segments (`//`), backslashes, control
 * characters, malformed percent-encoding, `.`/`..` segments in any encoding, encoded slashes
 * and backslashes (`%2f`, `%5c`) and double-encoded ones (`%252e`, `%252f`, ...).
 * A single trailing slash is dropped. On success returns the raw path (as forwarded) and its
 * decoded segments (used for route matching).
 */
export const checkApiPath = (input: string): PathCheck => {
  // One trailing slash is tolerated and dropped (Next.js `trailingSlash: true` adds it).
  const raw = input.length > 1 && input.endsWith("/") && !input.endsWith("//") ? input.slice(0, -1) : input
  if (raw === "" || raw === "/") return refuse("empty API path")
  if (!raw.startsWith("/")) return refuse("the API path must start with '/'")
  if (raw.startsWith("//")) return refuse("protocol-relative paths are not allowed")
  if (BAD_RAW_CHAR.test(raw)) return refuse("backslashes, spaces and control characters are not allowed")
  const rawSegments = raw.slice(1).split("/")
  if (SCHEME.test(rawSegments[0] ?? "")) return refuse("absolute URLs are not allowed")
  const segments: Array<string> = []
  for (const rawSegment of rawSegments) {
    if (rawSegment === "") return refuse("empty path segments ('//') are not allowed")
    let decoded: string
    try {
      decoded = decodeURIComponent(rawSegment)
    } catch {
      return refuse("malformed percent-encoding")
    }
    if (decoded === "." || decoded === "..") return refuse("dot segments are not allowed")
    if (BAD_DECODED_CHAR.test(decoded)) return refuse("encoded slashes, backslashes and control characters are not allowed")
    if (DOUBLE_ENCODED.test(decoded)) return refuse("double-encoded characters are not allowed")
    segments.push(decoded)
  }
  return { ok: true, raw, segments }
}
