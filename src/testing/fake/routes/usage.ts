/**
 * Usage of an organisation: `GET /usage` (totals and history buckets over a period),
 * `GET /usage/logs`, `POST /usage/downloads` and `GET /dashboard`.
 *
 * @internal
 */
import type { FakeCore } from "../core.js"
import { failValidation, isoMain, json, round } from "../http.js"
import { optString, requireBody } from "../input.js"
import type { UsageRecord } from "../orgs.js"
import { type Route, route, type RouteContext } from "../router.js"

const DAY = 86_400_000
/** Length of each `period`, ms. */
export const PERIODS: Record<string, number> = { day: DAY, week: 7 * DAY, month: 30 * DAY, year: 365 * DAY }
const BUCKETS: Record<string, number> = { day: 24, week: 7, month: 30, year: 12 }

const sumUsd = (records: ReadonlyArray<UsageRecord>, field: "billedMicro" | "providerCostMicro" | "savedMicro") =>
  round(records.reduce((s, r) => s + r[field], 0) / 1e6, 6)

const periodOf = (rc: RouteContext): string => {
  const period = rc.query.get("period") ?? "month"
  if (!(period in PERIODS)) return failValidation("period", "period must be one of day, week, month, year")
  return period
}

const usage = (rc: RouteContext): Response => {
  const period = periodOf(rc)
  const span = PERIODS[period]!
  const start = rc.now - span
  const records = rc.org!.usage.filter((r) => r.at > start && r.at <= rc.now)
  const byProvider: Record<string, number> = {}
  const byModel: Record<string, number> = {}
  for (const r of records) {
    byProvider[r.provider] = (byProvider[r.provider] ?? 0) + 1
    byModel[r.model] = (byModel[r.model] ?? 0) + 1
  }
  const successful = records.filter((r) => r.status === "completed")
  const buckets = BUCKETS[period]!
  const width = span / buckets
  const history = Array.from({ length: buckets }, (_, i) => {
    const from = start + i * width
    const inBucket = records.filter((r) => r.at > from && r.at <= from + width)
    return {
      date: isoMain(from),
      requests: inBucket.length,
      cached_requests: inBucket.filter((r) => r.cacheHit).length,
      billed_cost: sumUsd(inBucket, "billedMicro")
    }
  })
  const latencyTotal = successful.reduce((s, r) => s + r.latencyMs, 0)
  return json(200, {
    period,
    period_start: isoMain(start),
    period_end: isoMain(rc.now),
    total_requests: records.length,
    successful_requests: successful.length,
    failed_requests: records.length - successful.length,
    cached_requests: records.filter((r) => r.cacheHit).length,
    total_provider_cost: sumUsd(records, "providerCostMicro"),
    total_billed_cost: sumUsd(records, "billedMicro"),
    total_savings: sumUsd(records, "savedMicro"),
    by_provider: byProvider,
    by_model: byModel,
    avg_latency: successful.length === 0 ? 0 : Math.round(latencyTotal / successful.length),
    history
  })
}

const logEntry = (r: UsageRecord) => ({
  id: r.id,
  request_id: r.requestId,
  created_at: isoMain(r.at),
  endpoint: r.endpoint,
  media_type: r.mediaType,
  model: r.model,
  provider: r.provider,
  mode: r.mode,
  status: r.status,
  cache_hit: r.cacheHit,
  cost: round(r.billedMicro / 1e6, 6),
  provider_cost: round(r.providerCostMicro / 1e6, 6),
  saved_amount: round(r.savedMicro / 1e6, 6),
  latency_ms: r.latencyMs,
  outputs: r.outputs
})

const dashboard = (rc: RouteContext): Response => {
  const period = periodOf(rc)
  const start = rc.now - PERIODS[period]!
  const records = rc.org!.usage.filter((r) => r.at > start && r.at <= rc.now)
  const ok = records.filter((r) => r.status === "completed")
  const counts = records.reduce<Record<string, number>>(
    (acc, r) => ({ ...acc, [r.model]: (acc[r.model] ?? 0) + 1 }),
    {}
  )
  const topModels = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([model, count]) => ({ model, count }))
  const cacheHits = records.filter((r) => r.cacheHit).length
  return json(200, {
    period,
    total_generations: records.length,
    total_images: ok.filter((r) => r.mediaType === "image").reduce((s, r) => s + r.outputs, 0),
    total_videos: ok.filter((r) => r.mediaType === "video").length,
    total_cost_usd: sumUsd(records, "billedMicro"),
    total_savings_usd: sumUsd(records, "savedMicro"),
    cache_hits: cacheHits,
    cache_hit_rate: records.length === 0 ? 0 : round((cacheHits / records.length) * 100, 2),
    avg_latency_ms: ok.length === 0 ? 0 : Math.round(ok.reduce((s, r) => s + r.latencyMs, 0) / ok.length),
    success_rate: records.length === 0 ? 0 : round((ok.length / records.length) * 100, 2),
    top_models: topModels
  })
}

/** The usage routes. */
export const usageRoutes = (core: FakeCore): ReadonlyArray<Route> => [
  route("GET", "/usage", usage),
  route("GET", "/usage/logs", (rc) => {
    const limit = Number(rc.query.get("limit") ?? "50")
    const offset = Number(rc.query.get("offset") ?? "0")
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return failValidation("limit", "limit must be an integer between 1 and 1000")
    }
    if (!Number.isInteger(offset) || offset < 0) {
      return failValidation("offset", "offset must be a non-negative integer")
    }
    const logs = rc.org!.usage
      .slice()
      .sort((a, b) => b.at - a.at)
      .slice(offset, offset + limit)
      .map(logEntry)
    return json(200, core.options.usageLogsShape === "array" ? logs : { logs })
  }),
  route("POST", "/usage/downloads", (rc) => {
    const body = requireBody(rc)
    const requestId = body.request_id
    if (typeof requestId !== "string" || requestId === "") return failValidation("request_id", "request_id is required")
    const url = body.url ?? body.output_url ?? body.download_url
    if (typeof url !== "string" || url === "") return failValidation("url", "url is required")
    const mediaType = optString(body, "media_type")
    if (mediaType !== undefined && !["image", "video", "audio"].includes(mediaType)) {
      return failValidation("media_type", "media_type must be image, video or audio")
    }
    const entry = {
      id: core.rng.uuid(),
      request_id: requestId,
      url,
      media_type: mediaType ?? null,
      created_at: isoMain(rc.now)
    }
    rc.org!.downloads.push(entry)
    return json(201, { tracked: true, ...entry })
  }),
  route("GET", "/dashboard", dashboard)
]
