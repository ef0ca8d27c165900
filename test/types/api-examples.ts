// Generated from docs/API.md by `npx tsx scripts/gen-api-examples.ts`. Do not edit.
// Type-checked by `tsc -p tsconfig.json`; never run. test/types/api-docs.test.ts keeps it in sync.
/* eslint-disable */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Client } from "@visgate_ai/client"
import { Account, Billing, Deployments, DeploymentWatch, Downloads, Generate, Health, Images, InferenceJobs, Models, Providers, Requests, Usage, Videos, VisgateLayer } from "@visgate_ai/client/effect"
import { DecodeError, unwrap, unwrapRaw, type WebhookEvent, WebhookVerificationError } from "@visgate_ai/client/webhooks"
import * as Redacted from "effect/Redacted"
import { Webhooks } from "@visgate_ai/client/effect"

export async function example1(client: Client) {
  {
    const client = new Client({ apiKey: "vg-...", runpodKey: "rpa_...", deploymentsBaseUrl: "https://deploy.example.com" })
    const result = await client.generate("a sunset over Istanbul", { model: "fal-ai/flux/schnell" })
    console.log(result.imageUrl, result.cost)
    const health = await client.health()
    console.log(health.status, health.version)
    await client.close()
  }
}

export async function example2(client: Client) {
  {
    const program = Effect.gen(function* () {
      const generate = yield* Generate.Generate
      const health = yield* Health.Health
      const result = yield* generate.generate("a sunset")
      const status = yield* health.check()
      return [result.imageUrl, status.status]
    })
    await Effect.runPromise(Effect.provide(program, VisgateLayer.layerFetch({ apiKey: "vg-..." })))
  }
}

export async function example3(client: Client) {
  {
    const client = new Client({ apiKey: "vg-...", logLevel: "debug", logger: console, tracing: true })
    const image = await client.images.generate("fal-ai/flux/schnell", "a cat", {
      timeout: 30_000,
      maxRetries: 1,
      headers: { "x-trace-tag": "demo" },
      onResponse: (response) => console.log(response.status, response.requestId)
    })
    console.log(image.cost)
  }
}

export async function example4(client: Client) {
  {
    const image = await client.images.generate("fal-ai/flux/schnell", "a cat in space", { width: 1024, height: 1024 })
    console.log(image.images, image.cacheHit)
    const video = await client.videos.generate("fal-ai/veo3", "waves on a beach", { durationSeconds: 6, preferAsync: true })
    if (video.status === "accepted") {
      const status = await client.requests.get(video.requestId)
      console.log(status.status, status.outputUrl)
    }
  }
}

export async function example5(client: Client) {
  {
    const program = Effect.gen(function* () {
      const images = yield* Images.Images
      const videos = yield* Videos.Videos
      const requests = yield* Requests.Requests
      const image = yield* images.generate("fal-ai/flux/schnell", "a cat")
      const video = yield* videos.generate("fal-ai/veo3", "waves", { preferAsync: true })
      if (video.status === "accepted") return yield* requests.get(video.requestId)
      return image
    })
  }
}

export async function example6(client: Client) {
  {
    const limited = new Client({ apiKey: "vg-...", rateLimit: { requestsPerMinute: 100 }, maxConcurrency: 4 })
    const entries = await limited.images.generateMany(
      [{ prompt: "a red chair", key: "sku-1" }, { prompt: "a blue lamp", key: "sku-2", width: 512, height: 512 }],
      { concurrency: 2, onProgress: (p) => console.log(`${p.done}/${p.total}`) }
    )
    for (const e of entries) console.log(e.index, e.ok ? e.value.images[0] : e.error.message)
    for await (const e of client.videos.generateManyIter([{ prompt: "waves", key: "clip-1" }], { model: "fal-ai/veo3" })) {
      if (e.ok) console.log("requestId" in e.value ? e.value.outputUrl : e.value.videoUrl)
    }
  }
}

export async function example7(client: Client) {
  {
    const batch = Images.generateMany([{ prompt: "a red chair", key: "sku-1" }, { prompt: "a blue lamp" }], { concurrency: 2 })
    const done = Stream.runForEach(batch, (e) => Effect.log(e.index, e.ok ? e.value.images[0] : e.error.message))
  }
}

