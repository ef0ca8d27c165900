import { describe, expect, it } from "vitest"
import { BASE, call, KEY, makeFake, parseSse } from "./helpers.js"

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

describe("async generation (Prefer: respond-async)", () => {
  it("202 then pending -> processing -> completed on the fake's clock, billed at completion", async () => {
    const fake = makeFake({ timings: { videoPendingMs: 2_000, videoProcessingMs: 8_000 } })
    const accepted = await call(fake, "POST", "/videos/generate", {
      body: { model: "fal-ai/veo3", prompt: "waves on a beach", duration_seconds: 6 },
      headers: { prefer: "respond-async" }
    })
    expect(accepted.status).toBe(202)
    expect(accepted.body).toMatchObject({ status: "pending" })
    expect(accepted.body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const id = accepted.body.request_id
    const get = () => call(fake, "GET", `/requests/${id}`)

    const s1 = await get()
    expect(s1.body).toMatchObject({
      request_id: id,
      status: "pending",
      media_type: "video",
      provider: "fal",
      model: "fal-ai/veo3",
      output_url: null,
      error_message: null,
      completed_at: null
    })
    expect(s1.body.poll_interval_seconds).toBeGreaterThanOrEqual(1)
    expect(s1.body.estimated_remaining_seconds).toBe(10)
    expect(fake.billedCount).toBe(0)

    fake.advance(2_000)
    const s2 = await get()
    expect(s2.body.status).toBe("processing")
    expect(s2.body.estimated_remaining_seconds).toBe(8)

    fake.advance(8_000)
    const s3 = await get()
    expect(s3.body.status).toBe("completed")
    expect(s3.body.output_url).toMatch(/\/_fake\/media\/vid_.*\.mp4$/)
    expect(s3.body.completed_at).toMatch(/\+00:00$/)
    expect(s3.body.estimated_remaining_seconds).toBe(0)
    expect(fake.billedCount).toBe(1)
    const usage = await call(fake, "GET", "/usage?period=day")
    expect(usage.body).toMatchObject({ total_requests: 1, successful_requests: 1 })

    const mp4 = await fake.fetch(s3.body.output_url)
    expect(mp4.headers.get("content-type")).toBe("video/mp4")
  })

  it("async images, and a failing prompt ends failed with error_message and is not billed", async () => {
    const fake = makeFake()
    const ok = await call(fake, "POST", "/images/generate", {
      body: { model: "runway/gen4_image", prompt: "a fox" },
      headers: { prefer: "respond-async" }
    })
    const bad = await call(fake, "POST", "/images/generate", {
      body: { model: "fal-ai/flux/schnell", prompt: "this will fail" },
      headers: { prefer: "respond-async" }
    })
    expect([ok.status, bad.status]).toEqual([202, 202])
    fake.advance(60_000)
    const a = await call(fake, "GET", `/requests/${ok.body.request_id}`)
    expect(a.body).toMatchObject({ status: "completed", media_type: "image", provider: "runway" })
    expect(a.body.output_url).toMatch(/\.png$/)
    expect(a.body.result.images[0]).toBe(a.body.output_url)
    const b = await call(fake, "GET", `/requests/${bad.body.request_id}`)
    expect(b.body.status).toBe("failed")
    expect(b.body.error_message).toContain("fail")
    expect(b.body.output_url).toBeNull()
    expect(fake.usageTotals()).toMatchObject({ requests: 2, successful: 1, failed: 1, billed: 1 })
  })

  it("request ids are per organisation", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/videos/generate", {
      body: { model: "runway/gen4_turbo", prompt: "x" },
      headers: { prefer: "respond-async" }
    })
    expect((await call(fake, "GET", `/requests/${r.body.request_id}`, { key: "vg-stranger1" })).status).toBe(404)
  })

  it("a clock function works as well as startAt + advance", async () => {
    let now = Date.UTC(2026, 0, 1)
    const fake = makeFake({ clock: () => now })
    const r = await call(fake, "POST", "/videos/generate", {
      body: { model: "runway/gen4_turbo", prompt: "x" },
      headers: { prefer: "respond-async" }
    })
    now += 3_000
    expect((await call(fake, "GET", `/requests/${r.body.request_id}`)).body.status).toBe("processing")
    now += 60_000
    expect((await call(fake, "GET", `/requests/${r.body.request_id}`)).body.status).toBe("completed")
  })
})

