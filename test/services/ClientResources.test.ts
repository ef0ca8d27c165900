/**
 * The Promise client's resources (models, usage, billing, providers, deployments, auth, apiKeys)
 * through a custom `fetch`: each method reaches the wire as its service does, results are plain
 * objects, failures reject with the SDK's error classes.
 */
import { describe, expect, it } from "vitest"
import { Client, DecodeError, ValidationError, VisgateError } from "../../src/index.js"
import { BASE_URL, mockFetch, type Route } from "../support/mockHttp.js"

const ok = (body: unknown, status = 200) => ({ status, body })

const routes: ReadonlyArray<Route> = [
  {
    method: "GET",
    path: "/models",
    reply: (req) => {
      const offset = Number(req.query.offset ?? 0)
      const limit = Number(req.query.limit ?? 100)
      const all = Array.from({ length: 5 }, (_, i) => ({ id: `fal-ai/m${i}`, name: `M${i}` }))
      return ok({ models: all.slice(offset, offset + limit), total_count: all.length })
    }
  },
  { method: "GET", path: /^\/models\//, reply: ok({ id: "fal-ai/flux/schnell", name: "FLUX Schnell" }) },
  { method: "GET", path: "/usage", reply: ok({ total_requests: 10, cached_requests: 5, total_cost_usd: 0.5 }) },
  { method: "GET", path: "/usage/logs", reply: ok({ logs: [{ id: "r1" }] }) },
  { method: "GET", path: "/dashboard", reply: ok({ total_generations: 327, total_cost_usd: 0.13 }) },
  { method: "POST", path: "/usage/downloads", reply: { status: 204 } },
  { method: "GET", path: "/billing/stats", reply: ok({ total_models: 1704 }) },
  { method: "GET", path: "/billing/info", reply: ok({ tier: "starter", _secret: 1 }) },
  { method: "GET", path: "/billing/pricing", reply: ok({ pricing: [] }) },
  { method: "POST", path: "/billing/checkout", reply: ok({ checkout_url: "https://pay.test/1" }) },
  { method: "PUT", path: "/billing/subscription", reply: ok({ tier: "pro" }) },
  { method: "GET", path: "/providers/keys", reply: ok({ keys: [{ provider: "fal", validated: true }] }) },
  { method: "PUT", path: "/providers/keys", reply: ok({ provider: "fal", validated: true, masked_key: "****1234" }) },
  { method: "DELETE", path: "/providers/keys/fal", reply: { status: 204 } },
  { method: "POST", path: "/providers/validate", reply: ok({ valid: false, message: "Fal API key is invalid" }) },
  { method: "GET", path: "/providers/balances", reply: ok({ balances: [] }) },
  { method: "POST", path: "/deployments", reply: ok({ deployment_id: "dep_1", status: "accepted_cold" }, 202) },
  { method: "GET", path: "/deployments", reply: ok({ deployments: [{ deployment_id: "dep_1", status: "ready" }] }) },
  { method: "GET", path: "/deployments/gpus", reply: ok({ gpus: [{ id: "NVIDIA RTX A5000" }] }) },
  { method: "GET", path: "/deployments/dep_1", reply: ok({ deployment_id: "dep_1", status: "ready" }) },
  { method: "DELETE", path: "/deployments/dep_1", reply: { status: 204 } },
  { method: "POST", path: "/deployments/dep_1/run", reply: ok({ job_id: "job_1", status: "queued" }, 202) },
  { method: "GET", path: "/deployments/dep_1/logs", reply: ok({ logs: [] }) },
  {
    method: "GET",
    path: "/deployments/dep_1/cost",
    reply: ok({ deployment_id: "dep_1", status: "ready", estimated_cost_usd: 0.1 })
  },
  { method: "GET", path: "/auth/me", reply: ok({ organization: { id: "org1", name: "Org" }, role: "api-key" }) },
  { method: "GET", path: "/api-keys", reply: ok([{ id: "k1", name: "main", key_prefix: "vg-1234567" }]) }
]

const makeClient = (extra: ConstructorParameters<typeof Client>[0] = {}) => {
  const mock = mockFetch(routes)
  const client = new Client({ apiKey: "vg-test", baseUrl: BASE_URL, maxRetries: 0, fetch: mock.fetch, ...extra })
  return { client, recorded: mock.recorded }
}

const isPlain = (u: unknown) => Object.getPrototypeOf(u) === Object.prototype

describe("Promise client resources (custom fetch)", () => {
  it("every resource method reaches the wire as documented", async () => {
    const { client, recorded } = makeClient({ runpodKey: "rpa_x" })
    await client.models.list({ provider: "fal", featured: true, limit: 2 })
    await client.models.get("fal-ai/flux/schnell")
    await client.models.search("flux", { limit: 3 })
    await client.usage.get("week")
    await client.usage.logs({ limit: 5 })
    await client.usage.dashboard()
    await client.usage.trackDownload("req-1", "https://cdn.test/x.png", { mediaType: "image" })
    await client.billing.getStats()
    await client.billing.getInfo()
    await client.billing.getPricing()
    await client.billing.checkout(10, "https://app.test", { customerEmail: "a@b.test" })
    await client.billing.updateSubscription("pro")
    await client.providers.listKeys()
    await client.providers.setKey("fal", "fal_secret")
    await client.providers.deleteKey("fal")
    await client.providers.validateKey("fal", "fal_secret")
    await client.providers.balances()
    await client.deployments.create({ hfModelId: "stabilityai/sdxl-turbo", task: "text2img" })
    await client.deployments.list()
    await client.deployments.get("dep_1")
    await client.deployments.run("dep_1", { prompt: "cat" })
    await client.deployments.getLogs("dep_1")
    await client.deployments.getCost("dep_1")
    await client.deployments.listGpus()
    await client.deployments.delete("dep_1")
    await client.auth.me()
    await client.apiKeys.list()
    const base = new URL(BASE_URL).pathname
    expect(recorded.map((r) => `${r.method} ${r.pathname.slice(base.length)}${new URL(r.url).search}`)).toEqual([
      "GET /models?provider=fal&limit=2&featured=true",
      "GET /models/fal-ai/flux/schnell",
      "GET /models?search=flux&limit=3",
      "GET /usage?period=week",
      "GET /usage/logs?limit=5&offset=0",
      "GET /dashboard?period=month",
      "POST /usage/downloads",
      "GET /billing/stats",
      "GET /billing/info",
      "GET /billing/pricing",
      "POST /billing/checkout",
      "PUT /billing/subscription",
      "GET /providers/keys",
      "PUT /providers/keys",
      "DELETE /providers/keys/fal",
      "POST /providers/validate",
      "GET /providers/balances",
      "POST /deployments",
      "GET /deployments",
      "GET /deployments/dep_1",
      "POST /deployments/dep_1/run",
      "GET /deployments/dep_1/logs",
      "GET /deployments/dep_1/cost",
      "GET /deployments/gpus",
      "DELETE /deployments/dep_1",
      "GET /auth/me",
      "GET /api-keys"
    ])
    const bodies = Object.fromEntries(
      recorded.filter((r) => r.body !== undefined).map((r) => [`${r.method} ${r.pathname}`, r.body])
    )
    expect(bodies).toEqual({
      "POST /v1/usage/downloads": { request_id: "req-1", url: "https://cdn.test/x.png", media_type: "image" },
      "POST /v1/billing/checkout": { amount_usd: 10, success_url: "https://app.test", customer_email: "a@b.test" },
      "PUT /v1/billing/subscription": { tier: "pro" },
      "PUT /v1/providers/keys": { provider: "fal", api_key: "fal_secret" },
      "POST /v1/providers/validate": { provider: "fal", api_key: "fal_secret" },
      "POST /v1/deployments": { hf_model_id: "stabilityai/sdxl-turbo", task: "text2img" },
      "POST /v1/deployments/dep_1/run": { input: { prompt: "cat" } }
    })
    for (const r of recorded.filter((r) => r.pathname.includes("/deployments"))) {
      expect(r.headers["x-runpod-key"]).toBe("rpa_x")
    }
    await client.close()
  })

  it("results are plain objects with the documented fields", async () => {
    const { client } = makeClient()
    const usage = await client.usage.get()
    expect(isPlain(usage)).toBe(true)
    expect(usage).toMatchObject({ totalRequests: 10, totalBilledCost: 0.5, cacheHitRate: 50 })
    const info = await client.billing.getInfo()
    expect(info.raw).toEqual({ tier: "starter" })
    const model = await client.models.get("fal-ai/flux/schnell")
    expect(isPlain(model)).toBe(true)
    const keys = await client.apiKeys.list()
    expect(keys[0]).toEqual({ id: "k1", name: "main", keyPrefix: "vg-1234567" })
    expect(await client.deployments.delete("dep_1")).toBeUndefined()
    expect(await client.usage.trackDownload("r", "https://x")).toBeUndefined()
    await client.close()
  })

  it("models.iterate walks every page with for await, lazily", async () => {
    const { client, recorded } = makeClient()
    const ids: Array<string> = []
    for await (const m of client.models.iterate({ pageSize: 2 })) {
      expect(isPlain(m)).toBe(true)
      ids.push(m.id)
    }
    expect(ids).toEqual(["fal-ai/m0", "fal-ai/m1", "fal-ai/m2", "fal-ai/m3", "fal-ai/m4"])
    expect(recorded.map((r) => r.query.offset)).toEqual(["0", "2", "4"])

    recorded.length = 0
    for await (const m of client.models.iterate({ pageSize: 2 })) {
      if (m.id === "fal-ai/m0") break
    }
    expect(recorded).toHaveLength(1)
    await client.close()
  })

  it("models.iterate rejects with the typed error", async () => {
    const { client } = makeClient()
    const iterator = client.models.iterate({ pageSize: 0 })[Symbol.asyncIterator]()
    await expect(iterator.next()).rejects.toBeInstanceOf(ValidationError)
    await client.close()
  })

  it("failures reject with the SDK's error classes before or after the request", async () => {
    const { client, recorded } = makeClient()
    await expect(client.usage.get("hour" as "day")).rejects.toBeInstanceOf(ValidationError)
    await expect(client.deployments.get("")).rejects.toMatchObject({ field: "deploymentId" })
    expect(recorded).toHaveLength(0)
    await expect(client.deployments.get("dep_missing")).rejects.toBeInstanceOf(VisgateError)
    const bad = mockFetch([{ path: "/auth/me", reply: ok({ role: "x" }) }])
    const client2 = new Client({ apiKey: "vg-test", baseUrl: BASE_URL, maxRetries: 0, fetch: bad.fetch })
    const error = await client2.auth.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ field: "organization" })
    await client.close()
    await client2.close()
  })
})
