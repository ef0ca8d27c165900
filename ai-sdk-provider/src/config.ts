/**
 * What the models of one provider share: the (lazily created) Visgate client, the endpoint URL
 * errors report, and the `fetch` that downloads generated images.
 */
import type { Client } from "@visgate_ai/client"

export interface ModelConfig {
  /** `visgate.image` / `visgate.video`. */
  readonly provider: string
  /** The provider's client, created on first use (so a missing key fails the call, not the import). */
  readonly client: () => Client
  /** Absolute URL of an API path, for `APICallError.url`. */
  readonly url: (path: string) => string
  /** Downloads generated images (the `fetch` option, else the global one). */
  readonly fetch: () => typeof globalThis.fetch
  /** Clock for `response.timestamp`. */
  readonly now: () => Date
}
