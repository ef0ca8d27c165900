/**
 * `visgate.video(...)` through the real `experimental_generateVideo` / `experimental_startVideo` /
 * `experimental_getVideoStatus` of `ai`, against the fake Visgate API. The fake's clock is frozen:
 * the AI SDK's poll `delay` moves it, so polling runs without real sleeps.
 */
import { type FakeVisgate, renderPng } from "@visgate_ai/client/testing"
import {
  experimental_generateVideo as generateVideo,
  experimental_getVideoStatus as getVideoStatus,
  experimental_startVideo as startVideo
} from "ai"
import { afterEach, describe, expect, it } from "vitest"
import { bodies, received, rejection, type Setup, setup, until, VIDEO_MODEL } from "./helpers.js"

let current: Setup | undefined
const start = (...args: Parameters<typeof setup>): Setup => {
  current = setup(...args)
  return current
}
afterEach(async () => {
  await current?.visgate.close()
  current = undefined
})

const SUBMIT = "POST /videos/generate"

/** The AI SDK's `download`, through the fake (its video URLs live on `fake.local`). */
const download = (fake: FakeVisgate) => async ({ url }: { url: URL }) => {
  const response = await fake.fetch(url.toString())
  return {
    data: new Uint8Array(await response.arrayBuffer()),
    mediaType: response.headers.get("content-type") ?? undefined
  }
}

/** Poll options whose delay moves the fake's clock instead of sleeping. */
const pollOn = (fake: FakeVisgate, intervalMs = 2_000) => ({
  intervalMs,
  delay: async (ms: number) => {
    fake.advance(ms)
  }
})

const isMp4 = (bytes: Uint8Array) => Buffer.from(bytes.subarray(4, 8)).toString("latin1") === "ftyp"