describe("deployments", () => {
  it("needs X-Runpod-Key (401 UNAUTHORIZED) on top of the Visgate key", async () => {
    const fake = makeFake()
    const r = await call(fake, "GET", "/deployments")
    expect(r.status).toBe(401)
    expect(r.body.error).toBe("UNAUTHORIZED")
    expect((await call(fake, "GET", "/deployments", { headers: RP, key: null })).status).toBe(401)
    expect((await call(fake, "GET", "/deployments", { headers: { "x-runpod-api-key": "rpa_x" } })).status).toBe(200)
  })

  it("cold create, lifecycle by the clock, warm create, list, cost, gpus, logs, delete", async () => {
    const fake = makeFake({ timings: SMALL })
    const created = await call(fake, "POST", "/deployments", {
      headers: RP,
      body: { hf_model_id: "stabilityai/sdxl-turbo", task: "text2img", gpu_tier: "medium" }
    })
    expect(created.status).toBe(202)
    expect(created.body).toMatchObject({
      status: "accepted_cold",
      model_id: "stabilityai/sdxl-turbo",
      path: "cold",
      endpoint_url: null,
      webhook_url: ""
    })
    expect(created.body.deployment_id).toMatch(/^dep_2026_[0-9a-f]{8}$/)
    expect(created.body.stream_url).toBe(`/v1/deployments/${created.body.deployment_id}/stream`)
    const id = created.body.deployment_id
    const get = async () => (await call(fake, "GET", `/deployments/${id}`, { headers: RP })).body

    expect(await get()).toMatchObject({
      status: "validating",
      task: "text_to_image",
      endpoint_url: null,
      ready_at: null,
      estimated_remaining_seconds: 20
    })
    const seen: Array<string> = []
    for (let t = 0; t < TOTAL; t += 500) {
      fake.advance(500)
      const s = (await get()).status
      if (seen[seen.length - 1] !== s) seen.push(s)
    }
    expect(seen).toEqual([
      "validating",
      "selecting_gpu",
      "creating_endpoint",
      "downloading_model",
      "loading_model",
      "ready"
    ])
    const ready = await get()
    expect(ready.endpoint_url).toMatch(/^https:\/\/api\.runpod\.ai\/v2\/.+\/run$/)
    expect(ready.gpu_allocated).toContain("GB")
    expect(ready.ready_at).toMatch(/Z$/)
    expect(ready.logs.at(-1)).toMatchObject({ level: "INFO", message: "Model loaded, deployment ready" })

    const warm = await call(fake, "POST", "/deployments", {
      headers: RP,
      body: { hf_model_id: "stabilityai/sdxl-turbo" }
    })
    expect(warm.body).toMatchObject({
      status: "warm_ready",
      path: "warm",
      estimated_ready_seconds: 0,
      poll_interval_seconds: 1
    })
    expect(warm.body.endpoint_url).toBe(ready.endpoint_url)

    const list = await call(fake, "GET", "/deployments?deployment_status=ready&limit=1", { headers: RP })
    expect(list.body).toMatchObject({ total: 1, limit: 1 })
    expect(list.body.deployments[0].deployment_id).toBe(warm.body.deployment_id) // newest first
    expect((await call(fake, "GET", "/deployments", { headers: { "x-runpod-key": "rpa_someone_else" } })).body.total)
      .toBe(0)
    expect((await call(fake, "GET", `/deployments/${id}`, { headers: { "x-runpod-key": "rpa_someone_else" } })).status)
      .toBe(404)

    fake.advance(3_600_000)
    const cost = await call(fake, "GET", `/deployments/${id}/cost`, { headers: RP })
    expect(cost.body.hours_running).toBe(1)
    expect(cost.body.price_per_hour_usd).toBeGreaterThan(0)
    expect(cost.body.estimated_cost_usd).toBeCloseTo(cost.body.price_per_hour_usd, 6)

    const gpus = await call(fake, "GET", "/deployments/gpus", { headers: RP })
    const mem = gpus.body.gpus.map((g: any) => g.memory_gb)
    expect(mem).toEqual([...mem].sort((a, b) => a - b))

    const logs = await call(fake, "GET", `/deployments/${id}/logs`, { headers: RP })
    expect(logs.body.logs.length).toBe(6)

    expect((await call(fake, "DELETE", `/deployments/${id}`, { headers: RP })).status).toBe(204)
    expect((await call(fake, "DELETE", `/deployments/${id}`, { headers: RP })).status).toBe(204)
    expect((await get()).status).toBe("deleted")
    expect((await call(fake, "GET", `/deployments/${id}/cost`, { headers: RP })).body.hours_running).toBe(0)
    expect((await call(fake, "DELETE", "/deployments/dep_2026_nope", { headers: RP })).body.error).toBe(
      "DEPLOYMENT_NOT_FOUND"
    )
  })

  it("validates create bodies and fails models containing 'fail'", async () => {
    const fake = makeFake({ timings: SMALL })
    expect((await call(fake, "POST", "/deployments", { headers: RP, body: {} })).body.details.field).toBe("hf_model_id")
    expect(
      (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "a/b", task: "dance" } })).body
        .details.field
    ).toBe("task")
    expect(
      (await call(fake, "POST", "/deployments", {
        headers: RP,
        body: { hf_model_id: "a/b", user_webhook_url: "nope" }
      })).body.details.field
    ).toBe("user_webhook_url")
    const f = await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "org/will-fail" } })
    fake.advance(TOTAL)
    const got = await call(fake, "GET", `/deployments/${f.body.deployment_id}`, { headers: RP })
    expect(got.body.status).toBe("failed")
    expect(got.body.error).toContain("HF_MODEL_NOT_FOUND")
  })

  it("runs inference jobs on a ready deployment", async () => {
    const fake = makeFake({ timings: { ...SMALL, inferenceQueuedMs: 1_000, inferenceRunningMs: 2_000 } })
    const dep = (await call(fake, "POST", "/deployments", {
      headers: RP,
      body: { hf_model_id: "black-forest-labs/FLUX.1-schnell" }
    })).body
    const early = await call(fake, "POST", `/deployments/${dep.deployment_id}/run`, {
      headers: RP,
      body: { input: { prompt: "cat" } }
    })
    expect(early.status).toBe(400)
    expect(early.body).toMatchObject({ error: "INVALID_INFERENCE_JOB_REQUEST", details: { status: "validating" } })
    fake.advance(TOTAL)
    expect(
      (await call(fake, "POST", `/deployments/${dep.deployment_id}/run`, { headers: RP, body: { prompt: "cat" } })).body
        .details.field
    ).toBe("input")
    const run = await call(fake, "POST", `/deployments/${dep.deployment_id}/run`, {
      headers: RP,
      body: { input: { prompt: "cinematic cat portrait" } }
    })
    expect(run.status).toBe(202)
    expect(run.body).toMatchObject({
      deployment_id: dep.deployment_id,
      provider: "runpod",
      status: "queued",
      provider_status: "IN_QUEUE"
    })
    expect(run.body.job_id).toMatch(/^job_\d{8}_[0-9a-f]{8}$/)
    expect(run.body.output_destination.key_prefix).toBe(`inference/outputs/${dep.deployment_id}/${run.body.job_id}`)
    const job = () => call(fake, "GET", `/deployments/${dep.deployment_id}/jobs/${run.body.job_id}`, { headers: RP })
    fake.advance(1_000)
    expect((await job()).body.status).toBe("running")
    fake.advance(2_000)
    const done = (await job()).body
    expect(done).toMatchObject({
      status: "completed",
      provider_status: "COMPLETED",
      metrics: { queue_ms: 1_000, execution_ms: 2_000 }
    })
    expect(done.output.image).toMatch(/\.png$/)
    expect(done.artifact.content_type).toBe("image/png")
    expect(done.estimated_cost_usd).toBeGreaterThan(0)
    const same = await call(fake, "GET", `/inference/jobs/${run.body.job_id}`, { headers: RP })
    expect(same.body.job_id).toBe(run.body.job_id)
    const listed = await call(fake, "GET", `/inference/jobs?deployment_id=${dep.deployment_id}`, { headers: RP })
    expect(listed.body.total).toBe(1)
    expect((await call(fake, "GET", "/inference/jobs/job_x", { headers: RP })).body.error).toBe(
      "INFERENCE_JOB_NOT_FOUND"
    )
    const png = await fake.fetch(done.output.image)
    expect(png.headers.get("content-type")).toBe("image/png")
  })
})

