import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { FakeVisgate, layerHttpClient } from "../../../src/testing/fake/index.js"
import { BASE, KEY, parseSse } from "./helpers.js"

const authed = (req: HttpClientRequest.HttpClientRequest) =>
  req.pipe(HttpClientRequest.bearerToken(KEY), HttpClientRequest.setHeader("x-runpod-key", "rpa_effect"))

/** An async video request (`Prefer: respond-async`). */
const submitVideo = HttpClientRequest.post(`${BASE}/videos/generate`).pipe(
  authed,
  HttpClientRequest.setHeader("prefer", "respond-async"),
  HttpClientRequest.bodyUnsafeJson({ model: "replicate/lucataco/cogvideox-5b", prompt: "a slow river" })
)

describe("Effect HttpClient transport", () => {
  it.effect("202 lifecycle driven by TestClock.adjust", () => {
    const fake = new FakeVisgate({ timings: { videoPendingMs: 2_000, videoProcessingMs: 8_000 } })
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const res = yield* client.execute(submitVideo)
      expect(res.status).toBe(202)
      const { request_id } = (yield* res.json) as { request_id: string }
      const status = Effect.flatMap(
        client.execute(HttpClientRequest.get(`${BASE}/requests/${request_id}`).pipe(authed)),
        (r) => r.json
      ) as Effect.Effect<{ status: string; output_url: string | null }, unknown>
      expect((yield* status).status).toBe("pending")
      yield* TestClock.adjust(Duration.seconds(2))
      expect((yield* status).status).toBe("processing")
      yield* TestClock.adjust(Duration.seconds(8))
      const done = yield* status
      expect(done.status).toBe("completed")
      expect(done.output_url).toMatch(/\.mp4$/)
      expect(fake.billedCount).toBe(1)
    }).pipe(Effect.provide(layerHttpClient(fake)))
  })

  it.effect("inspection (billedCount) follows the transport's TestClock time, not the wall clock", () => {
    const fake = new FakeVisgate({ timings: { videoPendingMs: 2_000, videoProcessingMs: 8_000 } })
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const res = yield* client.execute(submitVideo)
      expect(res.status).toBe(202)
      // TestClock is at 0; the wall clock is decades later. The job must not complete here.
      expect(fake.billedCount).toBe(0)
      yield* TestClock.adjust(Duration.seconds(10))
      yield* client.execute(HttpClientRequest.get(`${BASE}/health`))
      expect(fake.billedCount).toBe(1)
    }).pipe(Effect.provide(layerHttpClient(fake)))
  })

  it.effect("FakeVisgate.layer is the same layer; PNG bodies come through", () => {
    const fake = new FakeVisgate()
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const res = yield* client.execute(
        HttpClientRequest.post(`${BASE}/generate`).pipe(authed, HttpClientRequest.bodyUnsafeJson({ prompt: "effect" }))
      )
      const body = (yield* res.json) as { image_url: string }
      const png = yield* client.execute(HttpClientRequest.get(body.image_url))
      expect(png.headers["content-type"]).toBe("image/png")
      const bytes = new Uint8Array(yield* png.arrayBuffer)
      expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    }).pipe(Effect.provide(FakeVisgate.layer(fake)))
  })

  it.effect("SSE status stream advances with TestClock", () => {
    const fake = new FakeVisgate({
      timings: {
        deployment: {
          validating: 1_000,
          selecting_gpu: 1_000,
          creating_endpoint: 1_000,
          downloading_model: 1_000,
          loading_model: 1_000
        }
      }
    })
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const created = yield* client.execute(
        HttpClientRequest.post(`${BASE}/deployments`).pipe(
          authed,
          HttpClientRequest.bodyUnsafeJson({ hf_model_id: "stabilityai/sdxl-turbo" })
        )
      )
      const { deployment_id } = (yield* created.json) as { deployment_id: string }
      const res = yield* client.execute(
        HttpClientRequest.get(`${BASE}/deployments/${deployment_id}/stream`).pipe(authed)
      )
      const fiber = yield* res.stream.pipe(Stream.decodeText(), Stream.runFold("", (a, b) => a + b), Effect.fork)
      for (let i = 0; i < 12; i++) yield* TestClock.adjust(Duration.millis(500))
      const text = yield* Fiber.join(fiber)
      expect(parseSse(text).map((e) => e.data.status)).toEqual([
        "validating",
        "selecting_gpu",
        "creating_endpoint",
        "downloading_model",
        "loading_model",
        "ready"
      ])
    }).pipe(Effect.provide(layerHttpClient(fake)))
  })

  it.effect("latency faults sleep on the Effect clock; resets are transport errors; hangs are interruptible", () => {
    const fake = new FakeVisgate()
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const health = client.execute(HttpClientRequest.get(`${BASE}/health`))

      fake.faults.add({ route: "GET /health", fault: { kind: "latency", ms: 5_000 } })
      const slow = yield* Effect.fork(health)
      yield* TestClock.adjust(Duration.millis(4_999))
      expect(slow.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.millis(1))
      expect((yield* Fiber.join(slow)).status).toBe(200)

      fake.faults.add({ route: "GET /health", fault: { kind: "reset" } })
      const reset = yield* Effect.either(health)
      expect(Either.isLeft(reset) && reset.left._tag).toBe("RequestError")
      expect(Either.isLeft(reset) && reset.left.reason).toBe("Transport")

      fake.faults.add({ route: "GET /health", fault: { kind: "hang" } })
      const timedOut = yield* health.pipe(Effect.timeout(Duration.seconds(30)), Effect.fork)
      yield* TestClock.adjust(Duration.seconds(30))
      const result = yield* Effect.either(Fiber.join(timedOut))
      expect(Either.isLeft(result) && result.left._tag).toBe("TimeoutException")

      fake.faults.add({ route: "GET /health", fault: { status: 503 } })
      expect((yield* health).status).toBe(503)
      expect((yield* health).status).toBe(200)
    }).pipe(Effect.provide(layerHttpClient(fake)))
  })

  it.effect("fake.fetch plugs into FetchHttpClient (the Promise client's path)", () => {
    const fake = new FakeVisgate()
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const res = yield* client.execute(
        HttpClientRequest.post(`${BASE}/images/generate`).pipe(
          authed,
          HttpClientRequest.setHeader("x-fal-key", "fal_secret"),
          HttpClientRequest.bodyUnsafeJson({ model: "fal-ai/flux/schnell", prompt: "via FetchHttpClient" })
        )
      )
      expect(res.status).toBe(200)
      expect(((yield* res.json) as { mode: string }).mode).toBe("byok")
      expect(fake.lastRequest("POST /images/generate")!.headers["x-fal-key"]).toBe("fal_secret")
    }).pipe(Effect.provide(FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fake.fetch)))))
  })
})
