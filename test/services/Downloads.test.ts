import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import { DownloadError } from "../../src/schemas/Errors.js"
import { Downloads, toFile } from "../../src/services/Downloads.js"
import { Images } from "../../src/services/Images.js"
import { FakeVisgate, layerHttpClient } from "../../src/testing/fake/index.js"

const fake = new FakeVisgate()
const layer = Layer.merge(
  VisgateLayer.layer({ apiKey: "vg-test-key", baseUrl: "http://fake.local/api/v1", maxRetries: 0 }).pipe(
    Layer.provide(layerHttpClient(fake))
  ),
  NodeFileSystem.layer
)
const dir = mkdtempSync(join(tmpdir(), "visgate-downloads-"))

const image = Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a red fox", { width: 64, height: 64 }))

describe("Downloads", () => {
  it.effect("stream: the body as a Stream of bytes; bytes: collected, with the content type", () =>
    Effect.gen(function*() {
      const downloads = yield* Downloads
      const result = yield* image
      const chunks = yield* Stream.runCollect(downloads.stream(result))
      const streamed = Array.from(chunks).reduce((n, c) => n + c.length, 0)
      const got = yield* downloads.bytes(result)
      expect(got.size).toBe(streamed)
      expect(got.contentType).toBe("image/png")
    }).pipe(Effect.provide(layer)))

  it.effect("toFile: on FileSystem, renamed at the end; tracked; a failure leaves nothing behind", () =>
    Effect.gen(function*() {
      const result = yield* image
      const path = join(dir, "fox.png")
      const file = yield* toFile(result, path, { track: true })
      expect(readFileSync(path).length).toBe(file.size)
      expect(fake.lastRequest("POST /usage/downloads")!.body).toMatchObject({ request_id: result.id })
      const failed = yield* Effect.either(toFile(result, join(dir, "small.png"), { maxBytes: 10 }))
      expect(Either.isLeft(failed) && failed.left instanceof DownloadError && failed.left.reason).toBe("TooLarge")
      expect(readdirSync(dir).sort()).toEqual(["fox.png"])
    }).pipe(Effect.provide(layer)))

  it.effect("a source without an output URL fails before any request", () =>
    Effect.gen(function*() {
      const downloads = yield* Downloads
      const before = fake.requests.length
      const failed = yield* Effect.flip(downloads.bytes({ requestId: "r", outputUrl: undefined }))
      expect(failed).toMatchObject({ _tag: "DownloadError", reason: "NoUrl", errorCode: "DOWNLOAD_NO_URL" })
      expect(fake.requests.length).toBe(before)
    }).pipe(Effect.provide(layer)))
})
