import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { Generate } from "../../src/services/Generate.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import { Videos } from "../../src/services/Videos.js"
import { json, mockHttp } from "../support/http.js"
import { ACCEPTED_202, GENERATE_200, IMAGE_200, STATUS_200, VIDEO_200 } from "../support/reference.js"

const run = <A, E, R>(effect: Effect.Effect<A, E, R>, reply: Parameters<typeof mockHttp>[0]) => {
  const mock = mockHttp(reply)
  return Effect.map(
    Effect.either(Effect.provide(effect, mock.layer({ maxRetries: 0 }) as any) as Effect.Effect<A, E>),
    (result) => ({ result, requests: mock.requests })
  )
}

describe("Generate", () => {
  it.effect("POST /generate with prompt, default model, params nested; decodes the fixture", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Generate, (g) => g.generate("a cat in space", { params: { num_images: 2 } })),
        () => json(GENERATE_200)
      )
      expect(requests[0]!.method).toBe("POST")
      expect(requests[0]!.path).toBe("/api/v1/generate")
      expect(requests[0]!.body).toEqual({
        prompt: "a cat in space",
        model: "fal-ai/flux/schnell",
        params: { num_images: 2 }
      })
      const value = Either.getOrThrow(result)
      expect(value).toMatchObject({
        id: "gen-1",
        imageUrl: "https://img.test/1.png",
        images: ["https://img.test/1.png"],
        cost: 0.003,
        costPerMegapixelUsd: 0.005,
        latencyMs: 1200,
        provider: "fal",
        mode: "managed",
        status: "completed",
        createdAt: "2026-01-01T00:00:00Z"
      })
      expect(value.resolution).toMatchObject({ width: 1024, height: 1024 })
    }))

  it.effect("empty params are omitted; absent optional fields get the reference defaults", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Generate, (g) => g.generate("x", { model: "m/1", params: {} })),
        () => json({ id: "g", model: "m/1" })
      )
      expect(requests[0]!.body).toEqual({ prompt: "x", model: "m/1" })
      expect(Either.getOrThrow(result)).toMatchObject({ images: [], cost: 0, costPerMegapixelUsd: 0, latencyMs: 0 })
    }))

  it.effect("an empty prompt fails with ValidationError before any request", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(Effect.flatMap(Generate, (g) => g.generate("   ")), () => json({}))
      expect(requests).toHaveLength(0)
      expect(Either.isLeft(result) && (result.left as any)._tag).toBe("ValidationError")
      expect(Either.isLeft(result) && (result.left as any).field).toBe("prompt")
    }))
})

