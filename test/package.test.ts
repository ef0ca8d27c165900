/**
 * The published package: `npm pack` builds it (prepack), ships no tests, and the tarball installs
 * and type-checks in a fresh project under strict TypeScript with NodeNext resolution, and every
 * entry imports at run time.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = resolve(import.meta.dirname, "..")
const work = mkdtempSync(join(tmpdir(), "visgate-pack-"))
const execFileAsync = promisify(execFile)
/** Async, so the test worker keeps answering vitest while npm and tsc run. */
const run = async (cmd: string, args: Array<string>, cwd: string): Promise<string> =>
  (await execFileAsync(cmd, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: "error" }
  })).stdout

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("npm package", () => {
  it("packs, installs into a fresh NodeNext project, type-checks strictly and imports", async () => {
    const packed = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], root)) as Array<{
      filename: string
      files: Array<{ path: string }>
    }>
    const files = packed[0]!.files.map((f) => f.path)
    expect(files).toContain("dist/index.js")
    expect(files).toContain("dist/index.d.ts")
    expect(files).toContain("dist/effect.js")
    expect(files).toContain("dist/testing.js")
    expect(files).toContain("README.md")
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|\.spec\./.test(f))).toEqual([])
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("bench/"))).toEqual([])

    const app = join(work, "app")
    await run("mkdir", ["-p", app], work)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }))
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed[0]!.filename)], app)
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ["ES2022", "DOM"],
          types: []
        },
        include: ["main.ts"]
      })
    )
    writeFileSync(
      join(app, "main.ts"),
      [
        `import { Client, VisgateError, RateLimitError, VIDEO_MODEL_PRESETS } from "@visgate_ai/client"`,
        `import type { ImageResult } from "@visgate_ai/client"`,
        `import { Images, VisgateLayer } from "@visgate_ai/client/effect"`,
        `import { makeTestLayer } from "@visgate_ai/client/testing"`,
        `import * as Effect from "effect/Effect"`,
        `export async function main(): Promise<ImageResult> {`,
        `  const client = new Client({ apiKey: "vg-x" })`,
        `  try { return await client.images.generate(VIDEO_MODEL_PRESETS.fal, "a cat", { width: 512 }) }`,
        `  catch (e) { if (e instanceof RateLimitError) console.log(e.retryAfter); if (e instanceof VisgateError) console.log(e.errorCode); throw e }`,
        `}`,
        `export const program = Effect.flatMap(Images.Images, (s) => s.generate("m", "p")).pipe(Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-x" })))`,
        `export const mock = makeTestLayer(Images.Images)({})`
      ].join("\n")
    )
    await run(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], app)
    const out = await run(
      "node",
      [
        "--input-type=module",
        "-e",
        `const a = await import("@visgate_ai/client"); const b = await import("@visgate_ai/client/effect"); const c = await import("@visgate_ai/client/testing");` +
          `console.log(typeof a.Client, typeof b.Images.Images, typeof c.makeTestLayer, a.VIDEO_MODEL_PRESETS.fal)`
      ],
      app
    )
    expect(out.trim()).toBe("function function function fal-ai/veo3")

    // The Promise entry is one bundle with Effect inlined; the Effect entry uses the app's own
    // `effect`. They work together: a Schedule from the app's `effect` drives the bundled client,
    // errors thrown by either satisfy `instanceof` with either entry's classes, and the fake API
    // from `./testing` serves the bundled client.
    writeFileSync(
      join(app, "interop.mjs"),
      [
        `import { Client, RateLimitError, VisgateError } from "@visgate_ai/client"`,
        `import * as E from "@visgate_ai/client/effect"`,
        `import { FakeVisgate } from "@visgate_ai/client/testing"`,
        `import * as Schedule from "effect/Schedule"`,
        `const fake = new FakeVisgate({ timings: { videoPendingMs: 30, videoProcessingMs: 30 } })`,
        `const client = new Client({ apiKey: "vg-interop", baseUrl: "http://fake.local/api/v1", fetch: fake.fetch, maxRetries: 0 })`,
        `const accepted = await client.videos.generate("fal-ai/veo3", "waves", { preferAsync: true })`,
        `const done = await client.requests.wait(accepted.requestId, { schedule: Schedule.spaced("20 millis"), timeout: 10000 })`,
        `fake.faults.add({ route: "GET /health", fault: { status: 429, headers: { "retry-after": "2" } } })`,
        `const err = await client.health().catch((e) => e)`,
        `const other = new E.RateLimitError({ message: "x", errorCode: "RATE_LIMIT_ERROR" })`,
        `console.log(done.status, err instanceof E.RateLimitError, err instanceof RateLimitError, other instanceof RateLimitError, other instanceof VisgateError, err.retryAfter)`,
        `await client.close()`
      ].join("\n")
    )
    const interop = await run("node", ["interop.mjs"], app)
    expect(interop.trim()).toBe("completed true true true true 2")
    expect(readdirSync(join(app, "node_modules", "@visgate_ai", "client", "dist")).some((f) => f.includes(".test."))).toBe(false)
  }, 180_000)
})
