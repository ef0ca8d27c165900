import { describe, expect, it } from "vitest"
import { catalog } from "../../../src/testing/fake/index.js"
import { BASE, call, KEY, makeFake } from "./helpers.js"

const IMG = { model: "fal-ai/flux/schnell", prompt: "a lighthouse at dusk", width: 1024, height: 768 }

describe("health, routing and auth", () => {
  it("GET /health works without a key", async () => {
    const fake = makeFake()
    const r = await call(fake, "GET", "/health", { key: null })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ status: "ok", version: "0.2.0" })
  })

  it("routes at any prefix ending in /api/v1, at /v1 and at the root", async () => {
    const fake = makeFake()
    for (
      const base of ["http://x.test/api/v1", "http://x.test/proxy/visgate/api/v1", "http://x.test", "http://x.test/v1"]
    ) {
      const r = await call(fake, "GET", "/health", { base })
      expect(r.status, base).toBe(200)
    }
  })

  it("unknown route: 404 envelope; wrong method: 405 with Allow", async () => {
    const fake = makeFake()
    const a = await call(fake, "GET", "/nope")
    expect(a.status).toBe(404)
    expect(a.body.error).toBe("NOT_FOUND")
    const b = await call(fake, "DELETE", "/health")
    expect(b.status).toBe(405)
    expect(b.body.error).toBe("METHOD_NOT_ALLOWED")
    expect(b.headers.get("allow")).toBe("GET")
  })

  it("401 AUTHENTICATION_ERROR without a key or with a non-vg key; models stay public", async () => {
    const fake = makeFake()
    const missing = await call(fake, "POST", "/generate", { key: null, body: { prompt: "x" } })
    expect(missing.status).toBe(401)
    expect(missing.body.error).toBe("AUTHENTICATION_ERROR")
    expect(typeof missing.body.message).toBe("string")
    const bad = await call(fake, "GET", "/usage", { key: "not-used" })
    expect(bad.status).toBe(401)
    const models = await call(fake, "GET", "/models?limit=1", { key: "not-used" })
    expect(models.status).toBe(200)
    const model = await call(fake, "GET", "/models/fal-ai/flux/schnell", { key: null })
    expect(model.status).toBe(200)
  })

  it("accepts any vg- key by default (own org), only listed keys when acceptAnyVgKey is false", async () => {
    const open = makeFake()
    const other = await call(open, "GET", "/auth/me", { key: "vg-1234567abc" })
    expect(other.status).toBe(200)
    const mine = await call(open, "GET", "/auth/me")
    expect(other.body.organization.id).not.toBe(mine.body.organization.id)
    expect(mine.body.role).toBe("api-key")

    const strict = makeFake({ acceptAnyVgKey: false, apiKeys: ["vg-only"] })
    expect((await call(strict, "GET", "/auth/me", { key: "vg-1234567abc" })).status).toBe(401)
    expect((await call(strict, "GET", "/auth/me", { key: "vg-only" })).status).toBe(200)
  })

  it("session tokens authenticate with role session", async () => {
    const fake = makeFake({ sessionTokens: ["firebase-id-token"] })
    const r = await call(fake, "GET", "/auth/me", { key: "firebase-id-token" })
    expect(r.status).toBe(200)
    expect(r.body.role).toBe("session")
  })

  it("logs requests with headers and bodies, secrets included", async () => {
    const fake = makeFake()
    await call(fake, "POST", "/generate", { body: { prompt: "logged" }, headers: { "x-fal-key": "fal_secret" } })
    const rec = fake.lastRequest("POST /generate")!
    expect(rec.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(rec.headers["x-fal-key"]).toBe("fal_secret")
    expect(rec.body).toEqual({ prompt: "logged" })
    expect(fake.requests).toHaveLength(1)
    fake.reset()
    expect(fake.requests).toHaveLength(0)
  })
})

