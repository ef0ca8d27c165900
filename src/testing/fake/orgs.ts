/**
 * Organisations: the per-tenant state every route group reads and writes (cache, idempotency
 * keys, usage, async jobs, provider keys, downloads, checkouts, balance), created on first use.
 *
 * @internal
 */
import { Prng } from "./random.js"
import type { FakeVisgateOptions } from "./types.js"

export interface OrgState {
  readonly id: string
  readonly name: string
  tier: string
  readonly cache: Map<string, CacheEntry>
  readonly idempotency: Map<string, IdempotencyEntry>
  readonly usage: Array<UsageRecord>
  readonly jobs: Map<string, AsyncJob>
  readonly providerKeys: Map<string, StoredProviderKey>
  readonly downloads: Array<Record<string, unknown>>
  readonly checkouts: Array<Record<string, unknown>>
  readonly balanceMicro: number
}

export interface CacheEntry {
  readonly outputs: ReadonlyArray<string>
  readonly providerCostMicro: number
  readonly billedMicro: number
  readonly provider: string
  readonly createdAt: number
}

export interface IdempotencyEntry {
  readonly fingerprint: string
  readonly status: number
  readonly headers: ReadonlyArray<[string, string]>
  readonly body: string
}

export interface UsageRecord {
  readonly id: string
  readonly requestId: string
  readonly endpoint: string
  readonly mediaType: "image" | "video"
  readonly model: string
  readonly provider: string
  readonly mode: "managed" | "byok"
  readonly status: "completed" | "failed"
  readonly cacheHit: boolean
  readonly providerCostMicro: number
  readonly billedMicro: number
  readonly savedMicro: number
  readonly latencyMs: number
  readonly at: number
  readonly outputs: number
}

export interface StoredProviderKey {
  readonly provider: string
  readonly key: string
  readonly validated: boolean
  readonly validatedAt: number | null
}

export interface AsyncJob {
  readonly id: string
  readonly endpoint: string
  readonly mediaType: "image" | "video"
  readonly model: string
  readonly provider: string
  readonly mode: "managed" | "byok"
  readonly prompt: string
  readonly createdAt: number
  readonly pendingMs: number
  readonly processingMs: number
  readonly fails: boolean
  /** builds the final result at completion */
  readonly complete: (at: number) => { outputUrl: string; result: Record<string, unknown>; record: UsageRecord }
  status: "pending" | "processing" | "completed" | "failed"
  completedAt: number | null
  outputUrl: string | null
  errorMessage: string | null
  result: Record<string, unknown> | null
}

/** Every organisation the fake has seen, keyed by id. */
export class Organisations {
  /** The organisation of `apiKeys` and `sessionTokens`. */
  readonly defaultOrgId: string
  private orgs = new Map<string, OrgState>()

  constructor(seed: number, private readonly options: Pick<FakeVisgateOptions, "initialBalanceUsd">) {
    this.defaultOrgId = new Prng(seed ^ 0x0badf00d).firestoreId()
  }

  /** The organisation `id`, created (named `name`) on first use. */
  get(id: string, name: string): OrgState {
    let o = this.orgs.get(id)
    if (!o) {
      o = this.create(id, name)
      this.orgs.set(id, o)
    }
    return o
  }

  values(): IterableIterator<OrgState> {
    return this.orgs.values()
  }

  get size(): number {
    return this.orgs.size
  }

  reset(): void {
    this.orgs = new Map()
  }

  private create(id: string, name: string): OrgState {
    return {
      id,
      name,
      tier: "starter",
      cache: new Map(),
      idempotency: new Map(),
      usage: [],
      jobs: new Map(),
      providerKeys: new Map(),
      downloads: [],
      checkouts: [],
      balanceMicro: Math.round((this.options.initialBalanceUsd ?? 25) * 1e6)
    }
  }
}