export async function example8(client: Client) {
  {
    const done = await client.requests.wait("cbb9da31-6009-4a61-8909-935a6be36e0d", {
      timeout: 10 * 60_000,
      onStatus: (p) => console.log(p.status, p.elapsedMs),
    })
    console.log(done.outputUrl)
  }
}

export async function example9(client: Client) {
  {
    for await (const p of client.requests.watch("cbb9da31-6009-4a61-8909-935a6be36e0d")) console.log(p.status, p.polls)
  }
}

export async function example10(client: Client) {
  {
    const picture = await client.images.generateAndWait("fal-ai/flux/schnell", "a cat in space", { timeout: 120_000 })
    console.log("requestId" in picture ? picture.outputUrl : picture.images)
  }
}

export async function example11(client: Client) {
  {
    const clip = await client.videos.generateAndWait("fal-ai/veo3", "waves on a beach", { durationSeconds: 6 })
    console.log("requestId" in clip ? clip.outputUrl : clip.videoUrl)
  }
}

export async function example12(client: Client) {
  {
    const program = Effect.gen(function* () {
      const requests = yield* Requests.Requests
      const images = yield* Images.Images
      const videos = yield* Videos.Videos
      const updates = yield* Stream.runCollect(requests.poll("cbb9da31-6009-4a61-8909-935a6be36e0d", { timeout: "5 minutes" }))
      const done = yield* requests.wait("cbb9da31-6009-4a61-8909-935a6be36e0d")
      const picture = yield* images.generateAndWait("fal-ai/flux/schnell", "a cat")
      const clip = yield* videos.generateAndWait("fal-ai/veo3", "waves")
      return [updates.length, done.status, picture, clip]
    })
  }
}

export async function example13(client: Client) {
  {
    const page = await client.models.list({ provider: "fal", mediaType: "image", sort: "popular", limit: 20, featured: true })
    console.log(page.totalCount, page.models.map((m) => m.id), page.featured?.map((s) => s.title))
  }
}

export async function example14(client: Client) {
  {
    const model = await client.models.get("fal-ai/flux/schnell")
    console.log(model.name, model.provider, model.mediaType, model.baseCostMicro)
  }
}

export async function example15(client: Client) {
  {
    const found = await client.models.search("flux", { limit: 5 })
    console.log(found.models.length)
  }
}

export async function example16(client: Client) {
  {
    for await (const m of client.models.iterate({ provider: "fal", pageSize: 100 })) {
      if (m.capabilities.includes("image-to-video")) console.log(m.id)
    }
  }
}

export async function example17(client: Client) {
  {
    const program = Effect.gen(function* () {
      const models = yield* Models.Models
      const page = yield* models.list({ mediaType: "video", limit: 10 })
      const one = yield* models.get("fal-ai/flux/schnell")
      const found = yield* models.search("istanbul")
      const all = yield* Stream.runCollect(models.iterate({ provider: "replicate" }))
      return [page.models.length, one.id, found.totalCount, all.length]
    })
  }
}

export async function example18(client: Client) {
  {
    const usage = await client.usage.get("month")
    console.log(usage.totalRequests, usage.totalBilledCost, usage.cacheHitRate, usage.byProvider)
  }
}

export async function example19(client: Client) {
  {
    const logs = await client.usage.logs({ limit: 50, offset: 0 })
    console.log(logs.length)
  }
}

export async function example20(client: Client) {
  {
    const dashboard = await client.usage.dashboard("week")
    console.log(dashboard.totalGenerations, dashboard.totalCostUsd, dashboard.raw)
  }
}

export async function example21(client: Client) {
  {
    await client.usage.trackDownload("request-id", "https://cdn.example.com/out.png", { mediaType: "image" })
  }
}

export async function example22(client: Client) {
  {
    const program = Effect.gen(function* () {
      const usage = yield* Usage.Usage
      const summary = yield* usage.get("week")
      const logs = yield* usage.logs({ limit: 10 })
      const dashboard = yield* usage.dashboard("day")
      yield* usage.trackDownload("request-id", "https://cdn.example.com/out.png")
      return [summary.cacheHitRate, logs.length, dashboard.raw]
    })
  }
}

