/**
 * Every issue-3 method of the Promise client against the fake Visgate API (over its `fetch`
 * transport): the wire shapes the SDK sends are the ones the fake accepts, and what the fake
 * answers decodes.
 */
import { describe, expect, it } from "vitest"
import { Client, ValidationError } from "../../src/index.js"
import { FakeVisgate } from "../../src/testing/fake/index.js"

const setup = () => {
  const fake = new FakeVisgate({ startAt: Date.UTC(2026, 2, 1) })
  const client = new Client({
    apiKey: "vg-test-key",
    runpodKey: "rpa_test",
    baseUrl: "http://fake.local/api/v1",
    maxRetries: 0,
    fetch: fake.fetch
  })
  return { fake, client }
}

describe("issue-3 resources against the fake API", () => {
  it("models: list, get (slashes kept), search, and iterate over every page", async () => {
    const { client } = setup()
    const page = await client.models.list({ provider: "fal", limit: 3, featured: true })
    expect(page.models.length).toBeLessThanOrEqual(3)
    expect(page.totalCount).toBeGreaterThan(0)
    const first = page.models[0]!
    const one = await client.models.get(first.id)
    expect(one.id).toBe(first.id)
    const found = await client.models.search(first.name.split(" ")[0]!, { limit: 5 })
    expect(found.models.length).toBeGreaterThan(0)
    const total = (await client.models.list({ limit: 1 })).totalCount
    const walk = async (pageSize: number) => {
      const ids: Array<string> = []
      for await (const m of client.models.iterate({ pageSize })) ids.push(m.id)
      return ids
    }
    const small = await walk(7)
    expect(small).toHaveLength(total!)
    expect(new Set(small).size).toBe(total)
    expect(small).toEqual(await walk(100))
    await client.close()
  })

  it("usage, billing, providers, account", async () => {
    const { client } = setup()
    await client.generate("a sunset")
    const usage = await client.usage.get("month")
    expect(usage.totalRequests).toBeGreaterThan(0)
    expect(usage.cacheHitRate).toBeGreaterThanOrEqual(0)
    expect(Array.isArray(await client.usage.logs({ limit: 5 }))).toBe(true)
    expect((await client.usage.dashboard("week")).raw).toBeTypeOf("object")
    await client.usage.trackDownload("request-id", "https://cdn.example.com/a.png", { mediaType: "image" })
    await expect(client.usage.get("hour" as "day")).rejects.toBeInstanceOf(ValidationError)

    expect((await client.billing.getStats()).raw).toBeTypeOf("object")
    const info = await client.billing.getInfo()
    expect(Object.keys(info.raw).some((k) => k.startsWith("_"))).toBe(false)
    expect((await client.billing.getPricing()).raw).toBeTypeOf("object")
    const session = await client.billing.checkout(10, "https://app.example.com/billing", { customerEmail: "a@b.test" })
    expect(session.checkoutUrl).toBeTypeOf("string")
    await client.billing.updateSubscription("starter")

    await client.providers.setKey("fal", "fal_abcdef123456")
    const keys = await client.providers.listKeys()
    expect(keys.keys.map((k) => k.provider)).toContain("fal")
    expect(typeof (await client.providers.validateKey("fal", "fal_abcdef123456")).valid).toBe("boolean")
    expect((await client.providers.deleteKey("fal")).deleted).toBe(true)
    expect(Array.isArray((await client.providers.balances()).balances)).toBe(true)

    const me = await client.auth.me()
    expect(me.organization.id).toBeTypeOf("string")
    expect(Array.isArray(await client.apiKeys.list())).toBe(true)
    await client.close()
  })

  it("deployments: create, list, get, run once ready, logs, cost, gpus, delete", async () => {
    const { client, fake } = setup()
    const created = await client.deployments.create({
      hfModelId: "stabilityai/sdxl-turbo",
      gpuTier: "STANDARD",
      task: "text2img"
    })
    expect(created.deploymentId).toMatch(/^dep_/)
    fake.advance(60_000)
    const detail = await client.deployments.get(created.deploymentId)
    expect(detail.status).toBe("ready")
    expect((await client.deployments.list()).deployments.map((d) => d.deploymentId)).toContain(created.deploymentId)
    const job = await client.deployments.run(created.deploymentId, { prompt: "cinematic cat portrait" })
    expect(job.jobId ?? job.status).toBeDefined()
    expect(Array.isArray(await client.deployments.getLogs(created.deploymentId))).toBe(true)
    const cost = await client.deployments.getCost(created.deploymentId)
    expect(cost.deploymentId).toBe(created.deploymentId)
    expect((await client.deployments.listGpus()).gpus.length).toBeGreaterThan(0)
    await client.deployments.delete(created.deploymentId)
    expect((await client.deployments.get(created.deploymentId)).status).toBe("deleted")
    await client.close()
  })
})
