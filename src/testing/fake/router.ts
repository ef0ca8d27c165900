/**
 * A tiny router for the fake: method + segment patterns (`:name` captures one segment,
 * `*rest` captures the remainder, slashes included).
 *
 * @internal
 */
import type { SseDriver } from "./sse.js"

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

export interface RouteContext {
  readonly request: Request
  readonly method: string
  readonly url: URL
  /** path relative to the API base */
  readonly path: string
  /** mount prefix the request came in on (e.g. `/api/v1`, `/v1` or `""`) */
  readonly prefix: string
  readonly query: URLSearchParams
  readonly headers: Headers
  readonly now: number
  readonly rawBody: string
  readonly body: unknown
  readonly params: Readonly<Record<string, string>>
  readonly sseDriver: SseDriver
  /** set by the auth step on routes that need a key */
  org: OrgState | undefined
  role: "api-key" | "session" | undefined
  apiKey: string | undefined
}

export type Handler = (ctx: RouteContext) => Response | Promise<Response>

export interface Route {
  readonly method: string
  readonly segments: ReadonlyArray<string>
  readonly auth: boolean
  readonly handler: Handler
  /** SSE responses are never stored for idempotency */
  readonly stream?: boolean
}

export const route = (method: string, path: string, handler: Handler, opts: { auth?: boolean; stream?: boolean } = {}): Route => ({
  method,
  segments: path.split("/").filter((s) => s !== ""),
  auth: opts.auth ?? true,
  handler,
  ...(opts.stream ? { stream: true } : {})
})

/** Matches a path against a route's segments; returns the captured params or undefined. */
export const matchRoute = (segments: ReadonlyArray<string>, path: string): Record<string, string> | undefined => {
  const parts = path.split("/").filter((s) => s !== "")
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    if (seg.startsWith("*")) {
      if (i >= parts.length) return undefined
      params[seg.slice(1)] = parts.slice(i).map(safeDecode).join("/")
      return params
    }
    if (i >= parts.length) return undefined
    if (seg.startsWith(":")) params[seg.slice(1)] = safeDecode(parts[i]!)
    else if (seg !== parts[i]) return undefined
  }
  return parts.length === segments.length ? params : undefined
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
