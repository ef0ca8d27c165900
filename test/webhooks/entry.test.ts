/**
 * `@visgate_ai/client/webhooks` runs anywhere (Node, edge, Workers): bundled for a neutral platform
 * (no Node built-ins to fall back on) it builds, imports no `node:` module, and verifies a web
 * `Request`. The Promise browser entry does not carry it.
 */
import * as esbuild from "esbuild"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))
const work = mkdtempSync(join(tmpdir(), "visgate-webhooks-entry-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const bundle = (entry: string) =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["import", "module", "default"],
    target: "es2022",
    minify: true,
    logLevel: "silent"
  })

describe("webhooks entry", () => {
  it("bundles for a neutral platform with no Node imports, and verifies a web Request from the bundle", async () => {
    const result = await bundle("src/webhooks.ts")
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))
    expect(imports).toEqual([])
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((p) => p.startsWith("node:") || p.includes("@effect/platform-node"))).toEqual([])
    expect(inputs).not.toContain("src/Client.ts")
    const code = result.outputFiles[0]!.contents
    console.log(`webhooks entry bundle: ${code.length} B minified, ${gzipSync(code).length} B gzip`)

    const file = join(work, "webhooks.mjs")
    writeFileSync(file, code)
    const mod = (await import(pathToFileURL(file).href)) as typeof import("../../src/webhooks.js")
    const request = new Request("https://app.example/api/visgate/webhook", {
      method: "POST",
      headers: { "x-visgate-internal-secret": "s3cret-value" },
      body: JSON.stringify({ event: "inference_job_expired", job_id: "job_1" })
    })
    expect(await mod.unwrap(request, { secret: "s3cret-value" })).toEqual({
      event: "inference_job_expired",
      jobId: "job_1",
      status: "expired"
    })
    const err = await mod.unwrapRaw("{}", {}, { secret: "s3cret-value" }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(mod.WebhookVerificationError)
  })

  it("the Promise browser entry (src/index.ts) does not include the webhooks modules", async () => {
    const result = await bundle("src/index.ts")
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((p) => /Webhooks\.ts$|constantTime\.ts$|src\/webhooks\.ts$/.test(p))).toEqual([])
  })
})
