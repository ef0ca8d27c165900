import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { Client, DownloadError, VisgateError } from "../../src/index.js"
import { FakeVisgate } from "../../src/testing.js"

const fake = new FakeVisgate()
const BIG = 3000

/** The fake, plus a few CDN URLs it does not serve. */
const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
  if (url === "http://cdn.test/expired.png") {
    return new Response("<html>expired</html>", { status: 200, headers: { "content-type": "text/html" } })
  }
  if (url === "http://cdn.test/big.bin") {
    return new Response(new Uint8Array(BIG), { status: 200, headers: { "content-type": "application/octet-stream" } })
  }
  if (url === "http://cdn.test/missing.png") return new Response("nope", { status: 404 })
  if (url === "http://cdn.test/chunked.mp4") {
    // No Content-Length: counted while streaming.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(1000))
        c.close()
      }
    })
    return new Response(body, { status: 200, headers: { "content-type": "video/mp4" } })
  }
  return fake.fetch(input, init)
}

const client = new Client({ apiKey: "vg-test-key", fetch, baseUrl: "http://fake.local/api/v1", maxRetries: 0 })
const dir = mkdtempSync(join(tmpdir(), "visgate-dl-"))
afterAll(() => client.close())

const failure = async (p: Promise<unknown>): Promise<DownloadError> => {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(DownloadError)
  expect(err).toBeInstanceOf(VisgateError)
  return err as DownloadError
}

describe("client.download", () => {
  it("an image result: bytes (a real PNG) with its content type, no API key sent to the media URL", async () => {
    const result = await client.images.generate("fal-ai/flux/schnell", "a red fox", { width: 64, height: 64 })
    const got = await client.download(result)
    expect(got.contentType).toBe("image/png")
    expect(got.url).toBe(result.images[0])
    expect(got.size).toBe(got.bytes.length)
    expect(Array.from(got.bytes.slice(1, 4))).toEqual([0x50, 0x4e, 0x47])
    const media = fake.lastRequest()!
    expect(media.path).toMatch(/^\/_fake\/media\//)
    expect(media.headers["authorization"]).toBeUndefined()
  })

  it("to: streams to the file, reports progress, leaves no temporary file", async () => {
    const result = await client.images.generate("fal-ai/flux/schnell", "a blue whale", { width: 64, height: 64 })
    const to = join(dir, "whale.png")
    const progress: Array<number> = []
    const file = await client.download(result.images[0]!, { to, onProgress: (p) => progress.push(p.receivedBytes) })
    expect(file).toMatchObject({ path: to, contentType: "image/png" })
    expect(readFileSync(to).length).toBe(file.size)
    expect(progress.at(-1)).toBe(file.size)
    expect(readdirSync(dir).filter((f) => f.endsWith(".part"))).toEqual([])
  })

  it("track: records the download with usage.trackDownload (request id, url, media type)", async () => {
    const result = await client.images.generate("fal-ai/flux/schnell", "a green owl", { width: 64, height: 64 })
    await client.download(result, { track: true })
    const tracked = fake.lastRequest("POST /usage/downloads")!
    expect(tracked.body).toMatchObject({ request_id: result.id, url: result.images[0], media_type: "image" })
  })

  it("a request status with an output URL (a video) downloads as video/mp4", async () => {
    const got = await client.download({
      requestId: "req_1",
      outputUrl: (await client.images.generate("fal-ai/flux/schnell", "x", { width: 64, height: 64 })).images[0]!
        .replace(
          /img_(.*)\.png$/,
          "vid_$1.mp4"
        ),
      mediaType: "video"
    })
    expect(got.contentType).toBe("video/mp4")
  })

  it("fails with DownloadError: not an image or video, over maxBytes (Content-Length and streamed), HTTP error, no URL", async () => {
    expect(await failure(client.download("http://cdn.test/expired.png"))).toMatchObject({
      reason: "ContentType",
      contentType: "text/html",
      errorCode: "DOWNLOAD_CONTENT_TYPE"
    })
    expect(await failure(client.download("http://cdn.test/big.bin", { maxBytes: 100 }))).toMatchObject({
      reason: "TooLarge",
      maxBytes: 100
    })
    expect(await failure(client.download("http://cdn.test/chunked.mp4", { maxBytes: 2500 }))).toMatchObject({
      reason: "TooLarge"
    })
    expect((await client.download("http://cdn.test/chunked.mp4")).size).toBe(5000)
    expect(await failure(client.download("http://cdn.test/missing.png"))).toMatchObject({
      reason: "Status",
      statusCode: 404
    })
    expect(await failure(client.download({ status: "processing" } as never))).toMatchObject({ reason: "NoUrl" })
    expect(await failure(client.download("file:///etc/passwd"))).toMatchObject({ reason: "NoUrl" })
  })

  it("a failed file download leaves neither the file nor a temporary file", async () => {
    const to = join(dir, "big.bin")
    const err = await failure(client.download("http://cdn.test/chunked.mp4", { to, maxBytes: 2500 }))
    expect(err.reason).toBe("TooLarge")
    expect(readdirSync(dir).filter((f) => f.startsWith("big.bin"))).toEqual([])
    const bad = await failure(client.download("http://cdn.test/chunked.mp4", { to: join(dir, "no/such/dir/x.mp4") }))
    expect(bad.reason).toBe("File")
  })
})
