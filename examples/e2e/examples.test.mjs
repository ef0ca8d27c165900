// End-to-end: each example, built beforehand (scripts/examples.sh), is started against the fake
// Visgate API and driven in headless Debian Chromium. EXAMPLES=vite,vanilla limits the run.
import assert from "node:assert/strict"
import { randomUUID } from "node:crypto"
import { existsSync } from "node:fs"
import { after, before, describe, test } from "node:test"
import { serve } from "@visgate_ai/client/testing"
import { assertNoKeyLeak, driveExample, freePort, launchBrowser, startProcess, waitForHttp } from "./harness.mjs"

const root = new URL("../", import.meta.url)
// Per example: how to start the production build, and the `npm run dev` equivalent.
const EXAMPLES = {
  vanilla: {
    start: (port) => ["node", ["server.mjs"], { PORT: String(port) }],
    dev: (port) => ["node", ["server.mjs"], { PORT: String(port) }]
  },
  vite: {
    start: (port) => ["node", ["node_modules/vite/bin/vite.js", "preview", "--port", String(port), "--strictPort", "--host", "127.0.0.1"], {}],
    dev: (port) => ["node", ["node_modules/vite/bin/vite.js", "--port", String(port), "--strictPort", "--host", "127.0.0.1"], {}]
  },
  nextjs: {
    start: (port) => ["node", ["with-fake.mjs", "start", "--port", String(port), "--hostname", "127.0.0.1"], {}],
    dev: (port) => ["node", ["with-fake.mjs", "dev", "--port", String(port), "--hostname", "127.0.0.1"], {}]
  }
}
const selected = (process.env.EXAMPLES ?? Object.keys(EXAMPLES).join(",")).split(",").filter(Boolean)
const FAST = { videoPendingMs: 1_000, videoProcessingMs: 3_000 }

let browser
before(async () => {
  browser = await launchBrowser()
  console.log(`# browser: Chromium ${browser.version()}`)
})
after(async () => {
  await browser?.close()
})

for (const name of selected) {
  assert.ok(EXAMPLES[name], `unknown example ${name}`)
  const { start, dev } = EXAMPLES[name]
  const cwd = new URL(`${name}/`, root).pathname

  describe(`examples/${name}`, () => {
    test("the page generates an image and a video through the proxy; the key stays on the server", async (t) => {
      assert.ok(existsSync(new URL("node_modules", `file://${cwd}`)), `run scripts/examples.sh first (no node_modules in ${cwd})`)
      const fake = await serve({ port: 0, fakeOptions: { timings: FAST } })
      const secret = `vg-e2e-${randomUUID()}`
      const port = await freePort()
      const [cmd, args, env] = start(port)
      const server = startProcess(cmd, args, {
        cwd,
        env: { ...env, VISGATE_BASE_URL: fake.baseUrl, VISGATE_API_KEY: secret, NEXT_TELEMETRY_DISABLED: "1" }
      })
      t.after(async () => {
        await server.stop()
        await fake.close()
      })
      const url = `http://127.0.0.1:${port}/`
      await waitForHttp(url, server)
      const run = await driveExample(browser, { name, url })
      const apiCalls = assertNoKeyLeak(run, { secret, upstreamOrigin: new URL(fake.baseUrl).origin })
      t.diagnostic(`${apiCalls.length} calls through /api/visgate; video: ${run.videoLog.join(" → ")}`)

      // The proxy, not the page, authenticated: the fake saw the secret on every authenticated call.
      const upstream = fake.fake.requests.filter((r) => !r.path.startsWith("/_fake") && r.path !== "/models")
      assert.ok(upstream.length >= 4, `upstream calls: ${upstream.map((r) => `${r.method} ${r.path}`).join(", ")}`)
      for (const r of upstream) assert.equal(r.headers.authorization, `Bearer ${secret}`, `${r.method} ${r.path}`)
      const video = upstream.find((r) => r.method === "POST" && r.path === "/videos/generate")
      assert.ok(video, "POST /videos/generate reached the API")
      assert.equal(video.headers.prefer, "respond-async")
      assert.ok(upstream.some((r) => r.method === "GET" && r.path.startsWith("/requests/")), "polled GET /requests/{id}")
    })

    test("its dev server (`npm run dev`) with no VISGATE_* variables runs against its built-in fake API", async (t) => {
      const port = await freePort()
      const [cmd, args, env] = dev(port)
      const server = startProcess(cmd, args, {
        cwd,
        env: { ...env, VISGATE_BASE_URL: undefined, VISGATE_API_KEY: undefined, NEXT_TELEMETRY_DISABLED: "1" }
      })
      t.after(() => server.stop())
      const url = `http://127.0.0.1:${port}/`
      await waitForHttp(url, server, 180_000)
      const announced = /fake API at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())
      assert.ok(announced, `the server names its fake upstream:\n${server.output()}`)
      const run = await driveExample(browser, { name: `${name}-dev`, url, video: false })
      assertNoKeyLeak(run, { secret: "vg-test-key", upstreamOrigin: announced[1] })
    })
  })
}
