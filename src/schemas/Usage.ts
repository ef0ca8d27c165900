/**
 * `GET /usage`, `GET /usage/logs`, `GET /dashboard`, `POST /usage/downloads` (reference §2.7–§2.10).
 *
 * Money: every cost here is USD as a float.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Loose, NonBlank, optional, preprocess, wire, withDefault, withFallbacks } from "../internal/schema.js"
import { bareOrWrappedArray, rawField, withRaw } from "../internal/wire.js"

/** Usage periods the API accepts. */
export const USAGE_PERIODS = ["day", "week", "month", "year"] as const

/** A usage period. */
export type UsagePeriod = (typeof USAGE_PERIODS)[number]

/** Whether a value is a {@link UsagePeriod}. */
export const isUsagePeriod = (u: unknown): u is UsagePeriod =>
  typeof u === "string" && (USAGE_PERIODS as ReadonlyArray<string>).includes(u)

/** `GET /usage` 200. Every field may be absent on the wire; counts and costs default to 0. */
export class UsageSummary extends Schema.Class<UsageSummary>("UsageSummary")(wire({
  totalRequests: withDefault(Schema.Number, () => 0),
  successfulRequests: withDefault(Schema.Number, () => 0),
  failedRequests: withDefault(Schema.Number, () => 0),
  cachedRequests: withDefault(Schema.Number, () => 0),
  /** What the providers charged, USD. */
  totalProviderCost: withDefault(Schema.Number, () => 0),
  /** What Visgate billed, USD (wire `total_billed_cost`, older `total_cost_usd`). */
  totalBilledCost: withDefault(Schema.Number, () => 0),
  /** Saved by the cache, USD. */
  totalSavings: withDefault(Schema.Number, () => 0),
  /**
   * Share of cached requests as a percentage 0–100 (not a fraction): the wire value when sent,
   * else `cachedRequests / totalRequests × 100`, and 0 when there were no requests.
   */
  cacheHitRate: withDefault(Schema.Number, () => 0),
  /** Request counts per provider (wire `by_provider`, older `provider_breakdown`). */
  byProvider: withDefault(Schema.Record({ key: Schema.String, value: Schema.Number }), () => ({})),
  /** Request counts per model. */
  byModel: withDefault(Schema.Record({ key: Schema.String, value: Schema.Number }), () => ({})),
  period: withDefault(Schema.String, () => "month"),
  /** ISO 8601, as sent. */
  periodStart: optional(Schema.String),
  /** ISO 8601, as sent. */
  periodEnd: optional(Schema.String),
  /**
   * Average latency. [I] Inferred wire name `avg_latency` (falling back to `avg_latency_ms`, see
   * {@link UsageSummaryFromWire}); the unit is not documented (probably ms).
   */
  avgLatency: optional(Schema.Number),
  /** Per-period points. [I] Inferred wire name `history`; items are opaque objects. */
  history: optional(Schema.Array(Loose))
})) {}

/**
 * Derives `cache_hit_rate` (percentage 0–100) when the server leaves it out, as the Python SDK does.
 */
const deriveCacheHitRate = (record: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  if (typeof record.cache_hit_rate === "number") return { ...record }
  const total = typeof record.total_requests === "number" ? record.total_requests : 0
  const cached = typeof record.cached_requests === "number" ? record.cached_requests : 0
  return { ...record, cache_hit_rate: total > 0 ? (cached / total) * 100 : 0 }
}

/**
 * Decodes `GET /usage`: the legacy names (`total_cost_usd`, `provider_breakdown`) and the inferred
 * alternative `avg_latency_ms` fill the current ones, then `cache_hit_rate` is derived if absent.
 */
export const UsageSummaryFromWire: Schema.Schema<UsageSummary, unknown> = withFallbacks(
  preprocess(UsageSummary, deriveCacheHitRate),
  {
    total_billed_cost: ["total_cost_usd"],
    by_provider: ["provider_breakdown"],
    avg_latency: ["avg_latency_ms"] // [I] one-line change when the real name is known
  }
)

/** One `GET /usage/logs` entry. The shape is not documented, so it is kept as sent (snake_case). */
export type UsageLogEntry = Readonly<Record<string, unknown>>

/** `GET /usage/logs` 200: a bare array or `{logs: [...]}`, both decoded to the array. */
export const UsageLogsFromWire: Schema.Schema<ReadonlyArray<UsageLogEntry>, unknown> = bareOrWrappedArray(Loose, "logs")

/**
 * `GET /dashboard` 200: no fixed schema. The keys seen live are typed; `raw` keeps every key.
 */
export class DashboardSummary extends Schema.Class<DashboardSummary>("DashboardSummary")(wire({
  /** Generations in the period (equals `/usage` `total_requests`). */
  totalGenerations: optional(Schema.Number),
  /** Cost in the period, USD. */
  totalCostUsd: optional(Schema.Number),
  /** The whole body as sent (snake_case keys). */
  raw: rawField
})) {}

/** Decodes `GET /dashboard`, keeping the body in `raw`. */
export const DashboardFromWire = withRaw(DashboardSummary)

/**
 * [I] The `POST /usage/downloads` body: `{request_id, url, media_type?}`. Nothing shows the real
 * field names (the URL may be `output_url` or `download_url`): change them here, in one place.
 */
export const TrackDownloadBody = Schema.Struct(wire({
  requestId: Schema.propertySignature(NonBlank),
  url: NonBlank,
  mediaType: Schema.optional(Schema.String)
}))
