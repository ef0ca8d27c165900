import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Billing } from "../../src/services/Billing.js"
import { type Route, testLayer } from "../support/mockHttp.js"

const run = <A, E>(routes: ReadonlyArray<Route>, f: (b: Billing["Type"]) => Effect.Effect<A, E>) => {
  const { layer, recorded } = testLayer(routes)
  return Effect.map(Effect.provide(Effect.flatMap(Billing, f), layer), (value) => ({ value, recorded }))
}

// Reference §6.10: live key sets (values made up, types as inferred).
const stats = {
  active_users: 12,
  avg_image_cost_micro: 3000,
  avg_video_cost_micro: 50000,
  base_fee_micro: 500,
  cache_hit_reduction_percent: 35.5,
  competitor_markup_percent: 20,
  image_mix_percent: 80,
  min_request_fee_micro: 100,
  providers: ["fal", "replicate", "runway"],
  request_fee_percent: 5,
  savings_share_percent: 50,
  total_models: 1704,
  total_requests: 327,
  total_savings_micro: 1200000,
  video_mix_percent: 20
}
const info = {
  balance_micro: 5000000,
  billing_status: "active",
  company_name: null,
  free_mode_enabled: false,
  monthly_budget_cents: 10000,
  support_email: "ops@example.com",
  tier: "starter",
  usage_this_month_cents: 13,
  _internal_id: "secret-ish",
  _stripe_customer: "cus_123"
}

describe("Billing", () => {
  it.effect("getStats: GET /billing/stats, every live key decoded (micro-USD, percents)", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{ method: "GET", path: "/billing/stats", reply: { body: stats } }], (b) =>
        b.getStats())
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/billing/stats", query: {}, body: undefined })
      expect(value).toMatchObject({
        activeUsers: 12,
        avgImageCostMicro: 3000,
        avgVideoCostMicro: 50000,
        baseFeeMicro: 500,
        cacheHitReductionPercent: 35.5,
        competitorMarkupPercent: 20,
        imageMixPercent: 80,
        minRequestFeeMicro: 100,
        providers: ["fal", "replicate", "runway"],
        requestFeePercent: 5,
        savingsSharePercent: 50,
        totalModels: 1704,
        totalRequests: 327,
        totalSavingsMicro: 1200000,
        videoMixPercent: 20
      })
      expect(value.raw).toEqual(stats)
    }))

  it.effect("getInfo: GET /billing/info; `_`-prefixed keys ignored; null company name is absent", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run(
        [{ method: "GET", path: "/billing/info", reply: { body: info } }],
        (b) => b.getInfo()
      )
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/billing/info" })
      expect(value).toMatchObject({
        balanceMicro: 5000000,
        billingStatus: "active",
        freeModeEnabled: false,
        monthlyBudgetCents: 10000,
        supportEmail: "ops@example.com",
        tier: "starter",
        usageThisMonthCents: 13
      })
      expect(value.companyName).toBeUndefined()
      expect(Object.keys(value.raw).some((k) => k.startsWith("_"))).toBe(false)
      expect(value.raw.tier).toBe("starter")
    }))

  it.effect("getPricing: GET /billing/pricing", () =>
    Effect.gen(function*() {
      const body = { last_updated: "2026-02-20T00:00:00Z", pricing: [{ model: "fal-ai/flux/schnell", price: 0.003 }] }
      const { recorded, value } = yield* run([{ method: "GET", path: "/billing/pricing", reply: { body } }], (b) =>
        b.getPricing())
      expect(recorded[0]!.pathname).toBe("/v1/billing/pricing")
      expect(value.lastUpdated).toBe("2026-02-20T00:00:00Z")
      expect(value.pricing).toEqual(body.pricing)
    }))

  it.effect("checkout: POST /billing/checkout {amount_usd, success_url, customer_email}; url fallback", () =>
    Effect.gen(function*() {
      let n = 0
      const { recorded, value } = yield* run([{
        method: "POST",
        path: "/billing/checkout",
        reply: () =>
          n++ === 0
            ? { body: { checkout_url: "https://pay.test/s/1", session_id: "cs_1" } }
            : { body: { url: "https://pay.test/s/2" } }
      }], (b) =>
        Effect.zip(
          b.checkout(10, "https://app.test/billing", { customerEmail: "a@b.test" }),
          b.checkout(2.5, "https://app.test/billing", { customerEmail: null })
        ))
      expect(recorded[0]).toMatchObject({
        method: "POST",
        pathname: "/v1/billing/checkout",
        body: { amount_usd: 10, success_url: "https://app.test/billing", customer_email: "a@b.test" }
      })
      expect(recorded[1]!.body).toEqual({ amount_usd: 2.5, success_url: "https://app.test/billing" })
      expect(value[0]).toMatchObject({ checkoutUrl: "https://pay.test/s/1", sessionId: "cs_1" })
      expect(value[1].checkoutUrl).toBe("https://pay.test/s/2")
    }))

  it.effect("checkout: a non-positive amount fails with ValidationError before any request", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e = yield* Effect.flip(Effect.provide(Effect.flatMap(Billing, (b) => b.checkout(0, "https://x")), layer))
      expect(e).toMatchObject({ _tag: "ValidationError", field: "amountUsd" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("updateSubscription: PUT /billing/subscription {tier}; JSON or 204 both succeed", () =>
    Effect.gen(function*() {
      let n = 0
      const { recorded, value } = yield* run([{
        method: "PUT",
        path: "/billing/subscription",
        reply: () => (n++ === 0 ? { body: { tier: "starter", status: "active" } } : { status: 204 })
      }], (b) => Effect.zip(b.updateSubscription("starter"), b.updateSubscription("pro")))
      expect(recorded[0]).toMatchObject({
        method: "PUT",
        pathname: "/v1/billing/subscription",
        body: { tier: "starter" }
      })
      expect(value[0]).toMatchObject({ tier: "starter", status: "active" })
      expect(value[1].raw).toEqual({})
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(run([{ path: "/billing/info", reply: { body: { tier: 3 } } }], (b) => b.getInfo()))
      expect(e1).toMatchObject({ _tag: "DecodeError", field: "tier", endpoint: "GET /billing/info" })
      const e2 = yield* Effect.flip(run([{ path: "/billing/stats", reply: { body: [] } }], (b) => b.getStats()))
      expect(e2._tag).toBe("DecodeError")
      const e3 = yield* Effect.flip(
        run([{ path: "/billing/checkout", reply: { body: { checkout_url: 1 } } }], (b) => b.checkout(1, "https://x"))
      )
      expect(e3).toMatchObject({ _tag: "DecodeError", field: "checkout_url" })
    }))
})