describe("Images", () => {
  it.effect("POST /images/generate: snake_case body, defaults, nulls omitted, params merged at top level", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Images, (s) =>
          s.generate("fal-ai/flux/schnell", "a cat in space", {
            width: 512,
            numImages: 2,
            negativePrompt: null,
            seed: 42,
            imageUrl: null,
            preferCache: true,
            maxLatencyMs: null,
            webhookUrl: "https://hook.test/cb",
            callbackId: "cb-1",
            params: { guidance_scale: 3, width: 9999 }
          })),
        () => json(IMAGE_200)
      )
      expect(requests[0]!.path).toBe("/api/v1/images/generate")
      expect(requests[0]!.body).toEqual({
        guidance_scale: 3,
        model: "fal-ai/flux/schnell",
        prompt: "a cat in space",
        width: 512,
        height: 1024,
        num_images: 2,
        seed: 42,
        prefer_cache: true,
        webhook_url: "https://hook.test/cb",
        callback_id: "cb-1"
      })
      expect(requests[0]!.headers.prefer).toBeUndefined()
      expect(Either.getOrThrow(result)).toMatchObject({
        id: "img-1",
        images: ["https://img.test/a.png"],
        cacheHit: true,
        cost: 0.002,
        latencyMs: 800,
        status: "completed"
      })
    }))

  it.effect("includeSteps adds ?include_steps=true and steps decode", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Images, (s) => s.generate("m", "p", { includeSteps: true })),
        () => json({ ...IMAGE_200, steps: [{ name: "cache_lookup", ms: 3 }] })
      )
      expect(requests[0]!.path).toBe("/api/v1/images/generate?include_steps=true")
      expect(Either.getOrThrow(result).steps).toEqual([{ name: "cache_lookup", ms: 3 }])
    }))

  it.effect("invalid sizes, counts and seeds fail before any request, naming the field", () =>
    Effect.gen(function*() {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ width: 0 }, "width"],
        [{ height: -5 }, "height"],
        [{ width: 10.5 }, "width"],
        [{ numImages: 0 }, "numImages"],
        [{ seed: 1.5 }, "seed"],
        [{ maxLatencyMs: -1 }, "maxLatencyMs"]
      ]
      for (const [options, field] of cases) {
        const { requests, result } = yield* run(
          Effect.flatMap(Images, (s) => s.generate("m", "p", options as any)),
          () => json(IMAGE_200)
        )
        expect(requests).toHaveLength(0)
        expect(Either.isLeft(result) && (result.left as any)._tag).toBe("ValidationError")
        expect(Either.isLeft(result) && (result.left as any).field).toBe(field)
      }
      const noModel = yield* run(Effect.flatMap(Images, (s) => s.generate("", "p")), () => json(IMAGE_200))
      expect(Either.isLeft(noModel.result) && (noModel.result.left as any).field).toBe("model")
    }))

  it.effect("preferAsync sends Prefer: respond-async and a 202 becomes { status: accepted, requestId }", () =>
    Effect.gen(function*() {
      for (const status of ["pending", "accepted"]) {
        const { requests, result } = yield* run(
          Effect.flatMap(Images, (s) => s.generate("m", "p", { preferAsync: true })),
          () => json({ ...ACCEPTED_202, status }, 202)
        )
        expect(requests[0]!.headers.prefer).toBe("respond-async")
        expect(Either.getOrThrow(result)).toMatchObject({ status: "accepted", requestId: ACCEPTED_202.request_id })
      }
      // the server may ignore the preference and answer 200 with the result
      const sync = yield* run(
        Effect.flatMap(Images, (s) => s.generate("m", "p", { preferAsync: true })),
        () => json(IMAGE_200)
      )
      expect(Either.getOrThrow(sync.result)).toMatchObject({ id: "img-1", status: "completed" })
    }))

  it.effect("imageFile is sent as a base64 data URI in image_url; too large or both inputs fail first", () =>
    Effect.gen(function*() {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
      const { requests } = yield* run(
        Effect.flatMap(Images, (s) => s.generate("m", "p", { imageFile: png })),
        () => json(IMAGE_200)
      )
      expect((requests[0]!.body as any).image_url).toBe(`data:image/png;base64,${Buffer.from(png).toString("base64")}`)
      const blob = new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" })
      const fromBlob = yield* run(
        Effect.flatMap(Images, (s) => s.generate("m", "p", { imageFile: blob })),
        () => json(IMAGE_200)
      )
      expect((fromBlob.requests[0]!.body as any).image_url).toBe("data:image/webp;base64,AQID")
      const fromBuffer = yield* run(
        Effect.flatMap(
          Images,
          (s) => s.generate("m", "p", { imageFile: new Uint8Array([0xff, 0xd8, 0xff, 0]).buffer })
        ),
        () => json(IMAGE_200)
      )
      expect((fromBuffer.requests[0]!.body as any).image_url).toMatch(/^data:image\/jpeg;base64,/)

      const mock = mockHttp(() => json(IMAGE_200))
      const big = yield* Effect.either(
        Effect.provide(
          Effect.flatMap(Images, (s) => s.generate("m", "p", { imageFile: new Uint8Array(2048) })),
          mock.layer({ maxImageBytes: 1024 })
        )
      )
      expect(Either.isLeft(big) && (big.left as any).errorCode).toBe("IMAGE_TOO_LARGE")
      expect(Either.isLeft(big) && (big.left as any).message).toContain("1024 bytes")
      const both = yield* run(
        Effect.flatMap(Images, (s) => s.generate("m", "p", { imageFile: png, imageUrl: "https://x/y.png" })),
        () => json(IMAGE_200)
      )
      expect(Either.isLeft(both.result) && (both.result.left as any).field).toBe("imageFile")
      expect(mock.requests.length + both.requests.length).toBe(0)
    }))
})