export async function example23(client: Client) {
  {
    const image = await client.images.generate("fal-ai/flux/schnell", "a red fox")
    const { bytes, contentType } = await client.download(image, { maxBytes: 20 * 1024 * 1024 })
    const file = await client.download(image, { to: "fox.png", track: true, onProgress: (p) => console.log(p.receivedBytes) })
    console.log(bytes.length, contentType, file.path, file.size)
  }
}

export async function example24(client: Client) {
  {
    const program = Effect.gen(function* () {
      const downloads = yield* Downloads.Downloads
      const images = yield* Images.Images
      const image = yield* images.generate("fal-ai/flux/schnell", "a red fox")
      const { size } = yield* downloads.bytes(image)
      const chunks = yield* Stream.runCount(downloads.stream(image, { maxBytes: 1_000_000 }))
      return [size, chunks]
    })
  }
}

export async function example25(client: Client) {
  {
    const stats = await client.billing.getStats()
    console.log(stats.totalModels, stats.avgImageCostMicro, stats.cacheHitReductionPercent)
  }
}

export async function example26(client: Client) {
  {
    const info = await client.billing.getInfo()
    console.log(info.tier, info.balanceMicro, info.monthlyBudgetCents, info.usageThisMonthCents)
  }
}

export async function example27(client: Client) {
  {
    const pricing = await client.billing.getPricing()
    console.log(pricing.lastUpdated, pricing.pricing)
  }
}

export async function example28(client: Client) {
  {
    const session = await client.billing.checkout(10, "https://app.example.com/billing", { customerEmail: "me@example.com" })
    console.log(session.checkoutUrl)
  }
}

export async function example29(client: Client) {
  {
    const updated = await client.billing.updateSubscription("starter")
    console.log(updated.tier, updated.raw)
  }
}

export async function example30(client: Client) {
  {
    const program = Effect.gen(function* () {
      const billing = yield* Billing.Billing
      const stats = yield* billing.getStats()
      const info = yield* billing.getInfo()
      const pricing = yield* billing.getPricing()
      const session = yield* billing.checkout(25, "https://app.example.com/billing")
      const updated = yield* billing.updateSubscription("pro")
      return [stats.raw, info.tier, pricing.pricing, session.checkoutUrl, updated.tier]
    })
  }
}

export async function example31(client: Client) {
  {
    const keys = await client.providers.listKeys()
    for (const k of keys.keys) console.log(k.provider, k.validated, k.maskedKey)
  }
}

export async function example32(client: Client) {
  {
    const stored = await client.providers.setKey("fal", "fal_...")
    console.log(stored.maskedKey)
  }
}

export async function example33(client: Client) {
  {
    const removed = await client.providers.deleteKey("fal")
    console.log(removed.deleted)
  }
}

export async function example34(client: Client) {
  {
    const check = await client.providers.validateKey("replicate", "r8_...")
    console.log(check.valid, check.message)
  }
}

export async function example35(client: Client) {
  {
    const balances = await client.providers.balances()
    for (const b of balances.balances) console.log(b.provider, b.remaining, b.limit, b.currency)
  }
}

export async function example36(client: Client) {
  {
    const program = Effect.gen(function* () {
      const providers = yield* Providers.Providers
      const keys = yield* providers.listKeys()
      yield* providers.setKey("runway", "rw_...")
      const check = yield* providers.validateKey("runway", "rw_...")
      yield* providers.deleteKey("runway")
      const balances = yield* providers.balances()
      return [keys.keys.length, check.valid, balances.balances.length]
    })
  }
}

export async function example37(client: Client) {
  {
    const created = await client.deployments.create({ hfModelId: "stabilityai/sdxl-turbo", gpuTier: "STANDARD", task: "text_to_image" })
    console.log(created.deploymentId, created.status, created.estimatedReadySeconds)
  }
}

export async function example38(client: Client) {
  {
    const list = await client.deployments.list({ status: "ready", limit: 10 })
    for (const d of list.deployments) console.log(d.deploymentId, d.status, d.endpointUrl)
  }
}

