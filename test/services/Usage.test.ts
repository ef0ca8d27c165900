import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { UsagePeriod } from "../../src/schemas/Usage.js"
import { Usage } from "../../src/services/Usage.js"
import { type Route, testLayer } from "../support/mockHttp.js"

const run = <A, E>(routes: ReadonlyArray<Route>, f: (u: Usage["Type"]) => Effect.Effect<A, E>) => {
  const { layer, recorded } = testLayer(routes)
  return Effect.map(Effect.provide(Effect.flatMap(Usage, f), layer), (value) => ({ value, recorded }))
}

// Reference §6.6.
const current = {
  total_requests: 100,
  successful_requests: 95,
  failed_requests: 5,
  cached_requests: 20,
  total_provider_cost: 1.0,
  total_billed_cost: 1.2,
  total_savings: 0.2,
  period: "month"
}
const legacy = { total_requests: 10, total_cost_usd: 0.5, provider_breakdown: { fal: 8, replicate: 2 } }

describe("Usage", () => {
  it.effect("get: GET /usage?period=, decodes §6.6 and derives cacheHitRate as a percentage", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run(
        [{ method: "GET", path: "/usage", reply: { body: current } }],
        (u) => u.get("month")
      )
      expect(recorded[0]).toMatchObject({
        method: "GET",
        pathname: "/v1/usage",
        query: { period: "month" },
        body: undefined
      })
      expect(value).toMatchObject({
        totalRequests: 100,
        successfulRequests: 95,
        failedRequests: 5,
        cachedRequests: 20,
        totalProviderCost: 1.0,
        totalBilledCost: 1.2,
        totalSavings: 0.2,
        cacheHitRate: 20,
        byProvider: {},
        byModel: {},
        period: "month"
      })
      expect(value.avgLatency).toBeUndefined()
      expect(value.history).toBeUndefined()
    }))

  it.effect("get: default period is month", () =>
    Effect.gen(function*() {
      const { recorded } = yield* run([{ path: "/usage", reply: { body: {} } }], (u) => u.get())
      expect(recorded[0]!.query).toEqual({ period: "month" })
    }))

  it.effect("get: legacy total_cost_usd and provider_breakdown fill the current fields", () =>
    Effect.gen(function*() {
      const { value } = yield* run([{ path: "/usage", reply: { body: legacy } }], (u) => u.get("week"))
      expect(value.totalBilledCost).toBe(0.5)
      expect(value.byProvider).toEqual({ fal: 8, replicate: 2 })
      expect(value.cacheHitRate).toBe(0)
    }))

  it.effect("get: current names win over legacy ones; a wire cache_hit_rate is kept; avg_latency/history decoded", () =>
    Effect.gen(function*() {
      const { value } = yield* run([{
        path: "/usage",
        reply: {
          body: {
            total_requests: 4,
            cached_requests: 1,
            cache_hit_rate: 30,
            total_billed_cost: 2,
            total_cost_usd: 9,
            by_provider: { fal: 4 },
            provider_breakdown: { fal: 1 },
            avg_latency: 850,
            history: [{ date: "2026-02-01", requests: 4 }]
          }
        }
      }], (u) => u.get("year"))
      expect(value.totalBilledCost).toBe(2)
      expect(value.byProvider).toEqual({ fal: 4 })
      expect(value.cacheHitRate).toBe(30)
      expect(value.avgLatency).toBe(850)
      expect(value.history).toEqual([{ date: "2026-02-01", requests: 4 }])
    }))

  it.effect("get: no requests gives cacheHitRate 0; avg_latency_ms is accepted", () =>
    Effect.gen(function*() {
      const { value } = yield* run(
        [{ path: "/usage", reply: { body: { total_requests: 0, avg_latency_ms: 12 } } }],
        (u) => u.get("day")
      )
      expect(value.cacheHitRate).toBe(0)
      expect(value.avgLatency).toBe(12)
    }))

  it.effect("get/dashboard: an unknown period fails with ValidationError before any request", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e1 = yield* Effect.flip(Effect.provide(Effect.flatMap(Usage, (u) => u.get("hour" as UsagePeriod)), layer))
      const e2 = yield* Effect.flip(Effect.provide(Effect.flatMap(Usage, (u) => u.dashboard("" as UsagePeriod)), layer))
      expect(e1).toMatchObject({ _tag: "ValidationError", field: "period" })
      expect(e2).toMatchObject({ _tag: "ValidationError", field: "period" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("logs: limit/offset (default 50/0); bare array and {logs} both decode", () =>
    Effect.gen(function*() {
      const entry = { id: "r1", model: "fal-ai/flux/schnell", cost: 0.003, cache_hit: false }
      let n = 0
      const { recorded, value } = yield* run([{
        method: "GET",
        path: "/usage/logs",
        reply: () => (n++ === 0 ? { body: [entry] } : { body: { logs: [entry, entry] } })
      }], (u) => Effect.zip(u.logs(), u.logs({ limit: 10, offset: 20 })))
      expect(recorded.map((r) => r.query)).toEqual([{ limit: "50", offset: "0" }, { limit: "10", offset: "20" }])
      expect(value[0]).toEqual([entry])
      expect(value[1]).toEqual([entry, entry])
    }))

  it.effect("dashboard: GET /dashboard?period=week, known keys typed, raw kept", () =>
    Effect.gen(function*() {
      const body = { total_generations: 327, total_cost_usd: 0.13, other: { a: 1 } }
      const { recorded, value } = yield* run([{ method: "GET", path: "/dashboard", reply: { body } }], (u) =>
        u.dashboard("week"))
      expect(recorded[0]).toMatchObject({ pathname: "/v1/dashboard", query: { period: "week" } })
      expect(value.totalGenerations).toBe(327)
      expect(value.totalCostUsd).toBe(0.13)
      expect(value.raw).toEqual(body)
    }))

  it.effect("trackDownload: POST /usage/downloads {request_id, url, media_type}; 204 and JSON both succeed", () =>
    Effect.gen(function*() {
      let n = 0
      const { recorded } = yield* run([{
        method: "POST",
        path: "/usage/downloads",
        reply: () => (n++ === 0 ? { status: 204 } : { status: 201, body: { ok: true } })
      }], (u) =>
        Effect.zip(
          u.trackDownload("request-id", "https://cdn.test/a.png", { mediaType: "image" }),
          u.trackDownload("request-id", "https://cdn.test/a.png")
        ))
      expect(recorded[0]).toMatchObject({
        method: "POST",
        pathname: "/v1/usage/downloads",
        body: { request_id: "request-id", url: "https://cdn.test/a.png", media_type: "image" }
      })
      expect(recorded[0]!.headers["content-type"]).toContain("application/json")
      expect(recorded[1]!.body).toEqual({ request_id: "request-id", url: "https://cdn.test/a.png" })
    }))

  it.effect("trackDownload: empty requestId fails before any request", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e = yield* Effect.flip(
        Effect.provide(Effect.flatMap(Usage, (u) => u.trackDownload("", "https://x")), layer)
      )
      expect(e).toMatchObject({ _tag: "ValidationError", field: "requestId" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(
        run([{ path: "/usage", reply: { body: { total_requests: "many" } } }], (u) => u.get())
      )
      expect(e1).toMatchObject({ _tag: "DecodeError", field: "total_requests", endpoint: "GET /usage" })
      const e2 = yield* Effect.flip(run([{ path: "/usage/logs", reply: { body: { entries: [] } } }], (u) => u.logs()))
      expect(e2._tag).toBe("DecodeError")
      const e3 = yield* Effect.flip(
        run([{ path: "/dashboard", reply: { body: { total_generations: "x" } } }], (u) => u.dashboard())
      )
      expect(e3).toMatchObject({ _tag: "DecodeError", field: "total_generations" })
    }))
})
