/** Helpers for `keyFromRequest`. */

/**
 * The caller's own `Authorization: Bearer <token>` (the client's `getToken` flow), or
 * `undefined`. Use it as `keyFromRequest: readBearerToken`.
 */
export const readBearerToken = (request: Request): string | undefined => {
  const header = request.headers.get("authorization")
  if (header === null) return undefined
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match?.[1]
}

/**
 * The value of cookie `name` (URL-decoded), or `undefined`. Use it to resolve a key from an
 * httpOnly session cookie: `keyFromRequest: async (req) => lookUpKey(readCookie(req, "session"))`.
 */
export const readCookie = (request: Request, name: string): string | undefined => {
  const header = request.headers.get("cookie")
  if (header === null) return undefined
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq === -1) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value)
    } catch {
      return value
    }
  }
  return undefined
}
