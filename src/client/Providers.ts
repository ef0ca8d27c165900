/**
 * `client.providers`: stored BYOK provider keys and balances.
 *
 * @since 0.1.0
 */
import type {
  KeyValidation,
  ProviderBalances,
  ProviderKeyDeleted,
  ProviderKeyInfo,
  ProviderKeys,
  ProviderName
} from "../schemas/Providers.js"
import { layer, Providers } from "../services/Providers.js"
import type { Secret } from "../services/VisgateConfig.js"
import type { RequestOptions } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** `client.providers`. */
export interface ProvidersResource {
  /** `GET /providers/keys`: your stored provider keys (masked). */
  listKeys(options?: RequestOptions): Promise<ProviderKeys>
  /** `PUT /providers/keys`: stores a provider key (held as `Redacted` until sent). */
  setKey(provider: ProviderName, apiKey: Secret, options?: RequestOptions): Promise<ProviderKeyInfo>
  /** `DELETE /providers/keys/{provider}`: removes a stored key. */
  deleteKey(provider: ProviderName, options?: RequestOptions): Promise<ProviderKeyDeleted>
  /** `POST /providers/validate`: checks a key with the provider without storing it. */
  validateKey(provider: ProviderName, apiKey: Secret, options?: RequestOptions): Promise<KeyValidation>
  /** `GET /providers/balances`: remaining credit per provider. */
  balances(options?: RequestOptions): Promise<ProviderBalances>
}

/** The Promise resource over the `Providers` service. */
export const makeProviders = ({ call }: ClientRuntime<Providers>): ProvidersResource => ({
  listKeys: (options) => call(Providers, (s) => s.listKeys(), options),
  setKey: (provider, apiKey, options) => call(Providers, (s) => s.setKey(provider, apiKey), options),
  deleteKey: (provider, options) => call(Providers, (s) => s.deleteKey(provider), options),
  validateKey: (provider, apiKey, options) => call(Providers, (s) => s.validateKey(provider, apiKey), options),
  balances: (options) => call(Providers, (s) => s.balances(), options)
})

/** `makeProviders` on the client's runtime with the `Providers` service added (on first use, `client/lazy.ts`). */
export const loadProviders = async (runtime: ClientRuntime): Promise<ProvidersResource> =>
  makeProviders(await runtime.provide(layer))
