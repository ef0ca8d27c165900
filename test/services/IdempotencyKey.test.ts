/**
 * A generation's Idempotency-Key is fixed when the Effect value is made: re-running the same
 * effect (`Effect.retry`, `Effect.repeat`, a caller's Schedule) sends the same key; a new call
 * makes a new one. Promise calls: one key per call, kept across the client's own retries.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { Client } from "../../src/index.js"
import { Generate } from "../../src/services/Generate.js"
import { Images } from "../../src/services/Images.js"
import { Videos } from "../../src/services/Videos.js"
import { json, mockHttp } from "../support/http.js"

const IMAGE = { id: "img_1", status: "completed", images: ["https://x/a.png"], model: "m", provider: "fal", cost: 0.01 }
const VIDEO = { id: "vid_1", status: "completed", video_url: "https://x/a.mp4", model: "m", provider: "fal" }
const QUICK = { id: "gen_1", status: "completed", image_url: "https://x/a.png", model: "m", provider: "fal" }

/** Fails the first `failures` requests with 500 (not retried: `maxRetries: 0`), then answers. */
const flaky = (failures: number) =>
  mockHttp((request, index) => {
    if (index < failures) return json({ error: "INTERNAL_ERROR", message: "boom" }, 500)
    if (request.path.includes("/videos/")) return json(VIDEO)
    if (request.path.endsWith("/generate") && !request.path.includes("/images/")) return json(QUICK)
    return json(IMAGE)
  })

const keys = (http: ReturnType<typeof mockHttp>) => http.requests.map((r) => r.headers["idempotency-key"])

describe("Idempotency-Key per Effect value", () => {
  it.effect("images.generate: Effect.retry and Effect.repeat send the same key; a new call a new one", () => {
    const http = flaky(2)
    return Effect.gen(function*() {
      const images = yield* Images
      const generate = images.generate("fal-ai/flux/schnell", "a cat")
      yield* Effect.retry(generate, Schedule.recurs(2))
      yield* Effect.repeat(generate, Schedule.recurs(1))
      yield* images.generate("fal-ai/flux/schnell", "a cat")
      const sent = keys(http)
      expect(sent).toHaveLength(6)
      expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/)
      expect(new Set(sent.slice(0, 5))).toEqual(new Set([sent[0]]))
      expect(sent[5]).not.toBe(sent[0])
    }).pipe(Effect.provide(http.layer({ maxRetries: 0 })))
  })

  it.effect("videos.generate, generate and generateAndWait keep theirs too; a caller's key is used as is", () => {
    const http = flaky(1)
    return Effect.gen(function*() {
      const videos = yield* Videos
      const quick = yield* Generate
      const images = yield* Images
      yield* Effect.retry(videos.generate("fal-ai/veo3", "waves"), Schedule.recurs(1))
      yield* Effect.repeat(quick.generate("a cat"), Schedule.recurs(1))
      yield* Effect.repeat(images.generateAndWait("fal-ai/flux/schnell", "a cat"), Schedule.recurs(1))
      yield* Effect.repeat(
        images.generate("fal-ai/flux/schnell", "a cat", { idempotencyKey: "mine" }),
        Schedule.recurs(1)
      )
      const sent = keys(http)
      expect(sent).toHaveLength(8)
      expect(sent[1]).toBe(sent[0])
      expect(sent[3]).toBe(sent[2])
      expect(sent[5]).toBe(sent[4])
      expect(new Set([sent[0], sent[2], sent[4]]).size).toBe(3)
      expect(sent.slice(6)).toEqual(["mine", "mine"])
    }).pipe(Effect.provide(http.layer({ maxRetries: 0 })))
  })
})

describe("Idempotency-Key per Promise call", () => {
  // (that the client's own retries of one call keep its key is tested in VisgateClient.test.ts)
  it("each call makes its own key", async () => {
    const sent: Array<string | null> = []
    const fetchLike: typeof fetch = async (input, init) => {
      sent.push(new Request(input, init).headers.get("idempotency-key"))
      return json(IMAGE)
    }
    const client = new Client({ apiKey: "vg-test", baseUrl: "https://api.test/api/v1", fetch: fetchLike })
    await client.images.generate("fal-ai/flux/schnell", "a cat")
    await client.images.generate("fal-ai/flux/schnell", "a cat")
    await client.close()
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(sent[1]).not.toBe(sent[0])
  })
})
