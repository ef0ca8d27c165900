/**
 * The fake against the SDK's own wire schemas: every route the SDK has a schema for answers
 * bodies that decode with that schema, the fake sends every wire key the schema knows (except
 * the few it documents as never sent), and the reference's example payloads (shared API
 * reference §6, copied here) decode too. Error bodies map to the right error classes.
 * Schemas covered: Generate, Images, Videos, Requests (status and 202), Health, DeploymentWatch, Errors.
 */
import * as Headers from "@effect/platform/Headers"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { describe, expect, it } from "vitest"
import { DeploymentLogLine, DeploymentState, StreamErrorEvent } from "../../../src/schemas/DeploymentWatch.js"
import {
  AuthenticationError,
  ProviderError,
  RateLimitError,
  ValidationError,
  VisgateError
} from "../../../src/schemas/Errors.js"
import { GenerateResult } from "../../../src/schemas/Generate.js"
import { HealthStatus } from "../../../src/schemas/Health.js"
import { ImageResult } from "../../../src/schemas/Images.js"
import {
  AcceptedFromWire,
  AcceptedResult,
  RequestStatus,
  RequestStatusFromWire
} from "../../../src/schemas/Requests.js"
import { VideoResult } from "../../../src/schemas/Videos.js"
import { fromHttpFailure } from "../../../src/services/ErrorMapping.js"
import { HttpStatusFailure } from "../../../src/services/RetryPolicy.js"
import {
  ACCEPTED_202,
  DEPLOYMENT_CREATED_202,
  DEPLOYMENT_READY,
  GENERATE_200,
  IMAGE_200,
  STATUS_200,
  VIDEO_200
} from "../../support/reference.js"
import { call, makeFake, readSse } from "./helpers.js"

const IMAGE = "fal-ai/flux/schnell"
const VIDEO = "replicate/lucataco/cogvideox-5b"

/** The snake_case keys a wire schema reads. */
const wireKeys = (schema: Schema.Schema.AnyNoContext): Array<string> =>
  AST.getPropertySignatures(Schema.encodedSchema(schema).ast).map((p) => String(p.name))

/** Asserts every key the schema reads appears in at least one of `bodies`, except `never`. */
const expectKeysCovered = (
  schema: Schema.Schema.AnyNoContext,
  bodies: ReadonlyArray<object>,
  never: ReadonlyArray<string> = []
) => {
  const sent = new Set(bodies.flatMap((b) => Object.keys(b)))
  const missing = wireKeys(schema).filter((k) => !sent.has(k) && !never.includes(k))
  expect(missing).toEqual([])
}

const decodeFailure = async (res: Response) =>
  fromHttpFailure(
    new HttpStatusFailure({ status: res.status, headers: Headers.fromInput(res.headers), text: await res.text() }),
    Date.now()
  )

