/**
 * `client.download` where `#visgate/fs` resolves to its file-system-free variant (browsers, workerd,
 * edge): `to` fails with a typed `DownloadError` before any request; without `to` the bytes come back.
 */
import { describe, expect, it, vi } from "vitest"
import { Client, DownloadError, VisgateError } from "../../src/index.js"
import { FakeVisgate } from "../../src/testing.js"

vi.mock("#visgate/fs", () => import("../../src/internal/fileSink.default.js"))

describe("client.download without a file system", () => {
  it("to: DownloadError (reason File) naming the runtimes, before any request; the bytes still work", async () => {
    const fake = new FakeVisgate()
    const urls: Array<string> = []
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      urls.push(typeof input === "string" ? input : input instanceof URL ? input.href : input.url)
      return fake.fetch(input, init)
    }
    const client = new Client({ apiKey: "vg-test-key", fetch, baseUrl: "http://fake.local/api/v1", maxRetries: 0 })
    try {
      const image = await client.images.generate("fal-ai/flux/schnell", "a red fox", { width: 64, height: 64 })
      const before = urls.length
      const err = await client.download(image, { to: "fox.png" }).then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(DownloadError)
      expect(err).toBeInstanceOf(VisgateError)
      expect(err).toMatchObject({ reason: "File", errorCode: "DOWNLOAD_FILE" })
      expect((err as DownloadError).message).toMatch(/needs Node, Deno or Bun; leave `to` out to get the bytes/)
      expect(urls.length).toBe(before)
      const got = await client.download(image)
      expect(got.contentType).toBe("image/png")
      expect(got.bytes.length).toBe(got.size)
    } finally {
      await client.close()
    }
  })
})