describe("generation", () => {
  it("POST /generate returns a GenerateResult in managed mode, byok with X-Fal-Key", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/generate", {
      body: { prompt: "a sunset over Istanbul", params: { image_size: "512x512" } }
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      model: "fal-ai/flux/schnell",
      provider: "fal",
      mode: "managed",
      status: "completed",
      resolution: { width: 512, height: 512 }
    })
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.body.image_url).toBe(r.body.images[0])
    expect(r.body.estimated_cost_usd).toBeGreaterThan(0)
    expect(r.body.created_at).toMatch(/\+00:00$/)
    const byok = await call(fake, "POST", "/generate", {
      body: { prompt: "another" },
      headers: { "x-fal-key": "fal_abc" }
    })
    expect(byok.body.mode).toBe("byok")
    // a Replicate key does not make a Fal model byok
    const other = await call(fake, "POST", "/generate", {
      body: { prompt: "third" },
      headers: { "x-replicate-key": "r8_x" }
    })
    expect(other.body.mode).toBe("managed")
  })

  it("POST /images/generate with include_steps, and the accepted model ids", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/images/generate?include_steps=true", { body: IMG })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ model: IMG.model, provider: "fal", cache_hit: false, status: "completed" })
    expect(Array.isArray(r.body.steps)).toBe(true)
    const plain = await call(fake, "POST", "/images/generate", { body: { ...IMG, prompt: "no steps" } })
    expect(plain.body.steps).toBeUndefined()
    for (const model of ["replicate/black-forest-labs/flux-schnell", "runway/gen4_image"]) {
      const x = await call(fake, "POST", "/images/generate", { body: { model, prompt: "p" } })
      expect(x.status, model).toBe(200)
    }
    for (const model of ["fal-ai/veo3", "replicate/lucataco/cogvideox-5b", "runway/gen4_turbo"]) {
      const x = await call(fake, "POST", "/videos/generate", { body: { model, prompt: "waves", duration_seconds: 6 } })
      expect(x.status, model).toBe(200)
      expect(x.body.video_url).toMatch(/\.mp4$/)
    }
    expect(catalog.some((m) => m.id === "fal-ai/veo3")).toBe(false)
  })

  it("422 VALIDATION_ERROR with details.field", async () => {
    const fake = makeFake()
    const cases: Array<[string, unknown, string]> = [
      ["/images/generate", { model: IMG.model }, "prompt"],
      ["/images/generate", { model: IMG.model, prompt: "   " }, "prompt"],
      ["/images/generate", { model: IMG.model, prompt: 42 }, "prompt"],
      ["/images/generate", { prompt: "x" }, "model"],
      ["/images/generate", { model: "not a model!", prompt: "x" }, "model"],
      ["/images/generate", { ...IMG, width: "big" }, "width"],
      ["/images/generate", { ...IMG, height: 12.5 }, "height"],
      ["/images/generate", { ...IMG, num_images: 0 }, "num_images"],
      ["/images/generate", { ...IMG, seed: "abc" }, "seed"],
      ["/images/generate", "not json", "body"],
      ["/videos/generate", { model: "fal-ai/veo3", prompt: "x", duration_seconds: "long" }, "duration_seconds"],
      ["/generate", { prompt: "" }, "prompt"],
      ["/generate", { prompt: "x", params: { image_size: "huge" } }, "params.image_size"]
    ]
    for (const [path, body, field] of cases) {
      const r = await call(fake, "POST", path, { body })
      expect(r.status, JSON.stringify(body)).toBe(422)
      expect(r.body.error).toBe("VALIDATION_ERROR")
      expect(r.body.details.field, JSON.stringify(body)).toBe(field)
    }
    // nothing was billed or counted
    expect(fake.usageTotals().requests).toBe(0)
  })

  it("404 MODEL_NOT_FOUND for a model outside the catalog and the known prefixes", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/images/generate", { body: { model: "stability/sd-9", prompt: "x" } })
    expect(r.status).toBe(404)
    expect(r.body.error).toBe("MODEL_NOT_FOUND")
  })

  it("prompts containing 'fail' answer 502 PROVIDER_FAILURE and count as failed, unbilled", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/images/generate", { body: { ...IMG, prompt: "please fail" } })
    expect(r.status).toBe(502)
    expect(r.body).toMatchObject({ error: "PROVIDER_FAILURE", details: { provider: "fal" } })
    expect(fake.usageTotals()).toMatchObject({ requests: 1, failed: 1, billed: 0 })
  })

  it("exact cache: same model, prompt and size hit the second time with the cost avoided", async () => {
    const fake = makeFake()
    const first = await call(fake, "POST", "/images/generate", { body: IMG })
    expect(first.body.cache_hit).toBe(false)
    expect(first.body.provider_cost_avoided_micro).toBeUndefined()
    const second = await call(fake, "POST", "/images/generate", { body: IMG })
    expect(second.body).toMatchObject({
      cache_hit: true,
      cost: 0,
      cache_source: "exact",
      saved_amount: first.body.cost
    })
    expect(second.body.provider_cost_avoided_micro).toBeGreaterThan(0)
    expect(second.body.images).toEqual(first.body.images)
    expect(second.body.id).not.toBe(first.body.id)
    // a different size misses; another org misses
    const size = await call(fake, "POST", "/images/generate", { body: { ...IMG, width: 512 } })
    expect(size.body.cache_hit).toBe(false)
    const otherOrg = await call(fake, "POST", "/images/generate", { body: IMG, key: "vg-another1" })
    expect(otherOrg.body.cache_hit).toBe(false)
    // prefer_cache false skips the lookup
    const skip = await call(fake, "POST", "/images/generate", { body: { ...IMG, prefer_cache: false } })
    expect(skip.body.cache_hit).toBe(false)
    const usage = await call(fake, "GET", "/usage?period=day")
    expect(usage.body.cached_requests).toBe(1)
    expect(usage.body.total_savings).toBeCloseTo(first.body.cost, 6)
  })

  it("Idempotency-Key: a repeat returns the first response and is billed once; reuse with another body is 422", async () => {
    const fake = makeFake()
    const headers = { "idempotency-key": "idem-1" }
    const body = { ...IMG, prompt: "idempotent cat" }
    const a = await call(fake, "POST", "/images/generate", { body, headers })
    const b = await call(fake, "POST", "/images/generate", { body, headers })
    expect(b.status).toBe(a.status)
    expect(b.text).toBe(a.text)
    expect(b.headers.get("idempotent-replayed")).toBe("true")
    expect(fake.billedCount).toBe(1)
    expect(fake.usageTotals().requests).toBe(1)
    const reused = await call(fake, "POST", "/images/generate", { body: { ...body, prompt: "other" }, headers })
    expect(reused.status).toBe(422)
    expect(reused.body.error).toBe("IDEMPOTENCY_KEY_REUSED")
    // keys are per organisation
    const other = await call(fake, "POST", "/images/generate", { body, headers, key: "vg-someone9" })
    expect(other.headers.get("idempotent-replayed")).toBeNull()
  })

  it("GET /requests/{id}: 404 envelope for unknown ids", async () => {
    const fake = makeFake()
    const r = await call(fake, "GET", "/requests/00000000-0000-4000-8000-000000000000")
    expect(r.status).toBe(404)
    expect(r.body.error).toBe("REQUEST_NOT_FOUND")
  })
})

