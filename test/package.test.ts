/**
 * The published package as users install it: `npm pack` builds it (prepack), ships no tests and no
 * source maps, and the tarball installs into fresh projects:
 *
 * - Promise only (no effect): installs no other package and runs no install script; its types
 *   check strictly with `skipLibCheck: false` under TypeScript `module` nodenext, node16 (both
 *   `import` and `require`) and bundler; `await using` type-checks; `import` and `require` run; an
 *   uncaught SDK error prints under 2 KB, and a rejected call's stack names the caller's line.
 * - With the app's own effect 3 (the lowest and the latest the peer range allows): one copy of
 *   effect, no version warnings, README's Effect example type-checks and runs against the fake,
 *   and the two entries interoperate.
 * - Next to effect 4 (installed past npm's peer check, with or without @effect/platform 0.97):
 *   `./effect` and `./testing` fail at once with one message, by `require` and by `import`.
 *
 * The runtimes (Node 18-24, Bun, Deno, workerd, edge-runtime) are scripts/smoke/run.mjs, in .ci/run.
 */
import { serve } from "@visgate_ai/client/testing"
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = resolve(import.meta.dirname, "..")
const work = mkdtempSync(join(tmpdir(), "visgate-pack-"))
const tsc = join(root, "node_modules", ".bin", "tsc")
const execFileAsync = promisify(execFile)
/** Async, so the test worker keeps answering vitest while npm and tsc run. */
const run = async (cmd: string, args: Array<string>, cwd: string): Promise<{ stdout: string; stderr: string }> =>
  execFileAsync(cmd, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: "error", NODE_OPTIONS: "" }
  })
/** Runs and never rejects: exit code, stdout and stderr. */
const attempt = async (cmd: string, args: Array<string>, cwd: string) =>
  run(cmd, args, cwd).then(
    (r) => ({ code: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? ""
    })
  )

let tarball = ""
let files: Array<string> = []

const makeApp = async (name: string, type: "module" | "commonjs", deps: Array<string>, extra: Array<string> = []) => {
  const app = join(work, name)
  mkdirSync(app, { recursive: true })
  writeFileSync(join(app, "package.json"), JSON.stringify({ name, private: true, type }))
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...extra, tarball, ...deps], app)
  return app
}

const tsconfig = (compilerOptions: Record<string, unknown>, include: Array<string>) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: false,
      lib: ["ES2022", "DOM"],
      types: [],
      ...compilerOptions
    },
    include
  })

beforeAll(async () => {
  const packed = JSON.parse((await run("npm", ["pack", "--json", "--pack-destination", work], root)).stdout) as Array<{
    filename: string
    files: Array<{ path: string }>
  }>
  tarball = join(work, packed[0]!.filename)
  files = packed[0]!.files.map((f) => f.path)
}, 300_000)

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000)

