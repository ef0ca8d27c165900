import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { isTerminalDeploymentStatus, isTerminalJobStatus } from "../../src/schemas/Deployments.js"
import { Deployments } from "../../src/services/Deployments.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"
import { type Route, testLayer } from "../support/mockHttp.js"
import { DEPLOYMENT_CREATED_202, DEPLOYMENT_READY } from "../support/reference.js"

const run = <A, E>(
  routes: ReadonlyArray<Route>,
  f: (d: Deployments["Type"]) => Effect.Effect<A, E>,
  options: VisgateClientOptions = {}
) => {
  const { layer, recorded } = testLayer(routes, { runpodKey: "rpa_test", ...options })
  return Effect.map(Effect.provide(Effect.flatMap(Deployments, f), layer), (value) => ({ value, recorded }))
}

// Reference §6.14–§6.18 (§6.14 and §6.15 shared with the other tests).
const created = DEPLOYMENT_CREATED_202
const ready = DEPLOYMENT_READY
const job = {
  job_id: "job_20260308_ab12cd34",
  deployment_id: "dep_2026_ready123",
  provider: "runpod",
  provider_job_id: "rp_job_1",
  status: "queued",
  provider_status: "IN_QUEUE",
  output_destination: {
    bucket_name: "platform-output",
    endpoint_url: "https://088e0d2618d33e55a76e4d65b439d6c4.r2.cloudflarestorage.com",
    key_prefix: "inference/outputs/dep_2026_ready123/job_20260308_ab12cd34"
  }
}
const gpu = {
  id: "NVIDIA RTX A5000",
  display_name: "RTX A5000 24GB",
  memory_gb: 24,
  secure_cloud: true,
  community_cloud: true,
  bid_price_per_hr: 0.5,
  price_per_hr: 0.7
}