describe("models", () => {
  it("pages through a catalog of at least 150 models with limit/offset, cursor and page", async () => {
    const fake = makeFake()
    const first = await call(fake, "GET", "/models?limit=5", { key: null })
    expect(first.body.models).toHaveLength(5)
    expect(first.body.total_count).toBeGreaterThanOrEqual(150)
    expect(first.body.models[0].id).toBe("fal-ai/flux-pro")
    const ids = new Set<string>()
    let cursor: string | null = null
    let pages = 0
    do {
      const r: any = await call(fake, "GET", `/models?limit=40${cursor ? `&cursor=${cursor}` : ""}`, { key: null })
      for (const m of r.body.models) ids.add(m.id)
      cursor = r.body.next_cursor
      pages++
    } while (cursor)
    expect(ids.size).toBe(first.body.total_count)
    expect(pages).toBe(Math.ceil(first.body.total_count / 40))
    const offset = await call(fake, "GET", "/models?limit=5&offset=5", { key: null })
    const page2 = await call(fake, "GET", "/models?limit=5&page=2", { key: null })
    expect(page2.body.models).toEqual(offset.body.models)
  })

  it("filters by provider, media_type, capability and search; sorts; featured sections", async () => {
    const fake = makeFake()
    const vids = await call(fake, "GET", "/models?provider=replicate&media_type=video&limit=500", { key: null })
    expect(vids.body.models.length).toBeGreaterThan(0)
    expect(vids.body.models.every((m: any) => m.provider === "replicate" && m.media_type === "video")).toBe(true)
    expect(vids.body.total_count).toBe(vids.body.models.length)
    const i2v = await call(fake, "GET", "/models?capability=image-to-video&limit=500", { key: null })
    expect(i2v.body.models.every((m: any) => m.capabilities.includes("image-to-video"))).toBe(true)
    const none = await call(fake, "GET", "/models?search=istanbul", { key: null })
    expect(none.body).toMatchObject({ models: [], total_count: 0 })
    const flux = await call(fake, "GET", "/models?search=FLUX&limit=500", { key: null })
    expect(flux.body.models.length).toBeGreaterThan(3)
    const byCost = await call(fake, "GET", "/models?sort=cost&limit=500", { key: null })
    const costs = byCost.body.models.map((m: any) => m.normalized_cost_micro)
    expect(costs).toEqual([...costs].sort((a, b) => a - b))
    const byName = await call(fake, "GET", "/models?sort=name&limit=3", { key: null })
    expect(byName.status).toBe(200)
    const newest = await call(fake, "GET", "/models?sort=newest&limit=500", { key: null })
    const dates = newest.body.models.map((m: any) => m.first_seen_at)
    expect(dates).toEqual([...dates].sort().reverse())
    expect((await call(fake, "GET", "/models?sort=random", { key: null })).body.details.field).toBe("sort")
    const featured = await call(fake, "GET", "/models?featured=true&limit=1", { key: null })
    expect(featured.body.featured.map((f: any) => f.key)).toEqual(["popular", "new", "video"])
    expect((await call(fake, "GET", "/models?limit=1", { key: null })).body.featured).toBeUndefined()
  })

  it("GET /models/{id} with slashes; 404 MODEL_NOT_FOUND", async () => {
    const fake = makeFake()
    const r = await call(fake, "GET", "/models/replicate/lucataco/cogvideox-5b")
    expect(r.body).toMatchObject({ id: "replicate/lucataco/cogvideox-5b", provider: "replicate", media_type: "video" })
    const bare = await call(fake, "GET", "/models/black-forest-labs/flux-schnell")
    expect(bare.body.id).toBe("replicate/black-forest-labs/flux-schnell")
    const missing = await call(fake, "GET", "/models/fal-ai/veo3")
    expect(missing.status).toBe(404)
    expect(missing.body.error).toBe("MODEL_NOT_FOUND")
  })
})