export async function example39(client: Client) {
  {
    const detail = await client.deployments.get("dep_2026_400ea2c4")
    console.log(detail.status, detail.endpointUrl, detail.gpuAllocated, detail.error)
  }
}

export async function example40(client: Client) {
  {
    await client.deployments.delete("dep_2026_400ea2c4")
  }
}

export async function example41(client: Client) {
  {
    const job = await client.deployments.run("dep_2026_400ea2c4", { prompt: "cinematic cat portrait" })
    console.log(job.jobId, job.status, job.output)
  }
}

export async function example42(client: Client) {
  {
    const logs = await client.deployments.getLogs("dep_2026_400ea2c4")
    for (const line of logs) console.log(line.timestamp, line.level, line.message)
  }
}

export async function example43(client: Client) {
  {
    const cost = await client.deployments.getCost("dep_2026_400ea2c4")
    console.log(cost.hoursRunning, cost.pricePerHourUsd, cost.estimatedCostUsd, cost.note)
  }
}

export async function example44(client: Client) {
  {
    const gpus = await client.deployments.listGpus()
    for (const g of gpus.gpus) console.log(g.displayName, g.memoryGb, g.bidPricePerHr, g.pricePerHr)
  }
}

export async function example45(client: Client) {
  {
    for await (const p of client.deployments.watch("dep_2026_400ea2c4", { timeout: 15 * 60_000 })) {
      console.log(p.status, p.estimatedRemainingSeconds)
    }
  }
}

export async function example46(client: Client) {
  {
    for await (const line of client.deployments.logs("dep_2026_400ea2c4")) console.log(line.level, line.message)
  }
}

export async function example47(client: Client) {
  {
    const readyState = await client.deployments.waitUntilReady("dep_2026_400ea2c4", { onStatus: (p) => console.log(p.status) })
    console.log(readyState.endpointUrl)
  }
}

export async function example48(client: Client) {
  {
    const program = Effect.gen(function* () {
      const deployments = yield* Deployments.Deployments
      const created = yield* deployments.create({ hfModelId: "stabilityai/sdxl-turbo" })
      const list = yield* deployments.list()
      const detail = yield* deployments.get(created.deploymentId)
      const job = yield* deployments.run(created.deploymentId, { prompt: "a cat" })
      const logs = yield* deployments.getLogs(created.deploymentId)
      const cost = yield* deployments.getCost(created.deploymentId)
      const gpus = yield* deployments.listGpus()
      yield* deployments.delete(created.deploymentId)
      return [list.deployments.length, detail.status, job.status, logs.length, cost.estimatedCostUsd, gpus.gpus.length]
    })
  }
}

export async function example49(client: Client) {
  {
    const program = Effect.gen(function* () {
      const watcher = yield* DeploymentWatch.DeploymentWatch
      const updates = yield* Stream.runCollect(watcher.watch("dep_2026_400ea2c4", { timeout: "15 minutes" }))
      const lines = yield* Stream.runCollect(watcher.logs("dep_2026_400ea2c4"))
      const state = yield* watcher.waitUntilReady("dep_2026_400ea2c4")
      return [updates.length, lines.length, state.endpointUrl]
    })
  }
}

export async function example50(client: Client) {
  {
    const started = await client.jobs.create({
      deploymentId: "dep_2026_400ea2c4",
      input: { prompt: "cinematic cat portrait" },
      policy: { executionTimeoutMs: 120_000, ttlMs: 600_000 },
    })
    const finished = await client.jobs.wait(started.jobId, { timeout: 5 * 60_000, cancelOnAbort: true })
    console.log(finished.output, finished.artifact?.url, finished.estimatedCostUsd)
  }
}

export async function example51(client: Client) {
  {
    const jobs = await client.jobs.list({ deploymentId: "dep_2026_400ea2c4", limit: 20 })
    for (const j of jobs.jobs) console.log(j.jobId, j.status)
    const one = await client.jobs.get("job_20260308_ab12cd34")
    const stopped = await client.jobs.cancel("job_20260308_ab12cd34")
    const again = await client.jobs.retry("job_20260308_ab12cd34")
    console.log(one.status, stopped.status, again.status)
    for await (const p of client.jobs.watch("job_20260308_ab12cd34")) console.log(p.status, p.elapsedMs)
  }
}