describe("Deployments", () => {
  it.effect("create: POST /deployments with the snake_case body; decodes §6.14; RunPod key sent", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "POST",
        path: "/deployments",
        reply: { status: 202, body: created }
      }], (d) =>
        d.create({
          hfModelId: "stabilityai/sdxl-turbo",
          gpuTier: "STANDARD",
          task: "text2img",
          hfToken: Redacted.make("hf_secret"),
          region: "EU",
          provider: "runpod",
          webhookUrl: "https://httpbin.org/post"
        }))
      expect(recorded[0]).toMatchObject({
        method: "POST",
        pathname: "/v1/deployments",
        body: {
          hf_model_id: "stabilityai/sdxl-turbo",
          gpu_tier: "STANDARD",
          task: "text2img",
          hf_token: "hf_secret",
          region: "EU",
          provider: "runpod",
          user_webhook_url: "https://httpbin.org/post"
        }
      })
      expect(recorded[0]!.headers["x-runpod-key"]).toBe("rpa_test")
      expect(recorded[0]!.headers.authorization).toBe("Bearer vg-test")
      expect(value).toMatchObject({
        deploymentId: "dep_2026_400ea2c4",
        status: "accepted_cold",
        modelId: "stabilityai/sdxl-turbo",
        estimatedReadySeconds: 180,
        pollIntervalSeconds: 5,
        streamUrl: "/v1/deployments/dep_2026_400ea2c4/stream",
        path: "cold"
      })
      expect(value.endpointUrl).toBeUndefined()
    }))

  it.effect("create: the seed's minimal call sends only what was given; nulls are omitted", () =>
    Effect.gen(function*() {
      const { recorded } = yield* run(
        [{ path: "/deployments", reply: { status: 202, body: created } }],
        (d) =>
          d.create({
            hfModelId: "stabilityai/stable-diffusion-xl-base-1.0",
            gpuTier: "medium",
            task: "text2img",
            region: null
          })
      )
      expect(recorded[0]!.body).toEqual({
        hf_model_id: "stabilityai/stable-diffusion-xl-base-1.0",
        gpu_tier: "medium",
        task: "text2img"
      })
    }))

  it.effect("create: missing hfModelId fails with ValidationError before any request", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e = yield* Effect.flip(
        Effect.provide(Effect.flatMap(Deployments, (d) => d.create({ hfModelId: " " })), layer)
      )
      expect(e).toMatchObject({ _tag: "ValidationError", field: "hfModelId" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("list: GET /deployments (filter as deployment_status); get: GET /deployments/{id} decodes §6.15", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([
        { method: "GET", path: "/deployments", reply: { body: { deployments: [ready], total: 1, limit: 20 } } },
        { method: "GET", path: "/deployments/dep_2026_ready123", reply: { body: ready } }
      ], (d) => Effect.all([d.list(), d.list({ status: "ready", limit: 5 }), d.get("dep_2026_ready123")]))
      expect(recorded.map((r) => [r.method, r.pathname, r.query])).toEqual([
        ["GET", "/v1/deployments", {}],
        ["GET", "/v1/deployments", { deployment_status: "ready", limit: "5" }],
        ["GET", "/v1/deployments/dep_2026_ready123", {}]
      ])
      const [list, , detail] = value
      expect(list.deployments[0]!.deploymentId).toBe("dep_2026_ready123")
      expect(list.total).toBe(1)
      expect(detail).toMatchObject({
        deploymentId: "dep_2026_ready123",
        status: "ready",
        hfModelId: "black-forest-labs/FLUX.1-schnell",
        task: "text_to_image",
        runpodEndpointId: "endpoint_123",
        endpointUrl: "https://api.runpod.ai/v2/endpoint_123/run",
        gpuAllocated: "RTX A5000 24GB",
        modelVramGb: 16,
        estimatedRemainingSeconds: 0,
        phaseDurations: { total_elapsed_seconds: 60 },
        createdAt: "2026-03-08T10:00:00Z",
        readyAt: "2026-03-08T10:01:00Z"
      })
      expect(detail.logs[0]).toMatchObject({ level: "INFO", message: "Model loaded, deployment ready" })
      expect(detail.error).toBeUndefined()
      expect(detail.loadedFromCache).toBeUndefined()
    }))

  it.effect("list: empty list from the Deploy API test decodes", () =>
    Effect.gen(function*() {
      const { value } = yield* run([{
        path: "/deployments",
        reply: { body: { deployments: [], total: 0, limit: 20 } }
      }], (d) => d.list())
      expect(value.deployments).toEqual([])
    }))

  it.effect("delete: DELETE /deployments/{id}; 204 with no body is success", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run(
        [{ method: "DELETE", path: "/deployments/dep_1", reply: { status: 204 } }],
        (d) => d.delete("dep_1")
      )
      expect(recorded[0]).toMatchObject({ method: "DELETE", pathname: "/v1/deployments/dep_1", body: undefined })
      expect(value).toBeUndefined()
    }))

  it.effect("delete: 404 DEPLOYMENT_NOT_FOUND is a typed VisgateError", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(run([{
        path: "/deployments/dep_123",
        reply: {
          status: 404,
          body: {
            error: "DEPLOYMENT_NOT_FOUND",
            message: "Deployment not found: dep_123",
            details: { deployment_id: "dep_123" }
          }
        }
      }], (d) => d.delete("dep_123")))
      expect(e).toMatchObject({ _tag: "VisgateError", errorCode: "DEPLOYMENT_NOT_FOUND", statusCode: 404 })
    }))

  it.effect("run: POST /deployments/{id}/run with {input: {...}}; decodes the job (§6.17)", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "POST",
        path: "/deployments/dep_2026_ready123/run",
        reply: { status: 202, body: job }
      }], (d) => d.run("dep_2026_ready123", { prompt: "cinematic cat portrait" }))
      expect(recorded[0]).toMatchObject({
        method: "POST",
        pathname: "/v1/deployments/dep_2026_ready123/run",
        body: { input: { prompt: "cinematic cat portrait" } }
      })
      expect(recorded[0]!.headers["x-runpod-key"]).toBe("rpa_test")
      expect(value).toMatchObject({
        jobId: "job_20260308_ab12cd34",
        deploymentId: "dep_2026_ready123",
        status: "queued",
        providerStatus: "IN_QUEUE",
        outputDestination: { bucketName: "platform-output" }
      })
    }))

  it.effect("run: a RunPod-style {id, status, output} and a completed job both decode", () =>
    Effect.gen(function*() {
      let n = 0
      const { value } = yield* run([{
        path: "/deployments/d/run",
        reply: () =>
          n++ === 0
            ? { body: { id: "rp_1", status: "COMPLETED", output: { image: "https://cdn.example.com/output.png" } } }
            : {
              body: {
                ...job,
                status: "completed",
                provider_status: "COMPLETED",
                output: { image: "https://cdn.example.com/output.png" },
                artifact: {
                  url: "https://storage.example.com/user-results/jobs/output.png",
                  content_type: "image/png",
                  bytes: 1234
                },
                metrics: { queue_ms: null, execution_ms: 60000 },
                estimated_cost_usd: 0.008333
              }
            }
      }], (d) => Effect.zip(d.run("d", {}), d.run("d", { prompt: "x" })))
      expect(value[0]).toMatchObject({
        jobId: "rp_1",
        status: "COMPLETED",
        output: { image: "https://cdn.example.com/output.png" }
      })
      expect(value[1]).toMatchObject({
        status: "completed",
        artifact: { contentType: "image/png", bytes: 1234 },
        metrics: { executionMs: 60000 },
        estimatedCostUsd: 0.008333
      })
      expect(value[1].metrics?.queueMs).toBeUndefined()
      expect(isTerminalJobStatus(value[1].status!)).toBe(true)
    }))

  it.effect("run: input must be an object; id must be non-empty", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e1 = yield* Effect.flip(
        Effect.provide(Effect.flatMap(Deployments, (d) => d.run("dep", null as never)), layer)
      )
      const e2 = yield* Effect.flip(Effect.provide(Effect.flatMap(Deployments, (d) => d.get("")), layer))
      expect(e1).toMatchObject({ _tag: "ValidationError", field: "input" })
      expect(e2).toMatchObject({ _tag: "ValidationError", field: "deploymentId" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("getLogs: GET /deployments/{id}/logs; {logs} and a bare array both decode", () =>
    Effect.gen(function*() {
      const entry = { timestamp: "2026-03-08T10:01:00Z", level: "INFO", message: "Model loaded" }
      let n = 0
      const { recorded, value } = yield* run([{
        method: "GET",
        path: "/deployments/dep_1/logs",
        reply: () => (n++ === 0 ? { body: { logs: [entry] } } : { body: [entry] })
      }], (d) => Effect.zip(d.getLogs("dep_1"), d.getLogs("dep_1")))
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/deployments/dep_1/logs" })
      expect(value[0]).toEqual([expect.objectContaining(entry)])
      expect(value[1]).toEqual([expect.objectContaining(entry)])
    }))

  it.effect("getCost: GET /deployments/{id}/cost (USD)", () =>
    Effect.gen(function*() {
      const body = {
        deployment_id: "dep_1",
        status: "ready",
        gpu_allocated: "RTX A5000 24GB",
        hours_running: 1.5,
        price_per_hour_usd: 0.5,
        estimated_cost_usd: 0.75,
        note: null
      }
      const { recorded, value } = yield* run(
        [{ method: "GET", path: "/deployments/dep_1/cost", reply: { body } }],
        (d) => d.getCost("dep_1")
      )
      expect(recorded[0]!.pathname).toBe("/v1/deployments/dep_1/cost")
      expect(value).toMatchObject({
        deploymentId: "dep_1",
        status: "ready",
        hoursRunning: 1.5,
        pricePerHourUsd: 0.5,
        estimatedCostUsd: 0.75
      })
      expect(value.note).toBeUndefined()
    }))

  it.effect("listGpus: GET /deployments/gpus decodes §6.18", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "GET",
        path: "/deployments/gpus",
        reply: { body: { gpus: [gpu] } }
      }], (d) => d.listGpus())
      expect(recorded[0]!.pathname).toBe("/v1/deployments/gpus")
      expect(value.gpus[0]).toMatchObject({
        id: "NVIDIA RTX A5000",
        displayName: "RTX A5000 24GB",
        memoryGb: 24,
        secureCloud: true,
        communityCloud: true,
        bidPricePerHr: 0.5,
        pricePerHr: 0.7
      })
    }))

  it.effect("deploymentsBaseUrl routes every deployment call to the other host", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([{ path: /.*/, reply: { body: { gpus: [] } } }], {
        runpodKey: "rpa_test",
        deploymentsBaseUrl: "https://deploy.test/deployapi/"
      })
      yield* Effect.provide(Effect.flatMap(Deployments, (d) => d.listGpus()), layer)
      expect(recorded[0]!.url).toBe("https://deploy.test/deployapi/deployments/gpus")
      expect(recorded[0]!.headers["x-runpod-key"]).toBe("rpa_test")
    }))

  it.effect("unknown future status values are kept as strings and are not terminal", () =>
    Effect.gen(function*() {
      const { value } = yield* run([{
        path: "/deployments/d",
        reply: { body: { deployment_id: "d", status: "hibernating" } }
      }], (d) => d.get("d"))
      expect(value.status).toBe("hibernating")
      expect(isTerminalDeploymentStatus(value.status)).toBe(false)
      expect(isTerminalDeploymentStatus("ready")).toBe(true)
      expect(value.logs).toEqual([])
      expect(value.hfModelId).toBe("")
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(
        run([{ path: "/deployments", reply: { status: 202, body: { status: "accepted_cold" } } }], (d) =>
          d.create({ hfModelId: "m/x" }))
      )
      expect(e1).toMatchObject({ _tag: "DecodeError", field: "deployment_id", endpoint: "POST /deployments" })
      const e2 = yield* Effect.flip(
        run([{ path: "/deployments/gpus", reply: { body: { gpus: [{ display_name: "x" }] } } }], (d) =>
          d.listGpus())
      )
      expect(e2).toMatchObject({ _tag: "DecodeError", field: "gpus.0.id" })
      const e3 = yield* Effect.flip(
        run([{ path: "/deployments/d/cost", reply: { body: { deployment_id: "d" } } }], (d) => d.getCost("d"))
      )
      expect(e3).toMatchObject({ _tag: "DecodeError", field: "status" })
      const e4 = yield* Effect.flip(
        run([{ path: "/deployments/d/logs", reply: { body: { logs: "none" } } }], (d) => d.getLogs("d"))
      )
      expect(e4._tag).toBe("DecodeError")
      const e5 = yield* Effect.flip(
        run([{ path: "/deployments/d/run", reply: { body: { job_id: "j", status: 5 } } }], (d) => d.run("d", {}))
      )
      expect(e5).toMatchObject({ _tag: "DecodeError", field: "status" })
      // a job without an id (neither `job_id` nor RunPod's `id`) is malformed
      const e6 = yield* Effect.flip(
        run([{ path: "/deployments/d/run", reply: { body: { status: "queued" } } }], (d) => d.run("d", {}))
      )
      expect(e6).toMatchObject({ _tag: "DecodeError", field: "job_id" })
    }))
})