describe("the fake's responses decode with the SDK's schemas", () => {
  it("GET /health → HealthStatus", async () => {
    const fake = makeFake()
    const r = await call(fake, "GET", "/health", { key: null })
    const health = Schema.decodeUnknownSync(HealthStatus)(r.body)
    expect(health).toMatchObject({ status: "ok", version: "0.2.0" })
  })

  it("POST /generate → GenerateResult (miss and cache hit)", async () => {
    const fake = makeFake()
    const miss = await call(fake, "POST", "/generate", { body: { prompt: "a fox", params: { image_size: "512x512" } } })
    const hit = await call(fake, "POST", "/generate", { body: { prompt: "a fox", params: { image_size: "512x512" } } })
    expect([miss.status, hit.status]).toEqual([200, 200])
    const a = Schema.decodeUnknownSync(GenerateResult)(miss.body)
    const b = Schema.decodeUnknownSync(GenerateResult)(hit.body)
    expect(a).toMatchObject({
      status: "completed",
      model: IMAGE,
      provider: "fal",
      mode: "managed",
      resolution: { width: 512, height: 512 }
    })
    expect(a.imageUrl).toBe(a.images[0])
    expect(a.cost).toBeGreaterThan(0)
    expect(b.cost).toBe(0)
    expect(b.imageUrl).toBe(a.imageUrl)
    expectKeysCovered(GenerateResult, [miss.body, hit.body])
  })

  it("POST /images/generate → ImageResult (miss, cache hit, include_steps)", async () => {
    const fake = makeFake()
    const body = { model: IMAGE, prompt: "a red kite", width: 768, height: 512, num_images: 2 }
    const miss = await call(fake, "POST", "/images/generate", { body })
    const hit = await call(fake, "POST", "/images/generate", { body })
    const steps = await call(fake, "POST", "/images/generate?include_steps=true", {
      body: { ...body, prompt: "steps" }
    })
    const decode = Schema.decodeUnknownSync(ImageResult)
    const [a, b, c] = [decode(miss.body), decode(hit.body), decode(steps.body)]
    expect(a).toMatchObject({ status: "completed", provider: "fal", cacheHit: false, marginPercent: 20 })
    expect(a.images).toHaveLength(2)
    expect(a.cost).toBeGreaterThan(0)
    expect(b).toMatchObject({ cacheHit: true, cacheSource: "exact", cost: 0, savedAmount: a.cost, images: a.images })
    expect(b.providerCostAvoidedMicro).toBeGreaterThan(0)
    expect(c.steps?.map((s) => s.name)).toEqual(["cache_lookup", "provider_call", "storage"])
    expectKeysCovered(ImageResult, [miss.body, hit.body, steps.body])
  })

  it("POST /videos/generate (sync) → VideoResult", async () => {
    const fake = makeFake()
    const r = await call(fake, "POST", "/videos/generate", {
      body: { model: VIDEO, prompt: "a river", duration_seconds: 4 }
    })
    const video = Schema.decodeUnknownSync(VideoResult)(r.body)
    expect(video).toMatchObject({ status: "completed", model: VIDEO, provider: "replicate", cacheHit: false })
    expect(video.videoUrl).toMatch(/\.mp4$/)
    // videos are never served from the cache (documented), so the cache-only keys never appear
    expectKeysCovered(VideoResult, [r.body], ["cache_source", "provider_cost_avoided_micro", "saved_amount"])
  })

  it("202 (Prefer: respond-async) → AcceptedFromWire, then GET /requests/{id} → RequestStatusFromWire at every stage", async () => {
    const fake = makeFake({
      timings: { videoPendingMs: 1_000, videoProcessingMs: 2_000, imagePendingMs: 100, imageProcessingMs: 100 }
    })
    const prefer = { prefer: "respond-async" }
    const v = await call(fake, "POST", "/videos/generate", {
      body: { model: VIDEO, prompt: "a slow river" },
      headers: prefer
    })
    const i = await call(fake, "POST", "/images/generate", {
      body: { model: IMAGE, prompt: "async cat" },
      headers: prefer
    })
    const f = await call(fake, "POST", "/videos/generate", {
      body: { model: VIDEO, prompt: "please fail" },
      headers: prefer
    })
    for (const r of [v, i, f]) {
      expect(r.status).toBe(202)
      const accepted = Schema.decodeUnknownSync(AcceptedFromWire)(r.body)
      expect(accepted).toBeInstanceOf(AcceptedResult)
      expect(accepted.status).toBe("accepted")
      expect(r.headers.get("location")).toBe(`/api/v1/requests/${accepted.requestId}`)
    }
    const decode = Schema.decodeUnknownSync(RequestStatusFromWire)
    const get = (r: { body: { request_id: string } }) => call(fake, "GET", `/requests/${r.body.request_id}`)
    const bodies: Array<object> = []
    const pending = await get(v)
    bodies.push(pending.body)
    expect(decode(pending.body)).toMatchObject({
      status: "pending",
      mediaType: "video",
      provider: "replicate",
      model: VIDEO
    })
    fake.advance(1_000)
    const processing = await get(v)
    bodies.push(processing.body)
    expect(decode(processing.body)).toMatchObject({
      status: "processing",
      estimatedRemainingSeconds: 2,
      pollIntervalSeconds: 1
    })
    fake.advance(2_000)
    for (const r of [v, i, f]) bodies.push((await get(r)).body)
    const [video, image, failed] = bodies.slice(2).map((b) => decode(b))
    expect(video).toMatchObject({ status: "completed", mediaType: "video", estimatedRemainingSeconds: 0 })
    expect(video!.outputUrl).toMatch(/\.mp4$/)
    expect(video!.completedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(image).toMatchObject({ status: "completed", mediaType: "image" })
    expect(image!.outputUrl).toMatch(/\.png$/)
    expect(failed).toMatchObject({ status: "failed" })
    expect(failed!.outputUrl).toBeUndefined()
    expect(failed!.errorMessage).toMatch(/failed/)
    // the completed status carries the full result, which decodes as the sync result would
    const [vb, ib] = bodies.slice(2) as Array<{ result: unknown }>
    expect(Schema.decodeUnknownSync(VideoResult)(vb!.result).videoUrl).toBe(video!.outputUrl)
    expect(Schema.decodeUnknownSync(ImageResult)(ib!.result).images[0]).toBe(image!.outputUrl)
    expectKeysCovered(RequestStatus, bodies)
  })

  it("deployments: the 202, GET /deployments/{id} and the SSE status, log and error events → DeploymentWatch schemas", async () => {
    const fake = makeFake({
      timings: {
        deployment: {
          validating: 100,
          selecting_gpu: 100,
          creating_endpoint: 100,
          downloading_model: 100,
          loading_model: 100
        }
      }
    })
    const rp = { "x-runpod-key": "rpa_schemas" }
    const created = await call(fake, "POST", "/deployments", {
      body: { hf_model_id: "stabilityai/sdxl-turbo" },
      headers: rp
    })
    expect(created.status).toBe(202)
    const decodeState = Schema.decodeUnknownSync(DeploymentState)
    const id = decodeState(created.body).deploymentId
    expect(decodeState(created.body)).toMatchObject({
      status: "accepted_cold",
      pollIntervalSeconds: expect.any(Number)
    })
    const validating = await call(fake, "GET", `/deployments/${id}`, { headers: rp })
    expect(decodeState(validating.body)).toMatchObject({ deploymentId: id, status: "validating" })
    fake.advance(1_000)
    const ready = await call(fake, "GET", `/deployments/${id}`, { headers: rp })
    const state = decodeState(ready.body)
    expect(state.status).toBe("ready")
    expect(state.endpointUrl).toMatch(/^https?:\/\//)
    expectKeysCovered(DeploymentState, [created.body, validating.body, ready.body], ["timestamp"])

    const auth = { authorization: "Bearer vg-test-key", ...rp }
    const status = await readSse(
      await fake.fetch(`http://fake.local/api/v1/deployments/${id}/stream`, { headers: auth })
    )
    expect(status.map((e) => e.event)).toEqual(["status"])
    const event = decodeState(status[0]!.data)
    expect(event).toMatchObject({ deploymentId: id, status: "ready" })
    expect(event.timestamp).toMatch(/Z$/)

    const logs = await readSse(
      await fake.fetch(`http://fake.local/api/v1/deployments/${id}/logs/stream`, { headers: auth })
    )
    const lines = logs.filter((e) => e.event === "log").map((e) => Schema.decodeUnknownSync(DeploymentLogLine)(e.data))
    expect(lines.length).toBeGreaterThan(0)
    expect(lines[0]).toMatchObject({ deploymentId: id, level: expect.any(String), timestamp: expect.any(Number) })
    expect(logs[logs.length - 1]!.event).toBe("done")

    const missing = await readSse(
      await fake.fetch("http://fake.local/api/v1/deployments/dep_nope/stream", { headers: auth })
    )
    expect(missing.map((e) => e.event)).toEqual(["error"])
    expect(Schema.decodeUnknownSync(StreamErrorEvent)(missing[0]!.data)).toMatchObject({ error: expect.any(String) })
  })

  it("error bodies map to the SDK's error classes", async () => {
    const fake = makeFake()
    const noKey = await fake.fetch("http://fake.local/api/v1/usage")
    const e401 = await decodeFailure(noKey)
    expect(e401).toBeInstanceOf(AuthenticationError)
    expect(e401.errorCode).toBe("AUTHENTICATION_ERROR")

    const bad = await post(fake, "/images/generate", { model: IMAGE, prompt: "x", width: 10_000 })
    const e422 = await decodeFailure(bad)
    expect(e422).toBeInstanceOf(ValidationError)
    expect((e422 as ValidationError).field).toBe("width")

    const provider = await post(fake, "/images/generate", { model: IMAGE, prompt: "this will fail" })
    const e502 = await decodeFailure(provider)
    expect(e502).toBeInstanceOf(ProviderError)
    expect(e502).toMatchObject({ statusCode: 502, errorCode: "PROVIDER_FAILURE", provider: "fal" })

    const unknown = await post(fake, "/images/generate", { model: "acme/nope", prompt: "x" })
    const e404 = await decodeFailure(unknown)
    expect(e404._tag).toBe("VisgateError")
    expect(e404).toMatchObject({ statusCode: 404, errorCode: "MODEL_NOT_FOUND" })

    fake.faults.add({ route: "GET /usage", fault: { kind: "rateLimit", retryAfter: 7 } })
    const limited = await fake.fetch("http://fake.local/api/v1/usage", {
      headers: { authorization: "Bearer vg-test-key" }
    })
    const e429 = await decodeFailure(limited)
    expect(e429).toBeInstanceOf(RateLimitError)
    expect((e429 as RateLimitError).retryAfter).toBe(7)

    const first = await post(fake, "/generate", { prompt: "one" }, { "idempotency-key": "k-1" })
    expect(first.status).toBe(200)
    const reused = await decodeFailure(await post(fake, "/generate", { prompt: "two" }, { "idempotency-key": "k-1" }))
    expect(reused).toBeInstanceOf(ValidationError)
    expect(reused).toMatchObject({ errorCode: "IDEMPOTENCY_KEY_REUSED", field: "Idempotency-Key" })
  })
})

const post = (fake: { fetch: typeof fetch }, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fake.fetch(`http://fake.local/api/v1${path}`, {
    method: "POST",
    headers: { authorization: "Bearer vg-test-key", "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

describe("the reference's example payloads (§6) decode with the same schemas", () => {
  it("6.1 GenerateResult", () => {
    const r = Schema.decodeUnknownSync(GenerateResult)(GENERATE_200)
    expect(r).toMatchObject({
      id: "gen-1",
      status: "completed",
      cost: 0.003,
      costPerMegapixelUsd: 0.005,
      mode: "managed"
    })
  })

  it("6.2 ImageResult, and the live cache-hit fields", () => {
    const fixture = IMAGE_200
    expect(Schema.decodeUnknownSync(ImageResult)(fixture)).toMatchObject({
      cacheHit: true,
      cost: 0.002,
      status: "completed"
    })
    const live = Schema.decodeUnknownSync(ImageResult)({
      ...fixture,
      cache_hit: true,
      latency_ms: 870,
      cost: 0.0,
      provider_cost_avoided_micro: 0
    })
    expect(live).toMatchObject({ cacheHit: true, cost: 0, providerCostAvoidedMicro: 0 })
  })

  it("6.3 VideoResult", () => {
    const r = Schema.decodeUnknownSync(VideoResult)(VIDEO_200)
    expect(r).toMatchObject({ videoUrl: "https://vid.test/v.mp4", cost: 0.05, cacheHit: false })
  })

  it("6.4 the 202 acknowledgement", () => {
    const r = Schema.decodeUnknownSync(AcceptedFromWire)(ACCEPTED_202)
    expect(r).toEqual(new AcceptedResult({ status: "accepted", requestId: "cbb9da31-6009-4a61-8909-935a6be36e0d" }))
  })

  it("6.5 RequestStatus", () => {
    const r = Schema.decodeUnknownSync(RequestStatusFromWire)(STATUS_200)
    expect(r).toMatchObject({ requestId: "req-123", status: "completed", outputUrl: "https://storage.example/v.mp4" })
    expect(r.errorMessage).toBeUndefined()
  })

  it("6.12 health", () => {
    expect(Schema.decodeUnknownSync(HealthStatus)({ status: "ok", version: "0.2.0" })).toMatchObject({
      status: "ok",
      version: "0.2.0"
    })
  })

  it("6.13 error envelopes", () => {
    const failure = (status: number, body: unknown) =>
      fromHttpFailure(new HttpStatusFailure({ status, headers: Headers.empty, text: JSON.stringify(body) }), 0)
    const v = failure(422, { message: "Invalid prompt", details: { field: "prompt" } })
    expect(v).toBeInstanceOf(ValidationError)
    expect((v as ValidationError).field).toBe("prompt")
    const p = failure(502, { error: "PROVIDER_FAILURE", message: "Fal timed out", details: { provider: "fal" } })
    expect(p).toBeInstanceOf(ProviderError)
    expect((p as ProviderError).provider).toBe("fal")
    const b = failure(400, { error: "BAD_REQUEST", message: "Invalid param" })
    expect(b).toBeInstanceOf(VisgateError)
    expect(b).toMatchObject({ _tag: "VisgateError", errorCode: "BAD_REQUEST" })
  })

  it("6.14 / 6.15 / 6.16 deployment create, ready deployment and SSE events", () => {
    const decodeState = Schema.decodeUnknownSync(DeploymentState)
    expect(decodeState(DEPLOYMENT_CREATED_202)).toMatchObject({
      deploymentId: "dep_2026_400ea2c4",
      status: "accepted_cold",
      pollIntervalSeconds: 5
    })
    const ready = decodeState(DEPLOYMENT_READY)
    expect(ready).toMatchObject({
      status: "ready",
      endpointUrl: "https://api.runpod.ai/v2/endpoint_123/run",
      estimatedRemainingSeconds: 0
    })
    expect(ready.error).toBeUndefined()
    expect(decodeState({
      deployment_id: "dep_2026_400ea2c4",
      status: "loading_model",
      endpoint_url: "https://api.runpod.ai/v2/abc/run",
      error: null,
      estimated_remaining_seconds: 45,
      timestamp: "2026-03-04T10:01:10.123456Z"
    })).toMatchObject({
      status: "loading_model",
      estimatedRemainingSeconds: 45,
      timestamp: "2026-03-04T10:01:10.123456Z"
    })
    expect(
      Schema.decodeUnknownSync(DeploymentLogLine)({
        deployment_id: "dep_2026_400ea2c4",
        timestamp: 1772618470.52,
        level: "INFO",
        message: "..."
      })
    ).toMatchObject({ timestamp: 1772618470.52, level: "INFO" })
    expect(decodeState({ deployment_id: "dep_2026_400ea2c4", status: "ready" }).status).toBe("ready")
  })

  it("the fake sends every key the reference's examples show", async () => {
    const fake = makeFake()
    const gen = await call(fake, "POST", "/generate", { body: { prompt: "keys" } })
    const img = await call(fake, "POST", "/images/generate", { body: { model: IMAGE, prompt: "keys" } })
    const vid = await call(fake, "POST", "/videos/generate", { body: { model: VIDEO, prompt: "keys" } })
    const acc = await call(fake, "POST", "/videos/generate", {
      body: { model: VIDEO, prompt: "keys" },
      headers: { prefer: "respond-async" }
    })
    const req = await call(fake, "GET", `/requests/${acc.body.request_id}`)
    const health = await call(fake, "GET", "/health", { key: null })
    const has = (body: object, keys: Array<string>) => expect(keys.filter((k) => !(k in body))).toEqual([])
    has(gen.body, [
      "id",
      "image_url",
      "images",
      "model",
      "latency_ms",
      "estimated_cost_usd",
      "cost_per_megapixel_usd",
      "resolution",
      "provider",
      "mode",
      "created_at"
    ])
    has(img.body, ["id", "images", "model", "provider", "latency_ms", "cache_hit", "cost", "created_at"])
    has(vid.body, ["id", "video_url", "model", "provider", "latency_ms", "cache_hit", "cost", "created_at"])
    has(acc.body, ["request_id", "status"])
    has(req.body, ["request_id", "status", "media_type", "provider", "model", "output_url", "error_message"])
    has(health.body, ["status", "version"])
  })
})
