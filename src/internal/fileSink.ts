/**
 * Writing a download to a file from the Promise client, on Node (and Deno, Bun): `node:fs` is
 * imported only when a file is written, through a specifier bundlers leave alone, so the
 * browser bundle carries no file-system code. A temporary file next to the target is renamed
 * at the end (`commit`) or removed (`abort`): no half-written output is left behind.
 *
 * @internal
 */

interface FileHandle {
  write(data: Uint8Array): Promise<unknown>
  close(): Promise<void>
}

interface FsPromises {
  open(path: string, flags: string): Promise<FileHandle>
  rename(from: string, to: string): Promise<void>
  rm(path: string, options: { force: boolean }): Promise<void>
}

/** An open temporary file that becomes `path` on `commit`. */
export interface FileSink {
  readonly write: (chunk: Uint8Array) => Promise<void>
  readonly commit: () => Promise<void>
  readonly abort: () => Promise<void>
}

// A variable, so that bundlers (esbuild, Vite, webpack) neither resolve nor inline it.
const FS_MODULE = "node:fs/promises"

export const openFileSink = async (path: string): Promise<FileSink> => {
  let fs: FsPromises
  try {
    fs = await import(/* @vite-ignore */ /* webpackIgnore: true */ FS_MODULE)
  } catch {
    throw new Error("writing to a file (`to`) needs Node, Deno or Bun; leave `to` out to get the bytes")
  }
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`
  const handle = await fs.open(tmp, "wx")
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
      await fs.rename(tmp, path)
    },
    abort: async () => {
      await close().catch(() => undefined)
      await fs.rm(tmp, { force: true }).catch(() => undefined)
    }
  }
}
