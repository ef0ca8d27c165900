/**
 * `Providers`: stored BYOK provider keys, key validation and provider balances.
 *
 * API keys passed in are held as `Redacted` until the request body is built, so they never show
 * up in logs, errors or inspected values.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { invalid, pathId } from "../internal/body.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import {
  KeyValidation,
  ProviderBalances,
  ProviderKeyDeleted,
  ProviderKeyInfo,
  ProviderKeys,
  type ProviderName
} from "../schemas/Providers.js"
import { VisgateClient } from "./VisgateClient.js"
import type { Secret } from "./VisgateConfig.js"

/** The `Providers` service. */
export interface Service {
  /** `GET /providers/keys`: the stored keys (masked). */
  readonly listKeys: () => Effect.Effect<ProviderKeys, VisgateApiError>
  /** `PUT /providers/keys`: stores (or replaces) the key used for `provider`. */
  readonly setKey: (provider: ProviderName, apiKey: Secret) => Effect.Effect<ProviderKeyInfo, VisgateApiError>
  /** `DELETE /providers/keys/{provider}`: removes the stored key (204 or JSON both succeed). */
  readonly deleteKey: (provider: ProviderName) => Effect.Effect<ProviderKeyDeleted, VisgateApiError>
  /** `POST /providers/validate`: checks a key with the provider without storing it. */
  readonly validateKey: (provider: ProviderName, apiKey: Secret) => Effect.Effect<KeyValidation, VisgateApiError>
  /** `GET /providers/balances`: remaining credit per configured provider. */
  readonly balances: () => Effect.Effect<ProviderBalances, VisgateApiError>
}

/** Tag of the `Providers` service. */
export class Providers extends Context.Tag("@visgate_ai/client/Providers")<Providers, Service>() {}

const decodeKeys = Schema.decodeUnknown(ProviderKeys)
const decodeKey = Schema.decodeUnknown(ProviderKeyInfo)
const decodeDeleted = Schema.decodeUnknown(ProviderKeyDeleted)
const decodeValidation = Schema.decodeUnknown(KeyValidation)
const decodeBalances = Schema.decodeUnknown(ProviderBalances)

const checkProvider = (provider: unknown): Effect.Effect<string, VisgateApiError> =>
  Effect.map(pathId("provider", provider), (p) => p.toLowerCase())

/** Wraps the key in `Redacted` at once; the error never echoes it. */
const checkKey = (apiKey: unknown): Effect.Effect<Redacted.Redacted<string>, VisgateApiError> => {
  const redacted = Redacted.isRedacted(apiKey)
    ? apiKey as Redacted.Redacted<unknown>
    : typeof apiKey === "string"
    ? Redacted.make(apiKey.trim())
    : undefined
  if (redacted === undefined) return invalid("apiKey", "apiKey must be a string or a Redacted string")
  const value = Redacted.value(redacted)
  return typeof value === "string" && value.trim() !== ""
    ? Effect.succeed(redacted as Redacted.Redacted<string>)
    : invalid("apiKey", "apiKey must not be empty")
}

/** `{provider, api_key}`: the only place the key is unwrapped, right before it is sent. */
const keyBody = (provider: string, apiKey: Redacted.Redacted<string>) => ({
  provider,
  api_key: Redacted.value(apiKey).trim()
})

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const withKey = <A>(
    provider: unknown,
    apiKey: unknown,
    send: (body: ReturnType<typeof keyBody>, secrets: ReadonlyArray<string>) => Effect.Effect<A, VisgateApiError>
  ) =>
    Effect.flatMap(checkProvider(provider), (p) =>
      Effect.flatMap(checkKey(apiKey), (key) => {
        const body = keyBody(p, key)
        return send(body, [body.api_key])
      }))

  return {
    listKeys: () => client.request({ method: "GET", path: "/providers/keys" }, decodeKeys),
    setKey: (provider, apiKey) =>
      withKey(
        provider,
        apiKey,
        (body, secrets) => client.request({ method: "PUT", path: "/providers/keys", body, secrets }, decodeKey)
      ),
    deleteKey: (provider) =>
      Effect.flatMap(checkProvider(provider), (p) => {
        const path = `/providers/keys/${encodeURIComponent(p)}`
        return Effect.flatMap(client.send({ method: "DELETE", path }), (response) => {
          const body = typeof response.body === "object" && response.body !== null && !Array.isArray(response.body)
            ? response.body as Record<string, unknown>
            : {}
          return client.decode(decodeDeleted, { ...body, provider: body.provider ?? p }, `DELETE ${path}`)
        })
      }),
    validateKey: (provider, apiKey) =>
      withKey(
        provider,
        apiKey,
        (body, secrets) =>
          client.request({ method: "POST", path: "/providers/validate", body, secrets }, decodeValidation)
      ),
    balances: () => client.request({ method: "GET", path: "/providers/balances" }, decodeBalances)
  }
})

/** The `Providers` layer. */
export const layer: Layer.Layer<Providers, never, VisgateClient> = Layer.effect(Providers, make)
