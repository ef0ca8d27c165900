/**
 * Billing: `GET /billing/stats|info|pricing`, `POST /billing/checkout` (a `checkout_url` on the
 * fake itself, served by `GET /_fake/checkout/{session}`) and `PUT /billing/subscription`.
 *
 * @internal
 */
import { catalog } from "../catalog.js"
import type { FakeCore } from "../core.js"
import { failValidation, json, round } from "../http.js"
import { optString, requireBody } from "../input.js"
import type { UsageRecord } from "../orgs.js"
import { type Route, route, type RouteContext } from "../router.js"
import { BYOK_FEE_MICRO, MARGIN_PERCENT } from "./pricing.js"
import { PERIODS } from "./usage.js"

const TIERS = ["free", "starter", "pro", "business", "enterprise"]

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const billingInfo = (rc: RouteContext): Record<string, unknown> => {
  const org = rc.org!
  const billed = org.usage.reduce((s, r) => s + r.billedMicro, 0)
  const monthStart = rc.now - PERIODS.month!
  const month = org.usage.filter((r) => r.at > monthStart).reduce((s, r) => s + r.billedMicro, 0)
  return {
    tier: org.tier,
    balance_micro: org.balanceMicro - billed,
    billing_status: "active",
    company_name: org.name,
    free_mode_enabled: org.tier === "free",
    monthly_budget_cents: 5_000,
    support_email: "support@visgateai.com",
    usage_this_month_cents: Math.round(month / 10_000),
    _internal_stripe_customer_id: `cus_fake_${org.id}`,
    _internal_flags: { fake: true }
  }
}

const billingPricing = (): Response =>
  json(200, {
    last_updated: catalog[0]!.last_synced_at,
    pricing: catalog.map((m) => ({
      model_id: m.id,
      provider: m.provider,
      media_type: m.media_type,
      unit: m.pricing_unit,
      base_cost_micro: m.base_cost_micro,
      price_usd: round((m.base_cost_micro * (1 + MARGIN_PERCENT / 100)) / 1e6, 6),
      display: m.pricing
    }))
  })

export class FakeBilling {
  constructor(private readonly core: FakeCore) {}

  /** `GET /_fake/checkout/:session` (public), the page a `checkout_url` points to. */
  pageRoutes(): ReadonlyArray<Route> {
    return [
      route("GET", "/_fake/checkout/:session", (rc) => {
        const html = `<!doctype html><title>Fake checkout</title><h1>Fake checkout ${
          escapeHtml(rc.params.session!)
        }</h1>`
        return new Response(html, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } })
      }, { auth: false })
    ]
  }

  routes(): ReadonlyArray<Route> {
    return [
      route("GET", "/billing/stats", () => this.stats()),
      route("GET", "/billing/info", (rc) => json(200, billingInfo(rc))),
      route("GET", "/billing/pricing", billingPricing),
      route("POST", "/billing/checkout", (rc) => this.checkout(rc)),
      route("PUT", "/billing/subscription", (rc) => {
        const body = requireBody(rc)
        const tier = body.tier
        if (typeof tier !== "string" || !TIERS.includes(tier)) {
          return failValidation("tier", `tier must be one of ${TIERS.join(", ")}`)
        }
        rc.org!.tier = tier
        return json(200, billingInfo(rc))
      })
    ]
  }

  private stats(): Response {
    const orgs = this.core.orgs
    const records = [...orgs.values()].flatMap((o) => o.usage)
    const images = records.filter((r) => r.mediaType === "image" && r.billedMicro > 0)
    const videos = records.filter((r) => r.mediaType === "video" && r.billedMicro > 0)
    const avg = (rs: ReadonlyArray<UsageRecord>, fallback: number) =>
      rs.length === 0 ? fallback : Math.round(rs.reduce((s, r) => s + r.billedMicro, 0) / rs.length)
    const imageMix = records.length === 0
      ? 80
      : round((records.filter((r) => r.mediaType === "image").length / records.length) * 100, 2)
    return json(200, {
      active_users: orgs.size,
      avg_image_cost_micro: avg(images, 3_600),
      avg_video_cost_micro: avg(videos, 300_000),
      base_fee_micro: BYOK_FEE_MICRO,
      cache_hit_reduction_percent: 100,
      competitor_markup_percent: 35,
      image_mix_percent: imageMix,
      min_request_fee_micro: BYOK_FEE_MICRO,
      providers: 3,
      request_fee_percent: MARGIN_PERCENT,
      savings_share_percent: 0,
      total_models: catalog.length,
      total_requests: records.length,
      total_savings_micro: records.reduce((s, r) => s + r.savedMicro, 0),
      video_mix_percent: round(100 - imageMix, 2)
    })
  }

  private checkout(rc: RouteContext): Response {
    const body = requireBody(rc)
    const amount = body.amount_usd ?? body.amount
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0 || amount > 10_000) {
      return failValidation("amount_usd", "amount_usd must be a number between 0 and 10000")
    }
    const successUrl = body.success_url ?? body.return_url
    if (typeof successUrl !== "string" || !/^https?:\/\//.test(successUrl)) {
      return failValidation("success_url", "success_url must be an http(s) URL")
    }
    const email = optString(body, "customer_email")
    if (email !== undefined && !email.includes("@")) {
      return failValidation("customer_email", "customer_email must be an email address")
    }
    const sessionId = `cs_test_${this.core.rng.hex(24)}`
    rc.org!.checkouts.push({
      session_id: sessionId,
      amount_usd: amount,
      success_url: successUrl,
      customer_email: email ?? null
    })
    return json(200, { checkout_url: `${this.core.mediaBase(rc)}/_fake/checkout/${sessionId}`, session_id: sessionId })
  }
}
