/**
 * The fake delivers webhooks for real, over loopback HTTP, to a `node:http` receiver in the test;
 * the receiver verifies them with `unwrapRaw` (Node style) and `unwrap` (a web `Request`).
 * Retries run on the fake's clock (`fake.advance`), never on real sleeps.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { unwrap, unwrapRaw, WebhookVerificationError } from "../../src/webhooks.js"
import { call, makeFake } from "../testing/fake/helpers.js"
import { type Received, type Receiver, startReceiver } from "./receiver.js"

const SECRET = "whsec_fake_0123456789"
const RP = { "x-runpod-key": "rpa_owner_key" }
const SMALL = {
  deployment: {
    validating: 1_000,
    selecting_gpu: 1_000,
    creating_endpoint: 2_000,
    downloading_model: 2_000,
    loading_model: 1_000
  }
}
const TOTAL = 7_000

let hook: Receiver
beforeEach(async () => {
  hook = await startReceiver()
})
afterEach(async () => {
  await hook.close()
})

const fakeWithSecret = (secret: string | null = SECRET) =>
  makeFake({ timings: SMALL, ...(secret !== null ? { webhookSecret: secret } : {}) })

type Fake = ReturnType<typeof fakeWithSecret>

const createDeployment = async (fake: Fake, body: Record<string, unknown>) => {
  const res = await call(fake, "POST", "/deployments", {
    body: { hf_model_id: "stabilityai/sdxl-turbo", ...body },
    headers: RP
  })
  expect(res.status).toBe(202)
  return res.body.deployment_id as string
}

const readyDeployment = async (fake: Fake) => {
  const id = await createDeployment(fake, {})
  fake.advance(TOTAL)
  return id
}

const asRequest = (r: Received) => {
  const headers = new Headers()
  for (const [k, v] of Object.entries(r.headers)) if (typeof v === "string") headers.set(k, v)
  return new Request(`http://receiver.local${r.path}`, { method: r.method, headers, body: new Uint8Array(r.body) })
}

describe("deployment_ready", () => {
  it("is POSTed once to user_webhook_url when the deployment becomes ready, with the secret; both unwraps verify it", async () => {
    const fake = fakeWithSecret()
    const id = await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL - 1)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(0)

    fake.advance(1) // the clock reaches `ready`: the fake delivers with no request from the client
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    const r = hook.received[0]!
    expect(r.method).toBe("POST")
    expect(r.path).toBe("/hooks/visgate")
    expect(r.headers["content-type"]).toBe("application/json")
    expect(r.headers["x-visgate-internal-secret"]).toBe(SECRET)

    const event = await unwrapRaw(r.body, r.headers, { secret: SECRET })
    if (event.event !== "deployment_ready") throw new Error(`unexpected ${event.event}`)
    const dep = (await call(fake, "GET", `/deployments/${id}`, { headers: RP })).body
    expect(event).toMatchObject({
      deploymentId: id,
      status: "ready",
      endpointUrl: dep.endpoint_url,
      runpodEndpointId: dep.runpod_endpoint_id,
      modelId: "stabilityai/sdxl-turbo",
      gpuAllocated: dep.gpu_allocated,
      createdAt: dep.created_at,
      readyAt: dep.ready_at,
      durationSeconds: TOTAL / 1000,
      loadedFromCache: false
    })
    expect(event.usageExample).toMatchObject({ method: "POST", url: dep.endpoint_url })
    expect(dep.status).toBe("ready")
    expect(dep.error).toBeNull()

    expect(await unwrap(asRequest(r), { secret: SECRET })).toEqual(event)
    expect(fake.webhooks).toHaveLength(1)
    expect(fake.webhooks[0]).toMatchObject({ url: hook.url, event: "deployment_ready", state: "delivered" })
    expect(fake.webhooks[0]!.attempts).toEqual([{ startedAt: fake.now(), endedAt: fake.now(), status: 204 }])

    fake.advance(60_000)
    await call(fake, "GET", `/deployments/${id}`, { headers: RP })
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1) // once
  })

  it("a request after the clock passed `ready` delivers it too (settled either way, never twice)", async () => {
    let now = Date.UTC(2026, 0, 1)
    const fake = makeFake({ clock: () => now, timings: SMALL, webhookSecret: SECRET })
    const id = await createDeployment(fake, { user_webhook_url: hook.url })
    now += TOTAL
    expect((await call(fake, "GET", `/deployments/${id}`, { headers: RP })).body.status).toBe("ready")
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    expect((await unwrapRaw(hook.received[0]!.body, hook.received[0]!.headers, { secret: SECRET })).event).toBe(
      "deployment_ready"
    )
  })

  it("warm path: fires at create (the deployment is ready at once), loadedFromCache true", async () => {
    const fake = fakeWithSecret()
    await readyDeployment(fake)
    const id = await createDeployment(fake, { user_webhook_url: hook.url })
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    const event = await unwrapRaw(hook.received[0]!.body.toString("utf8"), hook.received[0]!.headers, {
      secret: SECRET
    })
    expect(event).toMatchObject({
      event: "deployment_ready",
      deploymentId: id,
      loadedFromCache: true,
      durationSeconds: 0
    })
  })

  it("no webhook for a deployment that fails, or one deleted before ready", async () => {
    const fake = fakeWithSecret()
    await createDeployment(fake, { hf_model_id: "org/will-fail-model", user_webhook_url: hook.url })
    const deleted = await createDeployment(fake, { hf_model_id: "org/other", user_webhook_url: hook.url })
    expect((await call(fake, "DELETE", `/deployments/${deleted}`, { headers: RP })).status).toBe(204)
    fake.advance(60_000)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(0)
    expect(fake.webhooks).toHaveLength(0)
  })

  it("3 attempts with waits of 1 s then 2 s on the fake's clock; all failing: stays ready with error set", async () => {
    const fake = fakeWithSecret()
    hook.fallback = 500
    const id = await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    expect(fake.webhooks[0]!.state).toBe("pending")

    fake.advance(999)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    fake.advance(1)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(2)

    fake.advance(1_999)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(2)
    fake.advance(1)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(3)

    fake.advance(60_000)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(3)
    const delivery = fake.webhooks[0]!
    expect(delivery.state).toBe("failed")
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500])
    const starts = delivery.attempts.map((a) => a.startedAt)
    expect([starts[1]! - starts[0]!, starts[2]! - starts[1]!]).toEqual([1_000, 2_000])
    // every attempt carries the same payload and secret
    expect(new Set(hook.received.map((r) => r.body.toString("utf8"))).size).toBe(1)
    expect(hook.received.every((r) => r.headers["x-visgate-internal-secret"] === SECRET)).toBe(true)

    const dep = (await call(fake, "GET", `/deployments/${id}`, { headers: RP })).body
    expect(dep.status).toBe("ready")
    expect(dep.error).toBe("User webhook delivery failed after retries")
    expect(dep.logs.at(-1)).toMatchObject({ level: "WARNING", message: "User webhook delivery failed after retries" })
  })

  it("a retry that succeeds delivers (any 2xx counts); error stays null", async () => {
    const fake = fakeWithSecret()
    hook.script(503, 202)
    const id = await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    fake.advance(1_000)
    await fake.flushWebhooks()
    expect(fake.webhooks[0]).toMatchObject({ state: "delivered" })
    expect(fake.webhooks[0]!.attempts.map((a) => a.status)).toEqual([503, 202])
    expect((await call(fake, "GET", `/deployments/${id}`, { headers: RP })).body.error).toBeNull()
  })

  it("a 3xx is a failed attempt: the fake never follows a redirect elsewhere", async () => {
    const fake = fakeWithSecret()
    hook.fallback = 302
    await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    fake.advance(1_000)
    await fake.flushWebhooks()
    fake.advance(2_000)
    await fake.flushWebhooks()
    expect(fake.webhooks[0]!.state).toBe("failed")
    expect(hook.received).toHaveLength(3)
  })

  it("an attempt times out after 10 s of the fake's clock, then the retry goes out", async () => {
    const fake = fakeWithSecret()
    hook.script("hang", 200)
    await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await hook.waitFor(1)
    fake.advance(9_999)
    expect(fake.webhooks[0]!.attempts).toHaveLength(0)
    fake.advance(1)
    await fake.flushWebhooks()
    expect(fake.webhooks[0]!.attempts[0]!.error).toContain("timed out after 10 s")
    fake.advance(1_000)
    await fake.flushWebhooks()
    expect(fake.webhooks[0]!.state).toBe("delivered")
    expect(hook.received).toHaveLength(2)
  })

  it("a refused connection is a failed attempt too", async () => {
    const fake = fakeWithSecret()
    const url = hook.url
    await hook.close()
    await createDeployment(fake, { user_webhook_url: url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    expect(fake.webhooks[0]!.attempts[0]!.error).toBeTruthy()
    hook = await startReceiver()
  })
})

describe("inference_job_<status>", () => {
  it("inference_job_completed when a job finishes, with artifact, metrics and output", async () => {
    const fake = fakeWithSecret()
    const dep = await readyDeployment(fake)
    const res = await call(fake, "POST", "/inference/jobs", {
      body: { deployment_id: dep, input: { prompt: "a red fox", width: 512, height: 512 }, user_webhook_url: hook.url },
      headers: RP
    })
    expect(res.status).toBe(202)
    fake.advance(3_999)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(0)
    fake.advance(1)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
    const event = await unwrap(asRequest(hook.received[0]!), { secret: SECRET })
    if (event.event === "deployment_ready" || event.event === "unknown") throw new Error(event.event)
    const job = (await call(fake, "GET", `/inference/jobs/${res.body.job_id}`, { headers: RP })).body
    expect(event).toMatchObject({
      event: "inference_job_completed",
      jobId: res.body.job_id,
      deploymentId: dep,
      providerJobId: job.provider_job_id,
      status: "completed",
      providerStatus: "COMPLETED",
      artifact: { url: job.artifact.url, contentType: "image/png" },
      metrics: { queueMs: 1_000, executionMs: 3_000, wallClockMs: 4_000 },
      estimatedCostUsd: job.estimated_cost_usd,
      output: job.output
    })
    expect(event.outputDestination?.keyPrefix).toBe(`inference/outputs/${dep}/${res.body.job_id}`)
    expect(typeof event.gpuAllocated).toBe("string")
    expect(await unwrapRaw(hook.received[0]!.body, hook.received[0]!.headers, { secret: SECRET })).toEqual(event)
  })

  it("inference_job_failed (with the worker error) and inference_job_cancelled (on cancel)", async () => {
    const fake = fakeWithSecret()
    const dep = await readyDeployment(fake)
    const failing = await call(fake, "POST", `/deployments/${dep}/run`, {
      body: { input: { prompt: "this will fail" }, user_webhook_url: hook.url },
      headers: RP
    })
    const cancelled = await call(fake, "POST", "/inference/jobs", {
      body: { deployment_id: dep, input: { prompt: "slow" }, user_webhook_url: hook.url },
      headers: RP
    })
    expect((await call(fake, "POST", `/inference/jobs/${cancelled.body.job_id}/cancel`, { headers: RP })).status).toBe(
      200
    )
    await fake.flushWebhooks()
    fake.advance(4_000)
    await fake.flushWebhooks()
    const events = await Promise.all(hook.received.map((r) => unwrapRaw(r.body, r.headers, { secret: SECRET })))
    expect(events.map((e) => e.event)).toEqual(["inference_job_cancelled", "inference_job_failed"])
    expect(events[0]).toMatchObject({ jobId: cancelled.body.job_id, status: "cancelled", providerStatus: "CANCELLED" })
    expect(events[1]).toMatchObject({
      jobId: failing.body.job_id,
      status: "failed",
      error: { error: "Worker failed: injected failure" }
    })
  })

  it("a job without user_webhook_url sends nothing; an invalid one is a 422 on the field", async () => {
    const fake = fakeWithSecret()
    const dep = await readyDeployment(fake)
    await call(fake, "POST", "/inference/jobs", { body: { deployment_id: dep, input: {} }, headers: RP })
    const bad = await call(fake, "POST", "/inference/jobs", {
      body: { deployment_id: dep, input: {}, user_webhook_url: "not a url" },
      headers: RP
    })
    expect(bad.status).toBe(422)
    expect(bad.body.details.field).toBe("user_webhook_url")
    fake.advance(10_000)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(0)
  })
})

describe("secrets on both sides", () => {
  it("without webhookSecret the fake sends no header, and the receiver refuses it (missing_secret)", async () => {
    const fake = fakeWithSecret(null)
    await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    const r = hook.received[0]!
    expect(r.headers["x-visgate-internal-secret"]).toBeUndefined()
    const err = await unwrapRaw(r.body, r.headers, { secret: SECRET }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WebhookVerificationError)
    expect(err).toMatchObject({ reason: "missing_secret" })
  })

  it("a receiver with another secret refuses the delivery (invalid_secret), naming neither secret", async () => {
    const fake = fakeWithSecret()
    await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    const r = hook.received[0]!
    const err = await unwrap(asRequest(r), { secret: "whsec_other_secret_value" }).catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: "WebhookVerificationError", reason: "invalid_secret" })
    const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack}`
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain("whsec_other_secret_value")
  })

  it("reset() forgets deliveries and the retries still scheduled", async () => {
    const fake = fakeWithSecret()
    hook.fallback = 500
    await createDeployment(fake, { user_webhook_url: hook.url })
    fake.advance(TOTAL)
    await fake.flushWebhooks()
    fake.reset()
    expect(fake.webhooks).toHaveLength(0)
    fake.advance(10_000)
    await fake.flushWebhooks()
    expect(hook.received).toHaveLength(1)
  })
})
