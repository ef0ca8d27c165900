/**
 * Pricing and BYOK rules shared by generation, async requests, billing and providers: the
 * managed margin, the BYOK fee, which header makes a request BYOK, and the usage record of a
 * failed generation.
 *
 * @internal
 */
import type { UsageRecord } from "../orgs.js"
import type { Prng } from "../random.js"
import type { RouteContext } from "../router.js"

/** Managed price = provider cost + this percentage. */
export const MARGIN_PERCENT = 20
/** The BYOK price of a generation, micro-USD. */
export const BYOK_FEE_MICRO = 500
export const PROVIDER_LABEL: Record<string, string> = {
  fal: "Fal.ai",
  replicate: "Replicate",
  runway: "Runway",
  runpod: "RunPod"
}
const BYOK_HEADER: Record<string, string> = { fal: "x-fal-key", replicate: "x-replicate-key", runway: "x-runway-key" }

export type Mode = "managed" | "byok"

/** `byok` when the request carries a non-empty key header of `provider` (stored keys do not count). */
export const modeOf = (rc: RouteContext, provider: string): Mode => {
  const header = BYOK_HEADER[provider]
  return header && (rc.headers.get(header) ?? "") !== "" ? "byok" : "managed"
}

/** The billed price (micro-USD) of work that cost the provider `providerCostMicro`. */
export const priceOf = (providerCostMicro: number, mode: Mode): number =>
  mode === "byok" ? BYOK_FEE_MICRO : Math.round(providerCostMicro * (1 + MARGIN_PERCENT / 100))

/** A simulated latency in `min..max` ms. */
export const latency = (rng: Prng, min: number, max: number): number => rng.int(min, max)

/** The usage record of a generation the provider failed (nothing billed). */
export const failedRecord = (
  rng: Prng,
  work: {
    readonly endpoint: string
    readonly requestId: string
    readonly mediaType: "image" | "video"
    readonly model: string
    readonly provider: string
    readonly mode: Mode
  },
  at: number
): UsageRecord => ({
  id: rng.uuid(),
  requestId: work.requestId,
  endpoint: work.endpoint,
  mediaType: work.mediaType,
  model: work.model,
  provider: work.provider,
  mode: work.mode,
  status: "failed",
  cacheHit: false,
  providerCostMicro: 0,
  billedMicro: 0,
  savedMicro: 0,
  latencyMs: latency(rng, 300, 2000),
  at,
  outputs: 0
})
