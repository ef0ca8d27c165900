/**
 * The account: provider keys (`GET|PUT /providers/keys`, `DELETE /providers/keys/{p}`,
 * `POST /providers/validate`, `GET /providers/balances`), `GET /auth/me` and `GET /api-keys`.
 *
 * @internal
 */
import { hashSeed } from "../auth.js"
import type { FakeCore } from "../core.js"
import { failValidation, isoMain, isRecord, json, notFound } from "../http.js"
import { requireBody } from "../input.js"
import type { StoredProviderKey } from "../orgs.js"
import { Prng } from "../random.js"
import { type Route, route, type RouteContext } from "../router.js"
import { modeOf, PROVIDER_LABEL } from "./pricing.js"

const PROVIDERS: ReadonlyArray<string> = ["fal", "replicate", "runway", "runpod"]
const KEY_PREFIX: Record<string, string> = { fal: "fal_", replicate: "r8_", runway: "rw_", runpod: "rpa_" }

const keyInfo = (k: StoredProviderKey) => ({
  provider: k.provider,
  validated: k.validated,
  validated_at: k.validatedAt === null ? null : isoMain(k.validatedAt),
  masked_key: `****${k.key.slice(-4)}`
})

const putProviderKey = (rc: RouteContext): Response => {
  const body = requireBody(rc)
  const provider = typeof body.provider === "string"
    ? body.provider.trim().toLowerCase()
    : failValidation("provider", "provider is required")
  const apiKey = typeof body.api_key === "string"
    ? body.api_key.trim()
    : failValidation("api_key", "api_key is required")
  if (!PROVIDERS.includes(provider)) {
    return failValidation("provider", `provider must be one of ${PROVIDERS.join(", ")}`)
  }
  if (apiKey === "") return failValidation("api_key", "api_key must not be empty")
  const validated = apiKey.startsWith(KEY_PREFIX[provider]!)
  const stored = { provider, key: apiKey, validated, validatedAt: validated ? rc.now : null }
  rc.org!.providerKeys.set(provider, stored)
  return json(200, keyInfo(stored))
}

const validateProviderKey = (rc: RouteContext): Response => {
  const body = isRecord(rc.body) ? rc.body : {}
  const provider = typeof body.provider === "string" ? body.provider.trim().toLowerCase() : ""
  const apiKey = typeof body.api_key === "string" ? body.api_key.trim() : ""
  if (!PROVIDERS.includes(provider)) {
    const message = `Unsupported provider '${provider}'. Supported providers: ${PROVIDERS.join(", ")}`
    return json(200, { valid: false, message })
  }
  if (apiKey === "") return json(200, { valid: false, message: "API key is required" })
  const valid = apiKey.startsWith(KEY_PREFIX[provider]!)
  return json(200, { valid, message: `${valid ? "Valid" : "Invalid"} ${PROVIDER_LABEL[provider]} API key` })
}

const balances = (rc: RouteContext): Response => {
  const org = rc.org!
  const item = (
    provider: "fal" | "replicate" | "runway",
    currency: string,
    remaining: number | null,
    limit: number | null
  ) => {
    const configured = org.providerKeys.has(provider) || modeOf(rc, provider) === "byok"
    return {
      provider,
      configured,
      available: configured,
      limit: configured ? limit : null,
      remaining: configured ? remaining : null,
      currency,
      message: configured ? null : `No ${PROVIDER_LABEL[provider]} key configured`
    }
  }
  return json(200, {
    balances: [
      item("fal", "credits", null, null),
      item("replicate", "usd", null, null),
      item("runway", "credits", 1880.0, 10000.0)
    ]
  })
}

/** The provider-key, `auth/me` and `api-keys` routes. */
export const accountRoutes = (core: FakeCore): ReadonlyArray<Route> => [
  route("GET", "/providers/keys", (rc) => {
    const keys = [...rc.org!.providerKeys.values()].sort((a, b) => a.provider.localeCompare(b.provider))
    return json(200, { keys: keys.map(keyInfo) })
  }),
  route("PUT", "/providers/keys", putProviderKey),
  route("DELETE", "/providers/keys/:provider", (rc) => {
    const provider = rc.params.provider!.toLowerCase()
    if (!rc.org!.providerKeys.delete(provider)) {
      return notFound("PROVIDER_KEY_NOT_FOUND", `No ${provider} key stored`, { provider })
    }
    return json(200, { deleted: true, provider })
  }),
  route("POST", "/providers/validate", validateProviderKey),
  route("GET", "/providers/balances", balances),
  route("GET", "/auth/me", (rc) =>
    json(200, {
      organization: { id: rc.org!.id, name: rc.org!.name },
      role: rc.role,
      key_prefix: rc.role === "api-key" ? rc.apiKey!.slice(0, 10) : null
    })),
  route("GET", "/api-keys", (rc) => {
    const org = rc.org!
    const keys = org.id === core.orgs.defaultOrgId ? (core.options.apiKeys ?? ["vg-test-key"]) : [rc.apiKey!]
    const rng = new Prng(hashSeed(org.id))
    return json(
      200,
      keys.map((k, i) => ({
        id: rng.firestoreId(),
        name: i === 0 ? "default" : `key-${i + 1}`,
        key_prefix: k.slice(0, 10),
        created_at: isoMain(Date.UTC(2026, 0, 1 + i))
      }))
    )
  })
]