describe("experimental_generateVideo with visgate.video", () => {
  it("poll: submits in async mode with the AI SDK's idempotency key, polls /requests/{id} until completed", async () => {
    const { fake, visgate } = start()
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "waves on a beach",
      duration: 6,
      poll: pollOn(fake),
      download: download(fake)
    })
    expect(isMp4(result.video.uint8Array)).toBe(true)
    expect(result.video.mediaType).toBe("video/mp4")
    expect(result.warnings).toEqual([])

    const submit = received(fake, SUBMIT)
    expect(submit).toHaveLength(1)
    expect(submit[0]!.headers.prefer).toMatch(/respond-async/)
    expect(submit[0]!.headers["idempotency-key"]).toMatch(/^aisdk_vid_/)
    expect(submit[0]!.body).toMatchObject({ model: VIDEO_MODEL, prompt: "waves on a beach", duration_seconds: 6 })
    // Default timings: 2 s pending + 10 s processing, polled every 2 s.
    const polls = fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/requests/"))
    expect(polls.length).toBe(6)

    const meta = result.providerMetadata.visgate as Record<string, unknown>
    expect(meta).toMatchObject({ status: "completed", model: VIDEO_MODEL, provider: "fal" })
    expect(polls[0]!.path).toBe(`/requests/${String(meta.requestId)}`)
    expect((meta.videos as Array<{ url: string }>)[0]!.url).toMatch(/vid_.*\.mp4$/)
  })

  it("without poll: the model waits itself (client polling); image-to-video sends image_url", async () => {
    const { fake, visgate } = start({}, { timings: { videoPendingMs: 0, videoProcessingMs: 0 } })
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: { image: "https://example.com/first.png", text: "make it move" },
      download: download(fake),
      providerOptions: { visgate: { skipGcsUpload: true, params: { cfg_scale: 0.5 } } }
    })
    expect(isMp4(result.video.uint8Array)).toBe(true)
    expect(bodies(fake, SUBMIT)[0]).toMatchObject({
      image_url: "https://example.com/first.png",
      prompt: "make it move",
      skip_gcs_upload: true,
      cfg_scale: 0.5
    })
    expect(received(fake, SUBMIT)[0]!.headers.prefer).toMatch(/respond-async/)
    expect(result.providerMetadata.visgate).toMatchObject({ status: "completed", provider: "fal" })
  })

  it("n = 2: one submit per video, each with its own Idempotency-Key", async () => {
    const { fake, visgate } = start()
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "two takes",
      n: 2,
      poll: pollOn(fake, 20_000),
      download: download(fake)
    })
    expect(result.videos).toHaveLength(2)
    const keys = received(fake, SUBMIT).map((r) => r.headers["idempotency-key"])
    expect(keys).toHaveLength(2)
    expect(new Set(keys).size).toBe(2)
  })

  it("settings Visgate video requests do not take become warnings", async () => {
    const { fake, visgate } = start()
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "settings",
      aspectRatio: "16:9",
      resolution: "1280x720",
      fps: 24,
      seed: 3,
      generateAudio: true,
      poll: pollOn(fake, 20_000),
      download: download(fake)
    })
    expect(result.warnings.map((w) => (w as { feature?: string }).feature)).toEqual([
      "aspectRatio",
      "resolution",
      "fps",
      "seed",
      "generateAudio"
    ])
    expect(bodies(fake, SUBMIT)[0]).not.toHaveProperty("seed")
  })

  it("image bytes as the first frame are sent as a data URI; a last frame, references and unknown options warn", async () => {
    const { fake, visgate } = start()
    const png = renderPng({ prompt: "frame", width: 16, height: 16 })
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "frames",
      frameImages: [{ image: png, frameType: "first_frame" }, { image: png, frameType: "last_frame" }],
      providerOptions: { visgate: { loop: true } },
      poll: pollOn(fake, 20_000),
      download: download(fake)
    })
    const body = bodies(fake, SUBMIT)[0]!
    expect(String(body.image_url)).toMatch(/^data:image\/png;base64,/)
    expect(Buffer.from(String(body.image_url).split(",")[1]!, "base64")).toEqual(Buffer.from(png))
    expect(body).not.toHaveProperty("loop")
    expect(result.warnings).toEqual([
      { type: "other", message: expect.stringContaining("providerOptions.visgate.loop") },
      {
        type: "unsupported",
        feature: "frameImages",
        details: "Visgate video requests take a first frame only; the last frame was ignored."
      }
    ])
  })

  it("a bad pollTimeoutMs fails before any request", async () => {
    const { fake, visgate } = start()
    const error = await rejection(generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "x",
      providerOptions: { visgate: { pollTimeoutMs: -5 } }
    }))
    expect(error).toMatchObject({ name: "AI_InvalidArgumentError", argument: "providerOptions.visgate.pollTimeoutMs" })
    expect(fake.requests).toHaveLength(0)
  })

  it("a failed generation rejects with the server's message", async () => {
    const { fake, visgate } = start()
    const error = await rejection(generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "this will fail",
      poll: pollOn(fake, 20_000),
      download: download(fake)
    }))
    expect((error as Error).message).toBe('Provider fal failed to generate: injected failure for prompt "this will fail"')
    expect(received(fake, SUBMIT)).toHaveLength(1)
  })

  it("a failed generation without poll: a non-retryable APICallError", async () => {
    const { visgate } = start({}, { timings: { videoPendingMs: 0, videoProcessingMs: 0 } })
    const error = await rejection(generateVideo({ model: visgate.video(VIDEO_MODEL), prompt: "fail now" }))
    expect(error).toMatchObject({ isRetryable: false, data: { type: "GenerationFailedError" } })
  })

  it("a rejected submit: APICallError (401, not retryable)", async () => {
    const { visgate } = start({ apiKey: "vg-wrong" }, { acceptAnyVgKey: false })
    const error = await rejection(generateVideo({ model: visgate.video(VIDEO_MODEL), prompt: "x", poll: { intervalMs: 1 } }))
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false })
  })

  it("aborting while polling rejects with AbortError and stops polling", async () => {
    const { fake, visgate } = start()
    const controller = new AbortController()
    let delays = 0
    const error = await rejection(generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "aborted",
      abortSignal: controller.signal,
      poll: {
        intervalMs: 2_000,
        delay: async (ms) => {
          fake.advance(ms)
          if (++delays === 2) controller.abort()
        }
      }
    }))
    expect((error as Error).name).toBe("AbortError")
    const polls = fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/requests/"))
    expect(polls.length).toBeLessThanOrEqual(1)
  })

  it("webhook: the AI SDK's webhook URL is sent as webhook_url and its notification ends the wait", async () => {
    const { fake, visgate } = start()
    let notify!: () => void
    const received_ = new Promise<{ headers: Record<string, string>; body: null }>((resolve) => {
      notify = () => resolve({ headers: {}, body: null })
    })
    const pending = generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "webhook",
      webhook: async () => ({ url: "https://hooks.example.com/visgate/1", received: received_ }),
      download: download(fake)
    })
    await until(() => received(fake, SUBMIT).length === 1)
    expect(bodies(fake, SUBMIT)[0]!.webhook_url).toBe("https://hooks.example.com/visgate/1")
    fake.advance(15_000)
    notify()
    const result = await pending
    expect(isMp4(result.video.uint8Array)).toBe(true)
  })
})

describe("experimental_startVideo / experimental_getVideoStatus", () => {
  it("the operation is { requestId }, JSON that resumes from anywhere", async () => {
    const { fake, visgate } = start()
    const started = await startVideo({ model: visgate.video(VIDEO_MODEL), prompt: "later", duration: 5 })
    const operation = JSON.parse(JSON.stringify(started.operation)) as { requestId: string }
    expect(Object.keys(operation)).toEqual(["requestId"])
    expect(started.providerMetadata?.visgate).toMatchObject({ requestId: operation.requestId, status: "pending" })

    const pending = await getVideoStatus(visgate.video(VIDEO_MODEL), { operation })
    expect(pending.status).toBe("pending")

    fake.advance(12_000)
    const done = await getVideoStatus(visgate.video(VIDEO_MODEL), { operation })
    expect(done.status).toBe("completed")
    if (done.status !== "completed") throw new Error("not completed")
    expect(done.providerMetadata?.visgate).toMatchObject({ requestId: operation.requestId, status: "completed" })
    expect(done.videos.length).toBe(1)
  })

  it("an operation that is not Visgate's: InvalidArgumentError", async () => {
    const { visgate } = start()
    const error = await rejection(getVideoStatus(visgate.video(VIDEO_MODEL), { operation: { id: 1 } }))
    expect(error).toMatchObject({ name: "AI_InvalidArgumentError", argument: "operation" })
  })
})
