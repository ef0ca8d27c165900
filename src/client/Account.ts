/**
 * `client.auth` and `client.apiKeys`: who the current key or session is, and the organisation's keys.
 *
 * @since 0.1.0
 */
import type { ApiKeyInfo, Me } from "../schemas/Account.js"
import { Account } from "../services/Account.js"
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
export const makeAuth = ({ call }: ClientRuntime): AuthResource => ({
  me: (options) => call(Account, (s) => s.me(), options)
})

/** The Promise `client.apiKeys` over the `Account` service. */
export const makeApiKeys = ({ call }: ClientRuntime): ApiKeysResource => ({
  list: (options) => call(Account, (s) => s.listApiKeys(), options)
})