export async function example52(client: Client) {
  {
    const controller = new AbortController()
    const output = await client.jobs.createAndWait({
      deploymentId: "dep_2026_400ea2c4",
      input: { prompt: "a cat" },
      timeout: 2 * 60_000,
      sendDeadline: true,
      cancelOnAbort: true,
      signal: controller.signal,
    })
    console.log(output.jobId, output.output)
  }
}

export async function example53(client: Client) {
  {
    const program = Effect.gen(function* () {
      const jobs = yield* InferenceJobs.InferenceJobs
      const job = yield* jobs.create({ deploymentId: "dep_2026_400ea2c4", input: { prompt: "a cat" } })
      const updates = yield* Stream.runCollect(jobs.poll(job.jobId))
      const done = yield* jobs.wait(job.jobId, { timeout: "5 minutes", cancelOnAbort: true })
      const listed = yield* jobs.list({ deploymentId: "dep_2026_400ea2c4" })
      const fetched = yield* jobs.get(job.jobId)
      const cancelled = yield* jobs.cancel(job.jobId)
      const retried = yield* jobs.retry(job.jobId)
      const both = yield* jobs.createAndWait({ deploymentId: "dep_2026_400ea2c4", input: {}, sendDeadline: true })
      return [updates.length, done.output, listed.total, fetched.status, cancelled.status, retried.status, both.jobId]
    })
  }
}

export async function example54(client: Client) {
  {
    const me = await client.auth.me()
    console.log(me.organization.id, me.organization.name, me.role)
  }
}

export async function example55(client: Client) {
  {
    const apiKeys = await client.apiKeys.list()
    for (const k of apiKeys) console.log(k.id, k.name, k.keyPrefix)
  }
}

export async function example56(client: Client) {
  {
    const program = Effect.gen(function* () {
      const account = yield* Account.Account
      const me = yield* account.me()
      const keys = yield* account.listApiKeys()
      return [me.role, keys.length]
    })
  }
}

export async function example57(client: Client) {
  {
    // Next.js route handler: app/api/webhooks/visgate/route.ts
    async function POST(request: Request): Promise<Response> {
      let event: WebhookEvent
      try {
        event = await unwrap(request, { secret: process.env.VISGATE_WEBHOOK_SECRET })
      } catch (err) {
        if (err instanceof WebhookVerificationError) return new Response(null, { status: err.reason === "body_too_large" ? 413 : 401 })
        if (err instanceof DecodeError) return Response.json({ field: err.field }, { status: 400 })
        throw err
      }
      if (event.event === "deployment_ready") console.log(event.deploymentId, event.endpointUrl)
      else if (event.event === "unknown") console.log("new event", event.rawEvent, event.payload)
      else console.log(event.jobId, event.status, event.artifact?.url, event.error)
      return new Response(null, { status: 204 })
    }
  }
}

export async function example58(client: Client) {
  {
    // Node / Express: keep the raw body on this route
    // app.post("/webhooks/visgate", express.raw({ type: "application/json" }), async (req, res) => { ... })
    async function handle(req: { body: Buffer; headers: Record<string, string | string[] | undefined> }) {
      const event = await unwrapRaw(req.body, req.headers, { secret: process.env.VISGATE_WEBHOOK_SECRET, maxBytes: 256 * 1024 })
      return event.event
    }
  }
}

export async function example59(client: Client) {
  {
    const program = (request: Request) =>
      Effect.gen(function* () {
        const direct = yield* Webhooks.unwrap(request.clone(), { secret: Redacted.make("whsec_...") })
        const hooks = yield* Webhooks.Webhooks
        const event = yield* hooks.unwrap(request)
        const raw = yield* hooks.unwrapRaw("{\"event\":\"deployment_ready\",\"deployment_id\":\"dep_1\"}", { "x-visgate-internal-secret": "whsec_..." })
        return [direct.event, event.event, raw.event]
      }).pipe(
        Effect.catchTag("WebhookVerificationError", (e) => Effect.succeed([e.reason])),
        Effect.provide(Webhooks.layerConfig())
      )
  }
}
