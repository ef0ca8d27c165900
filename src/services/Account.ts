/**
 * `Account`: who the caller is (`GET /auth/me`) and the organisation's API keys (`GET /api-keys`).
 * On the Promise client these are `client.auth.me()` and `client.apiKeys.list()`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { type ApiKeyInfo, ApiKeyList, Me } from "../schemas/Account.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { VisgateClient } from "./VisgateClient.js"

/** The `Account` service. */
export interface Service {
  /** `GET /auth/me`: the organisation and role of the current key or session. */
  readonly me: () => Effect.Effect<Me, VisgateApiError>
  /** `GET /api-keys`: the organisation's API keys (prefixes only). */
  readonly listApiKeys: () => Effect.Effect<ReadonlyArray<ApiKeyInfo>, VisgateApiError>
}

/** Tag of the `Account` service. */
export class Account extends Context.Tag("@visgate_ai/client/Account")<Account, Service>() {}

const decodeMe = Schema.decodeUnknown(Me)
const decodeKeys = Schema.decodeUnknown(ApiKeyList)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  me: () => client.request({ method: "GET", path: "/auth/me" }, decodeMe),
  listApiKeys: () => client.request({ method: "GET", path: "/api-keys" }, decodeKeys)
}))

/** The `Account` layer. */
export const layer: Layer.Layer<Account, never, VisgateClient> = Layer.effect(Account, make)
