/**
 * `client.auth` and `client.apiKeys`: who the current key or session is, and the organisation's keys.
 *
 * @since 0.1.0
 */
import type { ApiKeyInfo, Me } from "../schemas/Account.js"
import { Account, layer } from "../services/Account.js"
import type { RequestOptions } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** `client.auth`. */
export interface AuthResource {
  /** `GET /auth/me`: the organisation and role behind the current key or session. */
  me(options?: RequestOptions): Promise<Me>
}

/** `client.apiKeys`. */
export interface ApiKeysResource {
  /** `GET /api-keys`: your organisation's Visgate API keys (prefixes only). */
  list(options?: RequestOptions): Promise<ReadonlyArray<ApiKeyInfo>>
}

/** The Promise `client.auth` over the `Account` service. */
export const makeAuth = ({ call }: ClientRuntime<Account>): AuthResource => ({
  me: (options) => call(Account, (s) => s.me(), options)
})

/** The Promise `client.apiKeys` over the `Account` service. */
export const makeApiKeys = ({ call }: ClientRuntime<Account>): ApiKeysResource => ({
  list: (options) => call(Account, (s) => s.listApiKeys(), options)
})

/** `makeAuth` on the client's runtime with the `Account` service added (on first use, `client/lazy.ts`). */
export const loadAuth = async (runtime: ClientRuntime): Promise<AuthResource> => makeAuth(await runtime.provide(layer))

/** `makeApiKeys` on the client's runtime with the `Account` service added (on first use, `client/lazy.ts`). */
export const loadApiKeys = async (runtime: ClientRuntime): Promise<ApiKeysResource> =>
  makeApiKeys(await runtime.provide(layer))