describe("usage, dashboard, billing", () => {
  it("usage counts what was generated and billed", async () => {
    const fake = makeFake()
    const a = await call(fake, "POST", "/images/generate", { body: IMG })
    await call(fake, "POST", "/images/generate", { body: IMG }) // cache hit
    const v = await call(fake, "POST", "/videos/generate", { body: { model: "runway/gen4_turbo", prompt: "waves" } })
    await call(fake, "POST", "/generate", { body: { prompt: "fail me" } }) // provider failure
    const u = await call(fake, "GET", "/usage?period=week")
    expect(u.status).toBe(200)
    expect(u.body).toMatchObject({
      period: "week",
      total_requests: 4,
      successful_requests: 3,
      failed_requests: 1,
      cached_requests: 1,
      by_provider: { fal: 3, runway: 1 },
      by_model: { [IMG.model]: 3, "runway/gen4_turbo": 1 }
    })
    expect(u.body.total_billed_cost).toBeCloseTo(a.body.cost + v.body.cost, 6)
    expect(u.body.total_provider_cost).toBeGreaterThan(0)
    expect(u.body.total_provider_cost).toBeLessThan(u.body.total_billed_cost)
    expect(u.body.avg_latency).toBeGreaterThan(0)
    expect(u.body.history).toHaveLength(7)
    expect(u.body.history.reduce((n: number, h: any) => n + h.requests, 0)).toBe(4)
    expect((await call(fake, "GET", "/usage?period=decade")).body.details.field).toBe("period")
    // out of the window after a year
    fake.advance(400 * 86_400_000)
    expect((await call(fake, "GET", "/usage?period=year")).body.total_requests).toBe(0)
  })

  it("usage logs ({logs} or a bare array), dashboard and downloads", async () => {
    const fake = makeFake()
    for (let i = 0; i < 3; i++) await call(fake, "POST", "/generate", { body: { prompt: `p${i}` } })
    const logs = await call(fake, "GET", "/usage/logs?limit=2&offset=0")
    expect(logs.body.logs).toHaveLength(2)
    expect(logs.body.logs[0]).toMatchObject({
      model: "fal-ai/flux/schnell",
      provider: "fal",
      cache_hit: false,
      status: "completed"
    })
    expect((await call(fake, "GET", "/usage/logs?limit=2&offset=2")).body.logs).toHaveLength(1)
    const bare = makeFake({ usageLogsShape: "array" })
    await call(bare, "POST", "/generate", { body: { prompt: "p" } })
    expect(Array.isArray((await call(bare, "GET", "/usage/logs")).body)).toBe(true)
    const d = await call(fake, "GET", "/dashboard?period=week")
    expect(d.body).toMatchObject({ period: "week", total_generations: 3 })
    expect(d.body.total_cost_usd).toBeGreaterThan(0)
    const dl = await call(fake, "POST", "/usage/downloads", {
      body: { request_id: "r1", url: "https://x/y.png", media_type: "image" }
    })
    expect(dl.status).toBe(201)
    expect(dl.body).toMatchObject({ tracked: true, request_id: "r1" })
    expect((await call(fake, "POST", "/usage/downloads", { body: { url: "u" } })).body.details.field).toBe("request_id")
  })

  it("billing stats, info (with _internal keys), pricing, checkout and subscription", async () => {
    const fake = makeFake()
    const stats = await call(fake, "GET", "/billing/stats")
    expect(Object.keys(stats.body).sort()).toEqual([
      "active_users",
      "avg_image_cost_micro",
      "avg_video_cost_micro",
      "base_fee_micro",
      "cache_hit_reduction_percent",
      "competitor_markup_percent",
      "image_mix_percent",
      "min_request_fee_micro",
      "providers",
      "request_fee_percent",
      "savings_share_percent",
      "total_models",
      "total_requests",
      "total_savings_micro",
      "video_mix_percent"
    ])
    const info = await call(fake, "GET", "/billing/info")
    expect(info.body).toMatchObject({ tier: "starter", billing_status: "active" })
    expect(Object.keys(info.body).some((k) => k.startsWith("_internal"))).toBe(true)
    const before = info.body.balance_micro
    await call(fake, "POST", "/generate", { body: { prompt: "spend" } })
    expect((await call(fake, "GET", "/billing/info")).body.balance_micro).toBeLessThan(before)
    const pricing = await call(fake, "GET", "/billing/pricing")
    expect(pricing.body.pricing.length).toBe(catalog.length)
    expect(typeof pricing.body.last_updated).toBe("string")
    const co = await call(fake, "POST", "/billing/checkout", {
      body: { amount_usd: 10, success_url: "https://example.com/ok", customer_email: "a@b.c" }
    })
    expect(co.status).toBe(200)
    expect(co.body.session_id).toMatch(/^cs_test_/)
    expect(co.body.checkout_url).toContain(co.body.session_id)
    expect(
      (await call(fake, "POST", "/billing/checkout", { body: { amount_usd: -1, success_url: "https://e" } })).body
        .details.field
    ).toBe("amount_usd")
    const sub = await call(fake, "PUT", "/billing/subscription", { body: { tier: "pro" } })
    expect(sub.body.tier).toBe("pro")
    expect((await call(fake, "PUT", "/billing/subscription", { body: { tier: "gold" } })).status).toBe(422)
  })
})