describe("npm package", () => {
  it("ships both builds, their types and the README; no tests, sources or source maps", () => {
    for (const entry of ["index", "effect", "testing"]) {
      expect(files).toContain(`dist/${entry}.js`)
      expect(files).toContain(`dist/${entry}.d.ts`)
      // The CommonJS Promise bundle is `dist/index.cjs` (in the root package scope, for `#visgate/fs`).
      expect(files).toContain(entry === "index" ? "dist/index.cjs" : `dist/cjs/${entry}.js`)
      expect(files).toContain(`dist/cjs/${entry}.d.ts`)
    }
    expect(files).toContain("dist/cjs/package.json")
    for (const variant of ["node", "default"]) {
      expect(files).toContain(`dist/internal/fileSink.${variant}.js`)
      expect(files).toContain(`dist/cjs/internal/fileSink.${variant}.js`)
    }
    expect(files).toContain("README.md")
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|\.spec\.|\.map$/.test(f))).toEqual([])
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("bench/"))).toEqual([])
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>
    expect(manifest["dependencies"]).toBeUndefined()
    // `@opentelemetry/api`: optional, only for the Promise client's `tracing: true` (issue 17.2).
    expect(Object.keys(manifest["peerDependencies"] as object).sort()).toEqual([
      "@effect/platform",
      "@opentelemetry/api",
      "effect"
    ])
    expect((manifest["peerDependenciesMeta"] as Record<string, { optional?: boolean }>)["@opentelemetry/api"]?.optional)
      .toBe(true)
  })

  describe("Promise only (no effect installed)", () => {
    let app = ""
    beforeAll(async () => {
      app = await makeApp("promise-app", "module", [])
    }, 300_000)

    it("installs the package alone: no other package, no install script, under 5 MB", () => {
      const modules = readdirSync(join(app, "node_modules")).filter((d) => !d.startsWith("."))
      expect(modules).toEqual(["@visgate_ai"])
      const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as {
        packages: Record<string, { hasInstallScript?: boolean }>
      }
      expect(Object.keys(lock.packages).filter((k) => k !== "")).toEqual(["node_modules/@visgate_ai/client"])
      expect(Object.values(lock.packages).some((p) => p.hasInstallScript === true)).toBe(false)
      const size = (dir: string): number =>
        readdirSync(dir, { withFileTypes: true }).reduce(
          (n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size),
          0
        )
      expect(size(join(app, "node_modules"))).toBeLessThan(5 * 1024 * 1024)
    })

    it(
      "type-checks import and require under nodenext, node16 and bundler, skipLibCheck false, await using",
      async () => {
        const esm = [
          `import { Client, VisgateError, RateLimitError, ValidationError, VIDEO_MODEL_PRESETS } from "@visgate_ai/client"`,
          `import type { ImageResult, PollSchedule, VideoResult, RequestStatus } from "@visgate_ai/client"`,
          `export async function main(): Promise<ImageResult> {`,
          `  await using client = new Client({ apiKey: "vg-x" })`,
          `  const schedule: PollSchedule = { initialMs: 500, factor: 2, maxMs: 5000 }`,
          `  const video: VideoResult | RequestStatus = await client.videos.generateAndWait(VIDEO_MODEL_PRESETS.fal, "waves", { schedule })`,
          `  console.log("requestId" in video ? video.outputUrl : video.videoUrl)`,
          `  try { return await client.images.generate("fal-ai/flux/schnell", "a cat", { width: 512 }) }`,
          `  catch (e) { if (e instanceof RateLimitError) console.log(e.retryAfter); if (e instanceof ValidationError) console.log(e.field); if (e instanceof VisgateError) console.log(e.errorCode, e.statusCode, e.details); throw e }`,
          `}`
        ].join("\n")
        const cjs = [
          `import visgate = require("@visgate_ai/client")`,
          `export const client: visgate.Client = new visgate.Client({ apiKey: "vg-x" })`,
          `export const isError = (e: unknown): e is visgate.VisgateError => e instanceof visgate.VisgateError`
        ].join("\n")
        writeFileSync(join(app, "main.ts"), esm)
        writeFileSync(join(app, "legacy.cts"), cjs)
        writeFileSync(
          join(app, "tsconfig.nodenext.json"),
          tsconfig({ module: "NodeNext", moduleResolution: "NodeNext" }, ["main.ts", "legacy.cts"])
        )
        writeFileSync(
          join(app, "tsconfig.node16.json"),
          tsconfig({ module: "Node16", moduleResolution: "Node16" }, ["main.ts", "legacy.cts"])
        )
        writeFileSync(
          join(app, "tsconfig.bundler.json"),
          tsconfig({ module: "ESNext", moduleResolution: "Bundler" }, ["main.ts"])
        )
        for (const config of ["nodenext", "node16", "bundler"]) {
          const r = await attempt(tsc, ["-p", `tsconfig.${config}.json`, "--listFiles"], app)
          expect({ config, out: r.stdout.split("\n").filter((l) => / error TS\d+/.test(l)) }).toEqual({
            config,
            out: []
          })
          expect(r.code).toBe(0)
          // Our one declaration file per module system (import, require), none of effect's.
          const declarations = r.stdout.split("\n").filter((l) =>
            l.includes("node_modules/") && !l.includes("/typescript/lib/")
          )
          expect(declarations.map((l) => l.replace(/^.*node_modules\//, "")).sort()).toEqual(
            config === "bundler"
              ? ["@visgate_ai/client/dist/index.d.ts"]
              : ["@visgate_ai/client/dist/cjs/index.d.ts", "@visgate_ai/client/dist/index.d.ts"]
          )
        }
      },
      120_000
    )

    it("runs by import and by require; Symbol.asyncDispose closes the client", async () => {
      // (`await using` syntax itself runs on Node 24+; TypeScript compiles it to this call for older targets.)
      const esm = await run("node", [
        "--input-type=module",
        "-e",
        [
          `import { Client, VIDEO_MODEL_PRESETS } from "@visgate_ai/client"`,
          `const closed = new Client({ apiKey: "vg-x" })`,
          `await closed[Symbol.asyncDispose]()`,
          `const err = await closed.health().catch((e) => e)`,
          `console.log(typeof Client, VIDEO_MODEL_PRESETS.fal, err.errorCode)`
        ].join("\n")
      ], app)
      expect(esm.stdout.trim()).toBe("function fal-ai/veo3 CLIENT_CLOSED")
      const cjs = await run("node", [
        "-e",
        `const v = require("@visgate_ai/client"); console.log(typeof v.Client, typeof v.VisgateError)`
      ], app)
      expect(cjs.stdout.trim()).toBe("function function")
      // ./effect without effect: the one message, by require and by import (with Node's error as its cause).
      for (
        const args of [
          ["-e", `require("@visgate_ai/client/effect")`],
          ["--input-type=module", "-e", `import "@visgate_ai/client/effect"`]
        ]
      ) {
        const effectWithout = await attempt("node", args, app)
        expect(effectWithout.code).not.toBe(0)
        expect(effectWithout.stderr).toContain(
          "need effect ^3.22.0 with @effect/platform ^0.97.0 (effect and @effect/platform are not installed)"
        )
      }
    })

    it("an uncaught SDK error prints under 2 KB, and a rejected call's stack names the caller's line", async () => {
      writeFileSync(
        join(app, "uncaught.mjs"),
        [
          `import { Client } from "@visgate_ai/client"`,
          `const client = new Client({ apiKey: "vg-x", baseUrl: "http://127.0.0.1:9/api/v1", maxRetries: 0 })`,
          `async function makePoster() {`,
          `  return await client.images.generate("fal-ai/flux/schnell", "")`,
          `}`,
          `await makePoster()`
        ].join("\n")
      )
      const r = await attempt("node", ["uncaught.mjs"], app)
      expect(r.code).toBe(1)
      expect(r.stderr.length).toBeLessThan(2048)
      expect(r.stderr).toContain("ValidationError: Invalid images.generate options: prompt must not be empty")
      expect(r.stderr).toMatch(/at async makePoster \(file:\/\/\/.*uncaught\.mjs:4:\d+\)/)
      expect(r.stderr).toContain("field: 'prompt'")
      expect(Math.max(...r.stderr.split("\n").map((l) => l.length))).toBeLessThan(300)

      // The same for an error from the server, caught: class, fields and the caller's frame.
      writeFileSync(
        join(app, "caught.mjs"),
        [
          `import { Client, ProviderError, VisgateError } from "@visgate_ai/client"`,
          `const client = new Client({ apiKey: "vg-x", baseUrl: process.argv[2], maxRetries: 0 })`,
          `async function makePoster() {`,
          `  return await client.images.generate("fal-ai/flux/schnell", "please fail")`,
          `}`,
          `const e = await makePoster().catch((e) => e)`,
          `console.log(JSON.stringify({ provider: e instanceof ProviderError, visgate: e instanceof VisgateError, name: e.name, status: e.statusCode, p: e.provider, caller: /at async makePoster \\(.*caught\\.mjs:4:/.test(e.stack) }))`
        ].join("\n")
      )
      // This app has no effect for ./testing: the fake API is served from this process.
      const fake = await serve({ port: 0 })
      const { stdout } = await run("node", ["caught.mjs", fake.baseUrl], app).finally(() => fake.close())
      expect(JSON.parse(stdout)).toEqual({
        provider: true,
        visgate: true,
        name: "ProviderError",
        status: 502,
        p: "fal",
        caller: true
      })
    }, 60_000)
  })

  // The lowest and the latest effect 3 that the peer ranges allow.
  describe.each([
    ["lowest", "effect@3.22.0", "@effect/platform@0.97.0"],
    ["latest", "effect@3", "@effect/platform@0.97"]
  ])("with the app's own effect (%s)", (label, effect, platform) => {
    let app = ""
    beforeAll(async () => {
      app = await makeApp(`effect-app-${label}`, "module", [effect, platform])
    }, 300_000)

    it("one copy of effect; README's Effect example type-checks and runs, without version warnings", async () => {
      const ls = await run("npm", ["ls", "effect", "--all", "--parseable"], app)
      expect(ls.stdout.trim().split("\n").filter((l) => l.endsWith("node_modules/effect"))).toHaveLength(1)
      writeFileSync(
        join(app, "readme.ts"),
        [
          `import * as Effect from "effect/Effect"`,
          `import * as Layer from "effect/Layer"`,
          `import { Images, VisgateLayer } from "@visgate_ai/client/effect"`,
          `import { FakeVisgate, layerHttpClient, makeTestLayer } from "@visgate_ai/client/testing"`,
          `const program = Effect.gen(function* () {`,
          `  const images = yield* Images.Images`,
          `  return yield* images.generate("fal-ai/flux/schnell", "a cat in space")`,
          `}).pipe(`,
          `  Effect.catchTag("RateLimitError", (e) => Effect.logWarning(\`retry in \${e.retryAfter}s\`)),`,
          `)`,
          `export const live = program.pipe(Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-..." })))`,
          `const fake = new FakeVisgate()`,
          `const layer = VisgateLayer.layer({ apiKey: "vg-test", baseUrl: "http://fake.local/api/v1" }).pipe(Layer.provide(layerHttpClient(fake)))`,
          `export const mock = makeTestLayer(Images.Images)({})`,
          `const result = await Effect.runPromise(program.pipe(Effect.provide(layer)))`,
          `console.log(result === undefined ? "rate-limited" : result.images.length)`
        ].join("\n")
      )
      writeFileSync(
        join(app, "tsconfig.json"),
        tsconfig({ module: "NodeNext", moduleResolution: "NodeNext", skipLibCheck: true }, ["readme.ts"])
      )
      await run(tsc, ["-p", "tsconfig.json"], app)
      await run(tsc, ["-p", "tsconfig.json", "--noEmit", "false", "--outDir", "out"], app)
      const out = await run("node", ["out/readme.js"], app)
      expect(out.stdout.trim()).toBe("1")
      expect(out.stdout + out.stderr).not.toMatch(/Executing an Effect versioned/)
    }, 180_000)

    it("the Promise entry and the Effect entries interoperate, by import and by require", async () => {
      writeFileSync(
        join(app, "interop.mjs"),
        [
          `import { Client, RateLimitError, VisgateError } from "@visgate_ai/client"`,
          `import * as E from "@visgate_ai/client/effect"`,
          `import { FakeVisgate } from "@visgate_ai/client/testing"`,
          `const fake = new FakeVisgate({ timings: { videoPendingMs: 30, videoProcessingMs: 30 } })`,
          `const client = new Client({ apiKey: "vg-interop", baseUrl: "http://fake.local/api/v1", fetch: fake.fetch, maxRetries: 0 })`,
          `const accepted = await client.videos.generate("fal-ai/veo3", "waves", { preferAsync: true })`,
          `const done = await client.requests.wait(accepted.requestId, { schedule: { initialMs: 20, factor: 1 }, timeout: 10000 })`,
          `fake.faults.add({ route: "GET /health", fault: { status: 429, headers: { "retry-after": "2" } } })`,
          `const err = await client.health().catch((e) => e)`,
          `const other = new E.RateLimitError({ message: "x", errorCode: "RATE_LIMIT_ERROR" })`,
          `console.log(done.status, err instanceof E.RateLimitError, err instanceof RateLimitError, other instanceof RateLimitError, other instanceof VisgateError, err.retryAfter)`,
          `await client.close()`
        ].join("\n")
      )
      const esm = await run("node", ["interop.mjs"], app)
      expect(esm.stdout.trim()).toBe("completed true true true true 2")
      expect(esm.stderr).not.toMatch(/Executing an Effect versioned/)
      const cjs = await run("node", [
        "-e",
        [
          `const E = require("@visgate_ai/client/effect"), T = require("@visgate_ai/client/testing"), P = require("@visgate_ai/client")`,
          `const err = new P.RateLimitError({ message: "x", errorCode: "RATE_LIMIT_ERROR" })`,
          `console.log(typeof E.Images.Images, typeof T.FakeVisgate, err instanceof E.VisgateError)`
        ].join("\n")
      ], app)
      expect(cjs.stdout.trim()).toBe("function function true")
    }, 60_000)
  })

  it(
    "next to effect 4: npm refuses the install; forced, ./effect and ./testing fail at once with one message",
    async () => {
      // As a user would: `npm i effect` (effect 4 today), then the SDK.
      const refused = join(work, "effect4-refused")
      mkdirSync(refused, { recursive: true })
      writeFileSync(join(refused, "package.json"), JSON.stringify({ name: "refused", private: true }))
      await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "effect@4"], refused)
      const npm = await attempt("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], refused)
      expect(npm.code).not.toBe(0)
      expect(npm.stderr).toContain("ERESOLVE")
      expect(npm.stderr).toMatch(/peerOptional effect@"\^3\.22\.0" from @visgate_ai\/client/)

      // Forced past the peer check: effect 4 alone, and effect 4 with @effect/platform 0.97 (whose
      // imports of effect 3-only modules would stop Node's ESM loader before any of our code ran).
      for (
        const [name, deps, platform] of [
          ["effect4-app", ["effect@4"], "@effect/platform is not installed"],
          ["effect4-platform-app", ["effect@4", "@effect/platform@0.97"], "@effect/platform 0.97."]
        ] as const
      ) {
        const app = await makeApp(name, "module", [...deps], ["--legacy-peer-deps"])
        const effect = (JSON.parse(readFileSync(join(app, "node_modules/effect/package.json"), "utf8")) as {
          version: string
        }).version
        expect(effect).toMatch(/^4\./)
        for (const entry of ["effect", "testing"]) {
          for (
            const [how, args] of [
              ["require", ["-e", `require("@visgate_ai/client/${entry}")`]],
              ["static import", ["--input-type=module", "-e", `import * as m from "@visgate_ai/client/${entry}"`]],
              ["dynamic import", ["--input-type=module", "-e", `await import("@visgate_ai/client/${entry}")`]]
            ] as const
          ) {
            const r = await attempt("node", [...args], app)
            const message = r.stderr.split("\n").filter((l) => l.includes("need effect"))
            expect({ name, entry, how, code: r.code === 0 ? 0 : 1, message }).toEqual({
              name,
              entry,
              how,
              code: 1,
              message: [expect.stringContaining(
                `Error: @visgate_ai/client/effect and /testing need effect ^3.22.0 with @effect/platform ^0.97.0 ` +
                  `(found effect ${effect}`
              )]
            })
            expect(message[0]).toContain(platform)
            expect(message[0]).toContain(`use the Promise entry "@visgate_ai/client", which bundles its own effect`)
            expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find|SyntaxError|is not a function/)
            expect(r.stderr.length).toBeLessThan(2048)
          }
        }
        const promise = await run("node", [
          "--input-type=module",
          "-e",
          `const { Client } = await import("@visgate_ai/client"); console.log(typeof Client)`
        ], app)
        expect(promise.stdout.trim()).toBe("function")
      }
    },
    300_000
  )
})
