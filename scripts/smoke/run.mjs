/**
 * The package as users install it, on every runtime it claims (issue 14):
 *
 * 1. `npm pack` (which builds), then `publint` and `@arethetypeswrong/cli` on the tarball.
 * 2. A fresh app installs the tarball (with effect 3 for the fake), and the fake Visgate API is
 *    served from its `@visgate_ai/client/testing` on 127.0.0.1.
 * 3. scripts/smoke/smoke.mjs (image, `download` with `to`, async video with wait, an abort,
 *    errors' classes and fields) runs by `import` and by `require` on Node 18, 20, 22 and 24, Bun
 *    and Deno; bundled as a module worker in Cloudflare's workerd (miniflare) and as an edge
 *    function in Vercel's edge-runtime, where `to` fails typed. Browser, worker and edge bundles
 *    reach no `node:` module. Node also loads `./effect` and `./testing` both ways. Chromium is covered by
 *    scripts/examples.sh.
 * 4. Next to effect 4 (a second app, forced past npm's peer check), `./effect` and `./testing` by
 *    `import` and by `require` fail with the one message (scripts/smoke/effect4.mjs) on Node 18-24,
 *    Bun and Deno.
 *
 * The runtimes come from npm (scripts/smoke/runtimes/package.json, installed by .ci/run into the
 * ignored .cache/runtimes):
 *   mkdir -p .cache/runtimes && cp scripts/smoke/runtimes/package*.json .cache/runtimes/ && (cd .cache/runtimes && npm ci)
 *   node scripts/smoke/run.mjs [--only=lint,node18,bun,...]   (SMOKE_TARBALL=<.tgz> skips the pack)
 * Ends with `smoke: N passed, N failed`; exits 1 when any check failed.
 */
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { promisify } from "node:util"

const root = fileURLToPath(new URL("../..", import.meta.url))
const here = join(root, "scripts/smoke")
const R = process.env.SMOKE_RUNTIMES ?? join(root, ".cache/runtimes/node_modules")
const work = join(root, ".tmp/smoke")
const app = join(work, "app")
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",")
const execFileAsync = promisify(execFile)

if (!existsSync(R)) {
  console.error(`smoke: no runtimes at ${R}; install them first (see the header of scripts/smoke/run.mjs)`)
  process.exit(1)
}

let passed = 0
let failed = 0
const results = []
const run = async (cmd, args, options = {}) =>
  execFileAsync(cmd, args, {
    cwd: app,
    encoding: "utf8",
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    env: { ...process.env, npm_config_loglevel: "error", NO_COLOR: "1", ...options.env }
  })

/** One check: passes when `body` resolves (with `expect` in its output, when given). */
const checkThat = async (name, body, expect) => {
  if (only !== undefined && !only.some((o) => name.startsWith(o))) return
  const start = Date.now()
  try {
    const stdout = await body()
    if (expect !== undefined && !stdout.includes(expect)) throw new Error(`expected "${expect}" in:\n${stdout}`)
    passed++
    const ms = Date.now() - start
    results.push([name, ms])
    console.log(`ok ${name} (${ms} ms)`)
  } catch (e) {
    failed++
    console.log(
      `not ok ${name}\n${
        String(e.stderr || e.stdout || e.message).trim().split("\n").slice(-30).map((l) => `  ${l}`).join("\n")
      }`
    )
  }
}

/** One check: passes when the command exits 0 (and prints `expect`, when given). */
const check = (name, cmd, args, { expect, env, cwd } = {}) =>
  checkThat(name, async () => (await run(cmd, args, { env, ...(cwd === undefined ? {} : { cwd }) })).stdout, expect)

// 1. The tarball, linted.
rmSync(work, { recursive: true, force: true })
mkdirSync(app, { recursive: true })
let tarball = process.env.SMOKE_TARBALL
if (tarball === undefined) {
  console.log("smoke: npm pack (builds)")
  const [packed] = JSON.parse((await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root })).stdout)
  tarball = join(work, packed.filename)
  console.log(
    `smoke: ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`
  )
}
if (only === undefined || only.includes("lint")) {
  await check("lint publint", join(R, ".bin/publint"), ["run", tarball, "--strict"], { expect: "All good" })
  // node16 profile: every entry under node16 (import and require) and bundler; node10 (TypeScript's
  // pre-`exports` resolution) is left out: it cannot see subpath entries.
  await check("lint attw", join(R, ".bin/attw"), [tarball, "--profile", "node16", "--format", "table-flipped"])
}

