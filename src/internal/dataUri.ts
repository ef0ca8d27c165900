/**
 * Bytes as a base64 `data:` URI, the MIME type sniffed from the bytes when none is given
 * (PNG, JPEG, GIF, WebP; `application/octet-stream` otherwise). Plumbing for `imageFile`
 * uploads (`services/Generation.ts` decides that they are sent this way).
 *
 * @internal
 */

const sniffMime = (bytes: Uint8Array): string => {
  const b = bytes
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png"
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg"
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif"
  if (
    b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45
  ) {
    return "image/webp"
  }
  return "application/octet-stream"
}

/** Standard base64 of `bytes`, with the runtime's `btoa` (Node 16+, browsers, edge runtimes). */
const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  // In slices, so `String.fromCharCode` never gets more arguments than an engine accepts.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/** `data:<type>;base64,<bytes>`; an empty `type` is sniffed from the bytes. */
export const toDataUri = (bytes: Uint8Array, type: string): string =>
  `data:${type !== "" ? type : sniffMime(bytes)};base64,${toBase64(bytes)}`
