// A tiny server for the vanilla example: serves index.html and visgate.browser.js, and mounts the
// Visgate proxy at /api/visgate. The API key stays in this process.
//
//   npm run build && npm start                     -> the fake Visgate API (no key needed)
//   VISGATE_API_KEY=vg-... npm start               -> the real API
//   VISGATE_BASE_URL=... VISGATE_API_KEY=... npm start -> another upstream
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import { createNodeProxy } from "@visgate_ai/server-proxy/node"

const port = Number(process.env.PORT ?? 3000)
const here = new URL(".", import.meta.url)
const files = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/visgate.browser.js": ["visgate.browser.js", "text/javascript; charset=utf-8"],
  "/visgate.browser.js.map": ["visgate.browser.js.map", "application/json"]
}

let fake
let proxyOptions = {}
if (process.env.VISGATE_API_KEY || process.env.VISGATE_BASE_URL) {
  if (process.env.VISGATE_BASE_URL) proxyOptions = { baseUrl: process.env.VISGATE_BASE_URL }
} else {
  const { serve } = await import("@visgate_ai/client/testing")
  fake = await serve({ port: 0, fakeOptions: { timings: { videoPendingMs: 1_000, videoProcessingMs: 4_000 } } })
  proxyOptions = { baseUrl: fake.baseUrl, apiKey: "vg-test-key" }
}
const proxy = createNodeProxy(proxyOptions)

const server = createServer((req, res) => {
  proxy(req, res, async () => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname
    const file = files[path]
    if (req.method !== "GET" || file === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    try {
      const body = await readFile(new URL(file[0], here))
      res.writeHead(200, { "content-type": file[1], "cache-control": "no-store" }).end(body)
    } catch {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${file[0]} is missing: run npm run build`)
    }
  })
})

server.listen(port, "127.0.0.1", () => {
  console.log(`[visgate] vanilla example on http://127.0.0.1:${port}/`)
  console.log(`[visgate] proxy /api/visgate -> ${fake ? `fake API at ${fake.baseUrl}` : (proxyOptions.baseUrl ?? "https://visgateai.com/api/v1")}`)
})
const stop = async () => {
  server.close()
  server.closeAllConnections()
  await fake?.close()
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