// 2. A fresh app, and the fake API on loopback.
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "smoke-app", private: true }, null, 2))
// The apps live under the repository, and Bun applies the nearest tsconfig.json's `paths`: the
// repository's would map `@visgate_ai/client/*` to src/. Each app has its own, empty.
const ownTsconfig = (dir) => writeFileSync(join(dir, "tsconfig.json"), "{}\n")
ownTsconfig(app)
await run("npm", [
  "install",
  "--no-audit",
  "--no-fund",
  "--prefer-offline",
  tarball,
  "effect@3.22.4",
  "@effect/platform@0.97.2"
])
for (const f of ["smoke.mjs", "entry-esm.mjs", "entry-cjs.cjs", "entry-worker.mjs", "workerd.mjs"]) {
  cpSync(join(here, f), join(app, f))
}
// Next to effect 4 (forced past npm's peer check): `./effect` and `./testing` fail with the one message.
const effect4App = join(work, "effect4-app")
mkdirSync(effect4App, { recursive: true })
writeFileSync(join(effect4App, "package.json"), JSON.stringify({ name: "smoke-effect4", private: true }, null, 2))
ownTsconfig(effect4App)
const forced = ["--no-audit", "--no-fund", "--prefer-offline", "--legacy-peer-deps"]
await run("npm", ["install", ...forced, tarball, "effect@4"], { cwd: effect4App })
cpSync(join(here, "effect4.mjs"), join(effect4App, "effect4.mjs"))
const testing = await import(pathToFileURL(join(app, "node_modules/@visgate_ai/client/dist/testing.js")).href)
const fake = await testing.serve({
  port: 0,
  host: "127.0.0.1",
  fakeOptions: { timings: { videoPendingMs: 100, videoProcessingMs: 200 } }
})
const files = join(app, "files")
mkdirSync(files)
const env = { SMOKE_BASE_URL: fake.baseUrl, SMOKE_FILE_DIR: files }
console.log(`smoke: fake API at ${fake.baseUrl}`)

// Workers and edge functions deploy bundled code: bundle as their tooling does.
const bundle = (outfile, format, conditions) =>
  esbuild.build({
    absWorkingDir: app,
    entryPoints: [join(app, "entry-worker.mjs")],
    outfile: join(app, outfile),
    bundle: true,
    format,
    platform: "neutral",
    mainFields: ["browser", "module", "main"],
    conditions,
    target: "es2022",
    globalName: format === "iife" ? "__smoke" : undefined,
    logLevel: "warning"
  })
