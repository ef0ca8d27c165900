/**
 * `npm run demo` as a user runs it: a child process (async, so the worker is not blocked),
 * writing its image to a temporary folder through `VISGATE_DEMO_OUT`.
 */
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const run = promisify(execFile)
const dirs: Array<string> = []

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe("npm run demo", () => {
  it("runs on the fake API, saves a PNG, shows a cache hit and a completed async video, exits 0", async () => {
    const out = await mkdtemp(join(tmpdir(), "visgate-demo-"))
    dirs.push(out)
    const env: Record<string, string | undefined> = { ...process.env, VISGATE_DEMO_OUT: out }
    delete env.VISGATE_API_KEY
    delete env.VISGATE_BASE_URL
    // execFile rejects on a non-zero exit code, so resolving means exit 0. The condition is
    // `npm run demo`'s: the package-private `#visgate/fs` from source (package.json `imports`).
    const { stdout, stderr } = await run(process.execPath, [
      "--conditions=@visgate/source",
      "--import",
      "tsx",
      "demo/main.ts"
    ], {
      cwd: root,
      env,
      timeout: 55_000
    })
    expect(stderr).toBe("")

    const saved = /saved to (.+\.png)\n/.exec(stdout)?.[1]
    expect(saved).toBeDefined()
    const file = resolve(root, saved!)
    expect(file.startsWith(out)).toBe(true)
    const png = await readFile(file)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.length).toBeGreaterThan(100)

    expect(stdout).toMatch(/cache hit: false/)
    expect(stdout).toMatch(/cache hit: true \(exact\)/)
    expect(stdout).toMatch(/cost \$0\.000000; saved \$0\.\d+ billed, provider cost avoided [1-9]\d* micro-USD/)
    expect(stdout).toMatch(/accepted: request \S+/)
    expect(stdout).toMatch(/\] pending/)
    expect(stdout).toMatch(/\] completed/)
    expect(stdout).toMatch(/video http:\/\/127\.0\.0\.1:\d+\/api\/v1\/_fake\/media\/vid_\S+\.mp4/)
    expect(stdout).toMatch(/requests 3 \(3 successful, 1 from cache, cache hit rate 33\.3 %\)/)
    expect(stdout).toMatch(/client\.usage\.get/)
    expect(stdout).toMatch(/Done in/)
  }, 60_000)
})
