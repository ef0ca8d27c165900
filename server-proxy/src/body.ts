/** Bounded request-body reading. */

export type BodyRead =
  | { readonly ok: true; readonly bytes: Uint8Array<ArrayBuffer> | undefined }
  | { readonly ok: false; readonly received: number }

/**
 * Reads a request body chunk by chunk and stops (cancelling the stream) as soon as it exceeds
 * `maxBytes`, so memory stays bounded by `maxBytes` whatever the client sends or claims.
 */
export const readBodyLimited = async (
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number
): Promise<BodyRead> => {
  if (body === null) return { ok: true, bytes: undefined }
  const reader = body.getReader()
  const chunks: Array<Uint8Array> = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return { ok: false, received: total }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes }
}

/** Parses a non-negative integer `Content-Length`, or `undefined` when absent or malformed. */
export const declaredLength = (headers: Headers): number | undefined => {
  const raw = headers.get("content-length")
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined
  return Number(raw.trim())
}