await bundle("worker.bundle.mjs", "esm", ["workerd", "worker", "browser", "import"])
await bundle("edge.bundle.js", "iife", ["edge-light", "worker", "browser", "import"])
// A browser app's bundle (as Vite or esbuild builds it, by import and by require) and the worker
// and edge bundles: the package's `#visgate/fs` resolves to its file-system-free variant there, so
// none reaches a `node:` module.
await checkThat("bundles without node: modules", async () => {
  const bundles = {
    "worker.bundle.mjs": readFileSync(join(app, "worker.bundle.mjs"), "utf8"),
    "edge.bundle.js": readFileSync(join(app, "edge.bundle.js"), "utf8")
  }
  for (const format of ["esm", "cjs"]) {
    const out = await esbuild.build({
      absWorkingDir: app,
      stdin: {
        contents: format === "esm"
          ? `export * from "@visgate_ai/client"`
          : `module.exports = require("@visgate_ai/client")`,
        resolveDir: app
      },
      bundle: true,
      write: false,
      format,
      platform: "browser",
      logLevel: "error"
    })
    bundles[`browser bundle (${format})`] = out.outputFiles[0].text
  }
  const withNode = Object.entries(bundles).filter(([, code]) => /["']node:/.test(code)).map(([name]) => name)
  if (withNode.length > 0) throw new Error(`a node: module in ${withNode.join(", ")}`)
  return "ok"
})

try {
  // 3. Every runtime.
  const entries = `const e = require("@visgate_ai/client/effect"), t = require("@visgate_ai/client/testing");` +
    `if (typeof e.Images.Images !== "function" || typeof t.makeTestLayer !== "function") process.exit(1); console.log("ENTRIES_OK")`
  const entriesEsm =
    `const e = await import("@visgate_ai/client/effect"), t = await import("@visgate_ai/client/testing");` +
    `if (typeof e.Images.Images !== "function" || typeof t.makeTestLayer !== "function") process.exit(1); console.log("ENTRIES_OK")`
  for (const v of ["18", "20", "22", "24"]) {
    const node = join(R, `node${v}/bin/node`)
    await check(`node${v} import`, node, ["entry-esm.mjs"], { env, expect: "SMOKE_OK esm" })
    await check(`node${v} require`, node, ["entry-cjs.cjs"], { env, expect: "SMOKE_OK cjs" })
    await check(`node${v} ./effect ./testing require`, node, ["-e", entries], { expect: "ENTRIES_OK" })
    await check(`node${v} ./effect ./testing import`, node, ["--input-type=module", "-e", entriesEsm], {
      expect: "ENTRIES_OK"
    })
    await check(`node${v} effect 4: one message`, node, ["effect4.mjs"], { cwd: effect4App, expect: "EFFECT4_OK" })
  }
  // `await using` as written (the syntax runs natively from Node 24): the client is closed after the block.
  await check("node24 await using", join(R, "node24/bin/node"), [
    "--input-type=module",
    "-e",
    [
      `import { Client } from "@visgate_ai/client"`,
      `let kept`,
      `{ await using client = new Client({ apiKey: "vg-smoke", baseUrl: process.env.SMOKE_BASE_URL }); kept = client; await client.health() }`,
      `const e = await kept.health().then(() => undefined, (e) => e)`,
      `console.log(e?.errorCode === "CLIENT_CLOSED" ? "USING_OK" : "still open")`
    ].join("\n")
  ], { env, expect: "USING_OK" })
  await check("bun import", join(R, ".bin/bun"), ["entry-esm.mjs"], { env, expect: "SMOKE_OK esm" })
  await check("bun require", join(R, ".bin/bun"), ["entry-cjs.cjs"], { env, expect: "SMOKE_OK cjs" })
  const deno = ["run", "--allow-net", "--allow-read", `--allow-write=${files}`, "--allow-env", "--no-prompt"]
  await check("deno import", join(R, ".bin/deno"), [...deno, "entry-esm.mjs"], { env, expect: "SMOKE_OK esm" })
  await check("deno require", join(R, ".bin/deno"), [...deno, "entry-cjs.cjs"], { env, expect: "SMOKE_OK cjs" })
  await check("bun effect 4: one message", join(R, ".bin/bun"), ["effect4.mjs"], {
    cwd: effect4App,
    expect: "EFFECT4_OK"
  })
  await check("deno effect 4: one message", join(R, ".bin/deno"), [...deno, "effect4.mjs"], {
    cwd: effect4App,
    expect: "EFFECT4_OK"
  })
  await check("workerd (miniflare)", join(R, "node22/bin/node"), [
    "workerd.mjs",
    pathToFileURL(join(R, "miniflare/dist/src/index.js")).href,
    "worker.bundle.mjs",
    fake.baseUrl
  ], { expect: "SMOKE_OK workerd" })
  const edge = [
    `const { EdgeRuntime } = await import(${
      JSON.stringify(pathToFileURL(join(R, "edge-runtime/dist/index.js")).href)
    })`,
    `const { readFileSync } = await import("node:fs")`,
    `const runtime = new EdgeRuntime({ initialCode: readFileSync("edge.bundle.js", "utf8") })`,
    `const result = await runtime.evaluate(${JSON.stringify(`__smoke.run(${JSON.stringify(fake.baseUrl)})`)})`,
    `if (!result.ok) throw new Error(result.error)`,
    `console.log("SMOKE_OK edge-runtime " + result.done.join(", "))`
  ].join("\n")
  await check("edge-runtime", process.execPath, ["--input-type=module", "-e", edge], {
    expect: "SMOKE_OK edge-runtime"
  })
} finally {
  await fake.close()
}

console.log(`smoke: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
