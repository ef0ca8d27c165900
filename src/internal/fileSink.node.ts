/**
 * `#visgate/fs` on Node, Deno and Bun (the `node` condition): a download streamed into a temporary
 * file next to the target, renamed to it at the end (`commit`) or removed (`abort`), so no
 * half-written output is left behind. See `fileSink.ts`.
 *
 * @internal
 */
import { open, rename, rm } from "node:fs/promises"
import type { OpenFileSink } from "./fileSink.js"

export const openFileSink: OpenFileSink | undefined = async (path) => {
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`
  const handle = await open(tmp, "wx")
  let closed = false
  const close = async () => {
    if (!closed) {
      closed = true
      await handle.close()
    }
  }
  return {
    write: async (chunk) => {
      await handle.write(chunk)
    },
    commit: async () => {
      await close()
      await rename(tmp, path)
    },
    abort: async () => {
      await close().catch(() => undefined)
      await rm(tmp, { force: true }).catch(() => undefined)
    }
  }
}
