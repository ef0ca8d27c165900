/**
 * `visgate.image(...)` through the real `generateImage` of `ai`, against the fake Visgate API.
 */
import { renderPng } from "@visgate_ai/client/testing"
import { generateImage } from "ai"
import { afterEach, describe, expect, it } from "vitest"
import type { VisgateImageMetadata } from "../src/index.js"
import { bodies, fetchBytes, IMAGE_MODEL, PNG_SIGNATURE, received, type Setup, setup } from "./helpers.js"

let current: Setup | undefined
const start = (...args: Parameters<typeof setup>): Setup => {
  current = setup(...args)
  return current
}
afterEach(async () => {
  await current?.visgate.close()
  current = undefined
})

const GENERATE = "POST /images/generate"

describe("generateImage with visgate.image", () => {
  it("returns the generated PNG as bytes and base64, with the call's cost, cache, provider and request id", async () => {
    const { fake, visgate } = start()
    const result = await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "a lighthouse at dawn" })

    expect(result.images).toHaveLength(1)
    // The exported metadata types are comparable with the AI SDK's loose ones (a plain cast works).
    const meta = result.calls[0]!.providerMetadata!.visgate as VisgateImageMetadata
    const images = meta.images
    const served = await fetchBytes(fake, images[0]!.url)
    expect(Array.from(served.slice(0, 8))).toEqual(PNG_SIGNATURE)
    expect(result.image.uint8Array).toEqual(served)
    expect(result.image.base64).toBe(Buffer.from(served).toString("base64"))
    expect(result.image.mediaType).toBe("image/png")
    expect(result.warnings).toEqual([])

    expect(meta).toMatchObject({ model: IMAGE_MODEL, provider: "fal", cacheHit: false, status: "completed" })
    expect(typeof meta.requestId).toBe("string")
    expect(meta.cost).toBeGreaterThan(0)
    expect(images[0]!.requestId).toBe(meta.requestId)
    // Per image, as the AI SDK exposes it on the result and on each file.
    expect(result.providerMetadata.visgate!.images[0]).toMatchObject({ url: images[0]!.url, cacheHit: false })
    expect(result.image.providerMetadata?.visgate).toMatchObject({ url: images[0]!.url, provider: "fal" })
    expect(result.responses[0]!.modelId).toBe(IMAGE_MODEL)

    expect(bodies(fake, GENERATE)).toEqual([
      { model: IMAGE_MODEL, prompt: "a lighthouse at dawn", width: 1024, height: 1024, num_images: 1 }
    ])
    expect(fake.billedCount).toBe(1)
  })

  it("n > 1: one model call sent as requests of at most 4 images, all distinct and downloaded", async () => {
    const { fake, visgate } = start()
    const result = await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "six cats", n: 6, seed: 7 })

    expect(result.images).toHaveLength(6)
    expect(result.calls).toHaveLength(1)
    // Only the first request may come from the cache; the second gets its own seed.
    expect(bodies(fake, GENERATE).map(({ num_images, prefer_cache, seed }) => ({ num_images, prefer_cache, seed })))
      .toEqual([{ num_images: 4, prefer_cache: undefined, seed: 7 }, { num_images: 2, prefer_cache: false, seed: 11 }])
    const urls = result.providerMetadata.visgate!.images.map((i) => (i as { url: string }).url)
    expect(new Set(urls).size).toBe(6)
    for (const [i, url] of urls.entries()) {
      expect(result.images[i]!.uint8Array).toEqual(await fetchBytes(fake, url))
    }
    const meta = result.calls[0]!.providerMetadata!.visgate as VisgateImageMetadata
    const requests = meta.requests!
    expect(requests).toHaveLength(2)
    expect(meta.cost).toBeCloseTo(requests[0]!.cost + requests[1]!.cost, 9)
    expect(fake.billedCount).toBe(2)
  })

  it("a cache hit with fewer images than asked is topped up with an uncached request", async () => {
    const { fake, visgate } = start()
    const model = visgate.image(IMAGE_MODEL)
    await generateImage({ model, prompt: "one then three", seed: 5 })
    const result = await generateImage({ model, prompt: "one then three", n: 3, seed: 5 })
    expect(result.images).toHaveLength(3)
    expect(bodies(fake, GENERATE).slice(1).map(({ num_images, prefer_cache }) => ({ num_images, prefer_cache })))
      .toEqual([{ num_images: 3, prefer_cache: undefined }, { num_images: 2, prefer_cache: false }])
    expect(bodies(fake, GENERATE)[2]!.seed).toBe(6)
    const images = result.providerMetadata.visgate!.images as Array<{ url: string; cacheHit: boolean }>
    expect(images.map((i) => i.cacheHit)).toEqual([true, false, false])
    expect(new Set(images.map((i) => i.url)).size).toBe(3)
    expect(result.calls[0]!.providerMetadata!.visgate).toMatchObject({ cacheHit: false })
  })

  it("size, aspectRatio and seed become width, height and seed", async () => {
    const { fake, visgate } = start()
    const model = visgate.image(IMAGE_MODEL)
    await generateImage({ model, prompt: "wide", size: "640x480", seed: 42 })
    await generateImage({ model, prompt: "landscape", aspectRatio: "16:9" })
    await generateImage({ model, prompt: "portrait", aspectRatio: "9:16" })
    expect(bodies(fake, GENERATE).map(({ height, seed, width }) => ({ width, height, seed }))).toEqual([
      { width: 640, height: 480, seed: 42 },
      { width: 1024, height: 576, seed: undefined },
      { width: 576, height: 1024, seed: undefined }
    ])
  })

  it("warns when aspectRatio is given with size, extra input images, a mask or headers Visgate does not send", async () => {
    const { fake, visgate } = start()
    const png = renderPng({ prompt: "input", width: 16, height: 16 })
    const result = await generateImage({
      model: visgate.image(IMAGE_MODEL),
      prompt: { text: "edit it", images: [png, png], mask: png },
      size: "512x512",
      aspectRatio: "1:1",
      headers: { "x-trace": "1" }
    })
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: "unsupported", feature: "headers", details: expect.stringContaining("x-trace") }),
      expect.objectContaining({ type: "unsupported", feature: "aspectRatio" }),
      expect.objectContaining({ type: "unsupported", feature: "files" }),
      expect.objectContaining({ type: "unsupported", feature: "mask" })
    ])
    const body = bodies(fake, GENERATE)[0]!
    expect(body).toMatchObject({ width: 512, height: 512, prompt: "edit it" })
    expect(String(body.image_url)).toMatch(/^data:image\/png;base64,/)
    expect(Buffer.from(String(body.image_url).split(",")[1]!, "base64")).toEqual(Buffer.from(png))
  })

  it("an input image given as a URL is sent as image_url", async () => {
    const { fake, visgate } = start()
    await generateImage({
      model: visgate.image(IMAGE_MODEL),
      prompt: { text: "restyle", images: ["https://example.com/in.png"] }
    })
    expect(bodies(fake, GENERATE)[0]!.image_url).toBe("https://example.com/in.png")
  })

  it("providerOptions.visgate: known options reach the body, unknown ones warn, wrong types fail before any request", async () => {
    const { fake, visgate } = start()
    const model = visgate.image(IMAGE_MODEL)
    const result = await generateImage({
      model,
      prompt: "options",
      providerOptions: {
        visgate: {
          negativePrompt: "blur",
          preferCache: false,
          maxLatencyMs: 30_000,
          callbackId: "cb-1",
          params: { guidance_scale: 3.5 },
          sharpness: 2
        }
      }
    })
    expect(bodies(fake, GENERATE)[0]).toMatchObject({
      negative_prompt: "blur",
      prefer_cache: false,
      max_latency_ms: 30_000,
      callback_id: "cb-1",
      guidance_scale: 3.5
    })
    expect(result.warnings).toEqual([
      { type: "other", message: expect.stringContaining("providerOptions.visgate.sharpness") }
    ])

    const before = fake.requests.length
    const error = await generateImage({
      model,
      prompt: "bad",
      providerOptions: { visgate: { preferCache: "yes" } }
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: "AI_InvalidArgumentError",
      argument: "providerOptions.visgate.preferCache"
    })
    expect(fake.requests.length).toBe(before)
  })

  it("a repeated prompt is a cache hit: cost 0 in the metadata", async () => {
    const { visgate } = start()
    const model = visgate.image(IMAGE_MODEL)
    await generateImage({ model, prompt: "the same picture" })
    const again = await generateImage({ model, prompt: "the same picture" })
    expect(again.calls[0]!.providerMetadata!.visgate).toMatchObject({ cacheHit: true, cost: 0, cacheSource: "exact" })
    expect(again.image.providerMetadata?.visgate).toMatchObject({ cacheHit: true })
  })

  it("runs on the client's proxy mode: no key sent, the session token as Bearer", async () => {
    const { fake, visgate } = start(
      { apiKey: undefined, proxyUrl: "http://fake.local/api/v1", getToken: async () => "session-1" },
      { sessionTokens: ["session-1"] }
    )
    const result = await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "through the proxy" })
    expect(result.images).toHaveLength(1)
    expect(received(fake, GENERATE)[0]!.headers.authorization).toBe("Bearer session-1")
  })

  it("runs on a client passed in, which close() leaves open", async () => {
    const { fake, visgate: owner } = start()
    const { createVisgate } = await import("../src/index.js")
    const visgate = createVisgate({ client: owner.client, fetch: fake.fetch })
    await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "shared client" })
    await visgate.close()
    await generateImage({ model: owner.image(IMAGE_MODEL), prompt: "still open" })
    expect(received(fake, GENERATE)).toHaveLength(2)
    expect(() => createVisgate({ client: owner.client, apiKey: "vg-x" })).toThrow(/either client or client options/)
  })
})
