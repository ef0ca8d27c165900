/**
 * `imageFile` uploads. The wire encoding is not known (reference §2.3: inferred); this is the one
 * place that decides it: the bytes are sent as a base64 `data:` URI in `image_url`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { ValidationError } from "../schemas/Errors.js"

/** What `imageFile` accepts: a `Blob` (or `File`), an `ArrayBuffer` or a `Uint8Array`. */
export type ImageFile = Blob | ArrayBuffer | Uint8Array

const sniffMime = (bytes: Uint8Array): string => {
  const b = bytes
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png"
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg"
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif"
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45) {
    return "image/webp"
  }
  return "application/octet-stream"
}

const isBlob = (u: unknown): u is Blob =>
  typeof Blob !== "undefined" && u instanceof Blob

/** Reads and encodes an image file as a `data:` URI, refusing files over `maxBytes`. */
/** Standard base64 of `bytes`, with the runtime's `btoa` (Node 16+, browsers, edge runtimes). */
const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  // In slices, so `String.fromCharCode` never gets more arguments than an engine accepts.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

export const imageFileToDataUri = (file: ImageFile, maxBytes: number): Effect.Effect<string, ValidationError> => {
  const tooBig = (size: number) =>
    new ValidationError({
      message: `imageFile is ${size} bytes; the limit is ${maxBytes} bytes (set maxImageBytes to change it, ` +
        `or upload the image and pass imageUrl instead)`,
      errorCode: "IMAGE_TOO_LARGE",
      field: "imageFile",
      details: { size, maxBytes }
    })
  const encode = (bytes: Uint8Array, type: string) =>
    `data:${type !== "" ? type : sniffMime(bytes)};base64,${toBase64(bytes)}`
  if (isBlob(file)) {
    if (file.size > maxBytes) return Effect.fail(tooBig(file.size))
    return Effect.tryPromise({
      try: () => file.arrayBuffer(),
      catch: (cause) =>
        new ValidationError({
          message: `imageFile could not be read: ${String(cause)}`,
          errorCode: "INVALID_ARGUMENT",
          field: "imageFile"
        })
    }).pipe(Effect.map((buffer) => encode(new Uint8Array(buffer), file.type)))
  }
  if (file instanceof ArrayBuffer || file instanceof Uint8Array) {
    const bytes = file instanceof Uint8Array ? file : new Uint8Array(file)
    if (bytes.byteLength > maxBytes) return Effect.fail(tooBig(bytes.byteLength))
    if (bytes.byteLength === 0) {
      return Effect.fail(
        new ValidationError({ message: "imageFile is empty", errorCode: "INVALID_ARGUMENT", field: "imageFile" })
      )
    }
    return Effect.succeed(encode(bytes, ""))
  }
  return Effect.fail(
    new ValidationError({
      message: "imageFile must be a Blob, File, ArrayBuffer or Uint8Array",
      errorCode: "INVALID_ARGUMENT",
      field: "imageFile"
    })
  )
}

/**
 * Resolves `imageUrl` / `imageFile` into the one wire `image_url` value (or none).
 * Passing both is an error.
 */
export const resolveImageInput = (
  imageUrl: string | null | undefined,
  imageFile: ImageFile | null | undefined,
  maxBytes: number
): Effect.Effect<string | undefined, ValidationError> => {
  if (imageFile !== undefined && imageFile !== null) {
    if (imageUrl !== undefined && imageUrl !== null && imageUrl !== "") {
      return Effect.fail(
        new ValidationError({
          message: "Pass either imageUrl or imageFile, not both",
          errorCode: "INVALID_ARGUMENT",
          field: "imageFile"
        })
      )
    }
    return imageFileToDataUri(imageFile, maxBytes)
  }
  return Effect.succeed(imageUrl === null || imageUrl === "" ? undefined : imageUrl)
}
