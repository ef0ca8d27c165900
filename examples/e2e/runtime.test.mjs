// The SDK in the runtimes it claims: Node (the versions installed here), a browser-platform bundle
// with no Node built-in reachable, and an edge-style sandbox with web globals only (no `process`,
// `require` or `Buffer`). The browser itself is covered by examples.test.mjs.
import assert from "node:assert/strict"
import { builtinModules } from "node:module"
import { fileURLToPath } from "node:url"
import vm from "node:vm"
import { after, before, describe, test } from "node:test"
import { Client, VIDEO_MODEL_PRESETS } from "@visgate_ai/client"
import { serve } from "@visgate_ai/client/testing"
import { build } from "esbuild"

const repo = fileURLToPath(new URL("../../", import.meta.url))
const FAST = { videoPendingMs: 200, videoProcessingMs: 600 }
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

let fake
before(async () => {
  fake = await serve({ port: 0, fakeOptions: { timings: FAST } })
})
after(() => fake?.close())

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Image, async video polled to completion, and health, with one client. */
const exercise = async (client) => {
  const image = await client.images.generate("fal-ai/flux/schnell", `runtime check ${Math.random()}`, { width: 256, height: 256 })
  assert.equal(image.images.length, 1)
  assert.ok(image.cost > 0)
  const png = await fetch(image.images[0])
  assert.equal(png.headers.get("content-type"), "image/png")
  const started = await client.videos.generate(VIDEO_MODEL_PRESETS.fal, "waves on a beach", { preferAsync: true })
  assert.equal(started.status, "accepted")
  let status
  for (let i = 0; i < 50; i++) {
    status = await client.requests.get(started.requestId)
    if (status.status === "completed" || status.status === "failed") break
    await sleep(100)
  }
  assert.equal(status.status, "completed")
  assert.match(status.outputUrl, /\.mp4$/)
  const health = await client.health()
  assert.ok(health)
}

describe("Node", () => {
  test(`the built dist/ works on this Node (${process.version}; the only Node installed here)`, async (t) => {
    const [major] = process.versions.node.split(".").map(Number)
    assert.ok(major >= 18, "package.json engines: node >= 18")
    t.diagnostic(`node ${process.version}: Node 18 and 22+ are not installed on this machine, so they are not checked`)
    const client = new Client({ apiKey: "vg-test-key", baseUrl: fake.baseUrl })
    try {
      await exercise(client)
    } finally {
      await client.close()
    }
  })
})

/** Bundles an entry for `platform: "browser"`; esbuild fails on any reachable Node built-in. */
const bundleForBrowser = (entry, extra = {}) =>
  build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    ...extra
  })

const nodeImports = (metafile) =>
  Object.entries(metafile.inputs).flatMap(([file, input]) =>
    input.imports.filter((i) => i.path.startsWith("node:") || NODE_BUILTINS.has(i.path)).map((i) => `${file} -> ${i.path}`)
  )

describe("browser / edge entry", () => {
  test("esbuild refuses a Node built-in for platform browser (the check below can fail)", async () => {
    await assert.rejects(
      bundleForBrowser("entry.js", { entryPoints: undefined, stdin: { contents: 'import "node:http"', resolveDir: repo } }),
      /node:http/
    )
  })

  for (const [label, entry, extra = {}] of [
    ["src/index.ts", `${repo}src/index.ts`],
    // tsconfigRaw: the repo's tsconfig.json maps @visgate_ai/client to src/; here we want the package.
    ["dist/index.js (as installed)", "@visgate_ai/client", { tsconfigRaw: {} }],
    ["src/effect.ts", `${repo}src/effect.ts`],
    ["src/testing.ts (serve() imports node:http lazily)", `${repo}src/testing.ts`]
  ]) {
    test(`${label} bundles for the browser with no node: import reachable`, async (t) => {
      const result = await bundleForBrowser(entry, extra)
      assert.deepEqual(result.errors, [])
      assert.deepEqual(nodeImports(result.metafile), [])
      if (entry === "@visgate_ai/client") {
        assert.ok(Object.keys(result.metafile.inputs).some((f) => f.includes("node_modules/@visgate_ai/client/dist/")), "bundled the installed dist/")
      }
      const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0)
      t.diagnostic(`${Object.keys(result.metafile.inputs).length} modules, ${bytes} bytes unminified`)
    })
  }

  test("the built dist/ runs in an edge-style sandbox: web globals only, no process/require/Buffer", async () => {
    const result = await bundleForBrowser("@visgate_ai/client", { format: "iife", globalName: "Visgate", tsconfigRaw: {} })
    const code = result.outputFiles[0].text
    const web = [
      "fetch", "Headers", "Request", "Response", "URL", "URLSearchParams", "AbortController", "AbortSignal",
      "TextEncoder", "TextDecoder", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask",
      "structuredClone", "crypto", "console", "performance", "Event", "EventTarget", "DOMException",
      "ReadableStream", "WritableStream", "TransformStream", "Blob", "FormData", "atob", "btoa"
    ]
    const sandbox = Object.fromEntries(web.map((k) => [k, globalThis[k]]))
    const context = vm.createContext(sandbox)
    vm.runInContext(code, context, { filename: "visgate.iife.js" })
    assert.equal(vm.runInContext("typeof process + typeof require + typeof Buffer", context), "undefinedundefinedundefined")
    context.__baseUrl = fake.baseUrl
    // No process.env here: the key must be passed, as on an edge runtime.
    assert.throws(() => vm.runInContext("new Visgate.Client({ baseUrl: __baseUrl })", context), /API key|apiKey|proxyUrl/)
    const client = vm.runInContext('new Visgate.Client({ apiKey: "vg-test-key", baseUrl: __baseUrl })', context)
    try {
      const image = await client.images.generate("fal-ai/flux/schnell", `edge check ${Math.random()}`)
      assert.equal(image.images.length, 1)
      assert.ok(image.cost > 0)
      const started = await client.videos.generate("fal-ai/veo3", "edge video", { preferAsync: true })
      assert.equal(started.status, "accepted")
      const status = await client.requests.get(started.requestId)
      assert.ok(["pending", "processing", "completed"].includes(status.status))
    } finally {
      await client.close()
    }
  })
})
