/** `imageFile` bytes become a base64 data URI; large inputs are encoded in slices; empty ones fail. */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { imageFileToDataUri } from "../../src/services/Generation.js"

describe("imageFileToDataUri", () => {
  it.effect("encodes bytes across several slices exactly as Node's base64 does", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(0x8000 * 3 + 17)
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) // PNG signature: the MIME is sniffed
      const uri = yield* imageFileToDataUri(bytes, 10 * 1024 * 1024)
      expect(uri).toBe(`data:image/png;base64,${Buffer.from(bytes).toString("base64")}`)
    }))

  it.effect("an empty input is a ValidationError on imageFile", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(imageFileToDataUri(new Uint8Array(0), 1024))
      expect(error._tag).toBe("ValidationError")
      expect(error.field).toBe("imageFile")
    }))
})
