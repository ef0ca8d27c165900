/**
 * End to end over real loopback HTTP: the provider with the client's default `fetch`, the fake
 * Visgate API served by `serve({ port: 0 })`. The AI SDK's default video download refuses private
 * addresses (127.0.0.1), so the video is downloaded with a plain `fetch` here.
 */
import { type FakeServer, FakeVisgate, serve } from "@visgate_ai/client/testing"
import { experimental_generateVideo as generateVideo, generateImage } from "ai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createVisgate, type VisgateProvider } from "../src/index.js"
import { API_KEY, IMAGE_MODEL, PNG_SIGNATURE, VIDEO_MODEL } from "./helpers.js"

let server: FakeServer
let visgate: VisgateProvider
const fake = new FakeVisgate({ startAt: Date.UTC(2026, 2, 1) })

beforeAll(async () => {
  server = await serve({ port: 0, fake })
  visgate = createVisgate({ apiKey: API_KEY, baseUrl: server.baseUrl, maxRetries: 0 })
})
afterAll(async () => {
  await visgate.close()
  await server.close()
})

describe("over loopback HTTP", () => {
  it("generateImage: the images downloaded with the global fetch are the PNGs the server serves", async () => {
    const result = await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "over http", n: 2 })
    expect(result.images).toHaveLength(2)
    for (const [i, file] of result.images.entries()) {
      const url = (result.providerMetadata.visgate!.images[i] as { url: string }).url
      expect(url.startsWith(server.baseUrl)).toBe(true)
      expect(Array.from(file.uint8Array.slice(0, 8))).toEqual(PNG_SIGNATURE)
      expect(file.uint8Array).toEqual(new Uint8Array(await (await fetch(url)).arrayBuffer()))
    }
  })

  it("experimental_generateVideo: submitted and polled over HTTP, the video downloaded from the server", async () => {
    const result = await generateVideo({
      model: visgate.video(VIDEO_MODEL),
      prompt: "over http",
      download: async ({ url }) => {
        const response = await fetch(url)
        return { data: new Uint8Array(await response.arrayBuffer()), mediaType: response.headers.get("content-type") ?? undefined }
      },
      poll: {
        intervalMs: 4_000,
        delay: async (ms) => {
          fake.advance(ms)
        }
      }
    })
    expect(Buffer.from(result.video.uint8Array.subarray(4, 8)).toString("latin1")).toBe("ftyp")
    expect(result.video.mediaType).toBe("video/mp4")
  })
})
