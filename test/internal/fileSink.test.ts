import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as fallback from "../../src/internal/fileSink.default.js"
import type { FileSinkModule } from "../../src/internal/fileSink.js"
import * as node from "../../src/internal/fileSink.node.js"

// Both variants of `#visgate/fs` export the same shape.
const variants: ReadonlyArray<FileSinkModule> = [node, fallback]

const dir = mkdtempSync(join(tmpdir(), "visgate-sink-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("#visgate/fs", () => {
  it("default variant: no file system", () => {
    expect(variants[1]!.openFileSink).toBeUndefined()
  })

  it("node variant: writes a temporary file, renamed on commit", async () => {
    const to = join(dir, "a.bin")
    const sink = await node.openFileSink!(to)
    await sink.write(new Uint8Array([1, 2]))
    await sink.write(new Uint8Array([3]))
    expect(readdirSync(dir).filter((f) => f.startsWith("a.bin.") && f.endsWith(".part"))).toHaveLength(1)
    await sink.commit()
    expect(Array.from(readFileSync(to))).toEqual([1, 2, 3])
    expect(readdirSync(dir)).toEqual(["a.bin"])
  })

  it("node variant: abort removes the temporary file and leaves no target", async () => {
    const to = join(dir, "b.bin")
    const sink = await node.openFileSink!(to)
    await sink.write(new Uint8Array([1]))
    await sink.abort()
    await sink.abort()
    expect(readdirSync(dir).filter((f) => f.startsWith("b.bin"))).toEqual([])
  })

  it("node variant: a missing folder fails at open", async () => {
    await expect(node.openFileSink!(join(dir, "no/such/dir/c.bin"))).rejects.toThrow(/ENOENT/)
  })
})