describe("providers, identity, keys", () => {
  it("stores, lists, masks and deletes provider keys", async () => {
    const fake = makeFake()
    expect((await call(fake, "GET", "/providers/keys")).body).toEqual({ keys: [] })
    const put = await call(fake, "PUT", "/providers/keys", { body: { provider: "fal", api_key: "fal_abcdefa346" } })
    expect(put.body).toMatchObject({ provider: "fal", validated: true, masked_key: "****a346" })
    expect(put.body.validated_at).toMatch(/\+00:00$/)
    const bad = await call(fake, "PUT", "/providers/keys", { body: { provider: "replicate", api_key: "nope" } })
    expect(bad.body).toMatchObject({ validated: false, validated_at: null, masked_key: "****nope" })
    expect((await call(fake, "GET", "/providers/keys")).body.keys.map((k: any) => k.provider)).toEqual([
      "fal",
      "replicate"
    ])
    expect(
      (await call(fake, "PUT", "/providers/keys", { body: { provider: "openai", api_key: "x" } })).body.details.field
    ).toBe("provider")
    const del = await call(fake, "DELETE", "/providers/keys/fal")
    expect(del).toMatchObject({ status: 200, body: { deleted: true, provider: "fal" } })
    expect((await call(fake, "DELETE", "/providers/keys/fal")).status).toBe(404)
    // stored keys alone do not turn on byok
    await call(fake, "PUT", "/providers/keys", { body: { provider: "fal", api_key: "fal_abcdefa346" } })
    expect((await call(fake, "POST", "/generate", { body: { prompt: "managed" } })).body.mode).toBe("managed")
  })

  it("validates keys by prefix, always 200", async () => {
    const fake = makeFake()
    const cases: Array<[string, string, boolean]> = [
      ["fal", "fal_x", true],
      ["replicate", "r8_x", true],
      ["runway", "rw_x", true],
      ["runpod", "rpa_x", true],
      ["fal", "r8_x", false],
      ["acme", "k", false],
      ["fal", "", false]
    ]
    for (const [provider, api_key, valid] of cases) {
      const r = await call(fake, "POST", "/providers/validate", { body: { provider, api_key } })
      expect(r.status).toBe(200)
      expect(r.body.valid, `${provider}/${api_key}`).toBe(valid)
      expect(typeof r.body.message).toBe("string")
    }
    expect(
      (await call(fake, "POST", "/providers/validate", { body: { provider: "fal", api_key: "fal_1" } })).body.message
    ).toBe("Valid Fal.ai API key")
  })

  it("balances reflect stored keys and BYOK headers", async () => {
    const fake = makeFake()
    const none = await call(fake, "GET", "/providers/balances")
    expect(none.body.balances.map((b: any) => [b.provider, b.configured])).toEqual([["fal", false], [
      "replicate",
      false
    ], ["runway", false]])
    await call(fake, "PUT", "/providers/keys", { body: { provider: "runway", api_key: "rw_1234" } })
    const some = await call(fake, "GET", "/providers/balances", { headers: { "x-fal-key": "fal_1" } })
    expect(some.body.balances).toContainEqual({
      provider: "runway",
      configured: true,
      available: true,
      limit: 10000,
      remaining: 1880,
      currency: "credits",
      message: null
    })
    expect(some.body.balances.find((b: any) => b.provider === "fal").configured).toBe(true)
  })

  it("GET /auth/me and GET /api-keys (a bare array)", async () => {
    const fake = makeFake({ apiKeys: ["vg-5e27273aaaa", "vg-05a2ee7bbbb"] })
    const me = await call(fake, "GET", "/auth/me", { key: "vg-5e27273aaaa" })
    expect(me.body.organization.id).toMatch(/^[A-Za-z0-9]{20}$/)
    expect(me.body.role).toBe("api-key")
    const keys = await call(fake, "GET", "/api-keys", { key: "vg-5e27273aaaa" })
    expect(Array.isArray(keys.body)).toBe(true)
    expect(keys.body.map((k: any) => k.key_prefix)).toEqual(["vg-5e27273", "vg-05a2ee7"])
    expect(keys.body[0].id).toMatch(/^[A-Za-z0-9]{20}$/)
  })

  it("is deterministic for a seed", async () => {
    const run = async () => {
      const fake = makeFake({ seed: 7 })
      return (await call(fake, "POST", "/generate", { body: { prompt: "same" } })).body
    }
    expect(await run()).toEqual(await run())
    const other = makeFake({ seed: 8 })
    expect((await call(other, "POST", "/generate", { body: { prompt: "same" } })).body.id).not.toBe((await run()).id)
  })

  it("uses the origin option for output URLs", async () => {
    const fake = makeFake({ origin: "https://media.example.test" })
    const r = await call(fake, "POST", "/generate", { body: { prompt: "x" }, base: BASE })
    expect(r.body.image_url.startsWith("https://media.example.test/api/v1/_fake/media/")).toBe(true)
  })
})