describe("SSE over the fetch transport", () => {
  const open = (fake: ReturnType<typeof makeFake>, path: string, signal?: AbortSignal) =>
    fake.fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${KEY}`, ...RP }, ...(signal ? { signal } : {}) })

  it("status stream: first event at once, one per change, closes after a terminal status", async () => {
    const fake = makeFake({ timings: SMALL })
    const dep =
      (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "stabilityai/sdxl-turbo" } })).body
    const res = await open(fake, `/deployments/${dep.deployment_id}/stream`)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    const first = await reader.read()
    const firstText = decoder.decode(first.value)
    expect(firstText).toMatch(/^event: status\ndata: \{.*\}\n\n$/)
    expect(parseSse(firstText)[0]!.data).toMatchObject({
      deployment_id: dep.deployment_id,
      status: "validating",
      endpoint_url: null,
      error: null,
      estimated_remaining_seconds: 20
    })
    // the stream is live: it waits for the clock
    fake.advance(TOTAL)
    let rest = ""
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += decoder.decode(value)
    }
    const events = parseSse(rest)
    expect(events.map((e) => e.data.status)).toEqual([
      "selecting_gpu",
      "creating_endpoint",
      "downloading_model",
      "loading_model",
      "ready"
    ])
    expect(events.every((e) => e.event === "status")).toBe(true)
    expect(events.at(-1)!.data.timestamp).toMatch(/Z$/)
  })

  it("status stream for an unknown id: one error event in a 200 stream", async () => {
    const fake = makeFake()
    const res = await open(fake, "/deployments/dep_2026_missing/stream")
    expect(res.status).toBe(200)
    const events = parseSse(await res.text())
    expect(events).toEqual([{ event: "error", data: { deployment_id: "dep_2026_missing", error: "not_found" } }])
  })

  it("log stream: log events with epoch-float timestamps, then done; 404 JSON for unknown ids", async () => {
    const fake = makeFake({ timings: SMALL })
    const dep =
      (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "stabilityai/sdxl-turbo" } })).body
    fake.advance(TOTAL)
    const res = await open(fake, `/deployments/${dep.deployment_id}/logs/stream`)
    const events = parseSse(await res.text())
    expect(events.filter((e) => e.event === "log")).toHaveLength(6)
    const log = events[0]!.data
    expect(typeof log.timestamp).toBe("number")
    expect(log.timestamp).toBeCloseTo(Date.UTC(2026, 2, 1, 10) / 1000, 3)
    expect(log.level).toBe("INFO")
    expect(events.at(-1)).toEqual({ event: "done", data: { deployment_id: dep.deployment_id, status: "ready" } })
    const missing = await open(fake, "/deployments/dep_2026_missing/logs/stream")
    expect(missing.status).toBe(404)
    expect((await missing.json()).error).toBe("DEPLOYMENT_NOT_FOUND")
  })

  it("stops when the request is aborted", async () => {
    const fake = makeFake({ timings: SMALL })
    const dep =
      (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "stabilityai/sdxl-turbo" } })).body
    const ac = new AbortController()
    const res = await open(fake, `/deployments/${dep.deployment_id}/stream`, ac.signal)
    const reader = res.body!.getReader()
    await reader.read()
    ac.abort()
    const next = await reader.read().catch((e: unknown) => ({ done: true, error: e }))
    expect(next.done).toBe(true)
  })

  it("streams with real timers when the clock is real", async () => {
    let now = Date.UTC(2026, 0, 1)
    const fake = makeFake({ clock: () => now, ssePollMs: 10, timings: SMALL })
    const dep =
      (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "stabilityai/sdxl-turbo" } })).body
    const res = await open(fake, `/deployments/${dep.deployment_id}/stream`)
    now += TOTAL // the poll timer picks this up without advance()
    const events = parseSse(await res.text())
    expect(events.at(-1)!.data.status).toBe("ready")
  })

  it("sends keepalive comments when asked", async () => {
    const fake = makeFake({ timings: SMALL, sseKeepaliveMs: 5, ssePollMs: 1_000 })
    const dep = (await call(fake, "POST", "/deployments", { headers: RP, body: { hf_model_id: "m/k" } })).body
    const ac = new AbortController()
    const res = await open(fake, `/deployments/${dep.deployment_id}/stream`, ac.signal)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ""
    while (!text.includes(": keepalive")) text += decoder.decode((await reader.read()).value)
    ac.abort()
    expect(text).toContain(": keepalive\n\n")
  })
})