describe("Videos", () => {
  it.effect("POST /videos/generate: body, skip_gcs_upload only when true, result decoded", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Videos, (s) =>
          s.generate("fal-ai/veo3", "waves on a beach", {
            durationSeconds: 6,
            skipGcsUpload: true,
            params: { aspect_ratio: "16:9" }
          })),
        () => json(VIDEO_200)
      )
      expect(requests[0]!.path).toBe("/api/v1/videos/generate")
      expect(requests[0]!.body).toEqual({
        aspect_ratio: "16:9",
        model: "fal-ai/veo3",
        prompt: "waves on a beach",
        duration_seconds: 6,
        skip_gcs_upload: true
      })
      expect(Either.getOrThrow(result)).toMatchObject({
        id: "vid-1",
        videoUrl: "https://vid.test/v.mp4",
        cacheHit: false,
        cost: 0.05,
        status: "completed"
      })
      const noSkip = yield* run(
        Effect.flatMap(Videos, (s) => s.generate("m", "p", { skipGcsUpload: false })),
        () => json(VIDEO_200)
      )
      expect(noSkip.requests[0]!.body).toEqual({ model: "m", prompt: "p", duration_seconds: 5 })
    }))

  it.effect("preferAsync: 202 pending or accepted -> AcceptedResult; id fallback", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Videos, (s) => s.generate("m", "p", { preferAsync: true })),
        () => json({ id: "r-1", status: "accepted" }, 202)
      )
      expect(requests[0]!.headers.prefer).toBe("respond-async")
      expect(Either.getOrThrow(result)).toMatchObject({ status: "accepted", requestId: "r-1" })
    }))

  it.effect("a non-positive duration fails before any request", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Videos, (s) => s.generate("m", "p", { durationSeconds: 0 })),
        () => json(VIDEO_200)
      )
      expect(requests).toHaveLength(0)
      expect(Either.isLeft(result) && (result.left as any).field).toBe("durationSeconds")
    }))
})

describe("Requests and Health", () => {
  it.effect("GET /requests/{id} decodes the fixture; request_id falls back to id; status defaults", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(Effect.flatMap(Requests, (r) => r.get("req-123")), () => json(STATUS_200))
      expect(requests[0]!.method).toBe("GET")
      expect(requests[0]!.path).toBe("/api/v1/requests/req-123")
      expect(Either.getOrThrow(result)).toMatchObject({
        requestId: "req-123",
        status: "completed",
        mediaType: "video",
        provider: "fal",
        model: "fal-ai/veo3",
        outputUrl: "https://storage.example/v.mp4"
      })
      expect(Either.getOrThrow(result).errorMessage).toBeUndefined()
      const fallback = yield* run(Effect.flatMap(Requests, (r) => r.get("r 1/x")), () => json({ id: "r-9" }))
      expect(fallback.requests[0]!.path).toBe("/api/v1/requests/r%201%2Fx")
      expect(Either.getOrThrow(fallback.result)).toMatchObject({
        requestId: "r-9",
        status: "pending",
        mediaType: "video"
      })
      const missing = yield* run(Effect.flatMap(Requests, (r) => r.get("x")), () => json({ status: "pending" }))
      expect(Either.isLeft(missing.result) && (missing.result.left as any).field).toBe("request_id")
      const empty = yield* run(Effect.flatMap(Requests, (r) => r.get(" ")), () => json(STATUS_200))
      expect(empty.requests).toHaveLength(0)
      expect(Either.isLeft(empty.result) && (empty.result.left as any)._tag).toBe("ValidationError")
    }))

  it.effect("GET /health", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(
        Effect.flatMap(Health, (h) => h.check()),
        () => json({ status: "ok", version: "0.2.0" })
      )
      expect(requests[0]!.path).toBe("/api/v1/health")
      expect(Either.getOrThrow(result)).toMatchObject({ status: "ok", version: "0.2.0" })
    }))
})
