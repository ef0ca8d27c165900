/**
 * Authentication of the fake: `Authorization: Bearer <key>` picks the organisation a request
 * acts in (`apiKeys` and `sessionTokens` share the default one; any other `vg-` key gets its own
 * unless `acceptAnyVgKey: false`).
 *
 * @internal
 */
import { errorResponse } from "./http.js"
import type { Organisations } from "./orgs.js"
import { Prng } from "./random.js"
import type { RouteContext } from "./router.js"
import type { FakeVisgateOptions } from "./types.js"

/** 32-bit FNV-1a of a string: the seed of per-key organisation ids and of listed key ids. */
export const hashSeed = (s: string): number => {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

const DEFAULT_ORG_NAME = "Fake Visgate Org"

/**
 * Sets `rc.org`, `rc.role` and `rc.apiKey` from the bearer token and returns undefined, or
 * returns the 401 `AUTHENTICATION_ERROR` to answer.
 */
export const authenticate = (
  rc: RouteContext,
  options: Readonly<FakeVisgateOptions>,
  orgs: Organisations
): Response | undefined => {
  const header = rc.headers.get("authorization") ?? ""
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  const token = m ? m[1]!.trim() : ""
  const keys = options.apiKeys ?? ["vg-test-key"]
  if (token !== "" && keys.includes(token)) {
    rc.org = orgs.get(orgs.defaultOrgId, DEFAULT_ORG_NAME)
    rc.role = "api-key"
    rc.apiKey = token
    return undefined
  }
  if (token !== "" && (options.sessionTokens ?? []).includes(token)) {
    rc.org = orgs.get(orgs.defaultOrgId, DEFAULT_ORG_NAME)
    rc.role = "session"
    rc.apiKey = token
    return undefined
  }
  if (token.startsWith("vg-") && token.length > 3 && (options.acceptAnyVgKey ?? true)) {
    const id = new Prng(hashSeed(token)).firestoreId()
    rc.org = orgs.get(id, `Org of ${token.slice(0, 10)}`)
    rc.role = "api-key"
    rc.apiKey = token
    return undefined
  }
  const message = token === "" ? "Missing API key: send Authorization: Bearer <key>" : "Invalid API key"
  return errorResponse(401, "AUTHENTICATION_ERROR", message, {}, { "www-authenticate": "Bearer" })
}
