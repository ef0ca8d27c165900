// Shared helpers of the examples' end-to-end tests: processes, ports, the browser, the page driver.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createServer } from "node:net"
import { chromium } from "playwright-core"

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
export const ARTIFACTS = new URL("../../test-artifacts/examples/", import.meta.url)
mkdirSync(ARTIFACTS, { recursive: true })

/** Debian's Chromium, never a downloaded browser. Playwright gives each launch a fresh profile dir. */
export const launchBrowser = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** Starts a command in its own process group; `stop()` ends that group (and only it). */
export const startProcess = (command, args, { cwd, env }) => {
  const merged = { ...process.env, ...env }
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k]
  const child = spawn(command, args, {
    cwd,
    env: merged,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (d) => (output += d))
  child.stderr.on("data", (d) => (output += d))
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      try {
        process.kill(-child.pid, "SIGTERM")
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL")
        } catch {}
      }, 5_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** Polls `url` until it answers (any status below 500) or the process exits or time runs out. */
export const waitForHttp = async (url, proc, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs
  let exitedWith
  proc.exited.then((e) => (exitedWith = e))
  while (Date.now() < deadline) {
    if (exitedWith) throw new Error(`server exited (${JSON.stringify(exitedWith)}) before answering:\n${proc.output()}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      await res.arrayBuffer()
      if (res.status < 500) return
    } catch {}
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${proc.output()}`)
}

/**
 * Records everything the page sends (URL, method, all headers, post data) and the text of every
 * same-origin response, so a test can assert that a secret never reached the browser.
 */
export const recordNetwork = (page) => {
  const pending = []
  const requests = []
  const responses = []
  page.on("request", (req) => {
    pending.push(
      req.allHeaders().then((headers) => {
        requests.push({ url: req.url(), method: req.method(), headers, postData: req.postData() ?? "" })
      })
    )
  })
  page.on("response", (res) => {
    const type = res.headers()["content-type"] ?? ""
    if (!/text|javascript|json/.test(type)) return
    pending.push(
      res
        .text()
        .then((body) => responses.push({ url: res.url(), status: res.status(), body }))
        .catch(() => {})
    )
  })
  return {
    requests,
    responses,
    async settle() {
      let n
      do {
        n = pending.length
        await Promise.all(pending)
      } while (n !== pending.length)
    }
  }
}

const shot = (page, name) => page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true })

/**
 * Drives one example page: models load, an image is generated (it loads, its cost shows, a second
 * identical generation is a cache hit), and an async video reaches `completed`.
 * Returns the network record. Screenshots go to test-artifacts/examples/<name>-*.png.
 */
export const driveExample = async (browser, { name, url, video = true, prompt }) => {
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } })
  const page = await context.newPage()
  const network = recordNetwork(page)
  const pageErrors = []
  page.on("pageerror", (e) => pageErrors.push(String(e)))
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()} (${m.location().url})`)
  })
  try {
    await page.goto(url, { waitUntil: "load", timeout: 120_000 })
    // The model picker is filled from GET /models through the proxy.
    await page.locator("#models-source").filter({ hasText: "from GET /models" }).waitFor({ timeout: 120_000 })
    const modelCount = await page.locator("#model option").count()
    assert.ok(modelCount > 1, `model picker has ${modelCount} options`)
    await page.selectOption("#model", "fal-ai/flux/schnell")

    const text = prompt ?? `${name}: a lighthouse at dawn, watercolor ${Date.now()}`
    await page.fill("#prompt", text)
    await page.click("#generate")
    await page.locator("#cache").filter({ hasText: /miss|hit/ }).waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => {
      const img = document.getElementById("image")
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0
    }, null, { timeout: 30_000 })
    const first = {
      width: await page.$eval("#image", (img) => img.naturalWidth),
      cost: await page.textContent("#cost"),
      cache: await page.textContent("#cache")
    }
    assert.ok(first.width > 0, "image loaded")
    assert.match(first.cost, /^\$\d+\.\d{4}$/)
    assert.ok(Number(first.cost.slice(1)) > 0, `first generation is billed: ${first.cost}`)
    assert.equal(first.cache, "miss")
    await shot(page, `${name}-image`)

    // Same prompt again: served from the cache, at no cost.
    await page.click("#generate")
    await page.locator("#cache").filter({ hasText: "hit" }).waitFor({ timeout: 30_000 })
    assert.equal(await page.textContent("#cost"), "$0.0000")

    let videoLog = []
    if (video) {
      await page.click("#generate-video")
      await page.locator("#video-status").filter({ hasText: /processing|pending|accepted/ }).waitFor({ timeout: 30_000 })
      await shot(page, `${name}-video-running`)
      await page.locator("#video-status").filter({ hasText: /^(completed|failed)$/ }).waitFor({ timeout: 60_000 })
      assert.equal(await page.textContent("#video-status"), "completed")
      assert.ok(await page.isVisible("#video-link"), "video link shown")
      videoLog = await page.$$eval("#video-log li", (lis) => lis.map((li) => li.textContent))
      assert.deepEqual(videoLog.slice(0, 1), ["accepted"])
      assert.equal(videoLog.at(-1), "completed")
      assert.ok(videoLog.includes("processing"), `live status seen: ${videoLog.join(" → ")}`)
      await shot(page, `${name}-done`)
    }
    const errorShown = (await page.isVisible("#error")) ? await page.textContent("#error") : null
    assert.equal(errorShown, null, "the page shows no error")
    await network.settle()
    assert.deepEqual(pageErrors, [])
    return { network, first, videoLog, origin: new URL(url).origin }
  } catch (error) {
    await shot(page, `${name}-failure`).catch(() => {})
    throw error
  } finally {
    await context.close()
  }
}

/** The browser never sent (nor received) the server's key, and never called the API directly. */
export const assertNoKeyLeak = ({ network, origin }, { secret, upstreamOrigin }) => {
  assert.ok(network.requests.length > 0)
  for (const r of network.requests) {
    const sent = `${r.url}\n${JSON.stringify(r.headers)}\n${r.postData}`
    assert.ok(!sent.includes(secret), `request ${r.method} ${r.url} carried the API key`)
    assert.ok(!("authorization" in r.headers), `request ${r.method} ${r.url} sent Authorization`)
    const u = new URL(r.url)
    if (u.origin === origin) continue
    // The only other origin is the upstream's media (generated images), fetched with plain GETs.
    assert.equal(u.origin, upstreamOrigin, `unexpected request to ${r.url}`)
    assert.equal(r.method, "GET")
    assert.match(u.pathname, /\/_fake\/media\//, `the page called the API directly: ${r.url}`)
  }
  for (const r of network.responses) {
    assert.ok(!r.body.includes(secret), `response ${r.url} contained the API key`)
  }
  const apiCalls = network.requests.filter((r) => new URL(r.url).pathname.startsWith("/api/visgate/"))
  const paths = apiCalls.map((r) => `${r.method} ${new URL(r.url).pathname}`)
  for (const p of ["GET /api/visgate/models", "POST /api/visgate/images/generate"]) {
    assert.ok(paths.includes(p), `${p} was called through the proxy (saw ${paths.join(", ")})`)
  }
  return apiCalls
}
