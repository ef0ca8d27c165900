/**
 * The upstream and hooks shared by the handler tests (\`handler*.test.ts\`): importing this module
 * registers them in the importing file.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest"
import { createProxyHandler, type ProxyOptions } from "../src/index.js"
import { KEY } from "./helpers.js"
import { startUpstream, type Upstream } from "./upstream.js"

export let upstream: Upstream
const savedEnv = process.env["VISGATE_API_KEY"]

beforeAll(async () => {
  upstream = await startUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => {
  delete process.env["VISGATE_API_KEY"]
  upstream.requests.length = 0
  upstream.aborted.length = 0
  upstream.respond = (_req, res, recorded) => {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ ok: true, path: recorded.path, query: recorded.query }))
  }
})
afterEach(() => {
  if (savedEnv === undefined) delete process.env["VISGATE_API_KEY"]
  else process.env["VISGATE_API_KEY"] = savedEnv
})

export const proxy = (options: ProxyOptions = {}) =>
  createProxyHandler({ apiKey: KEY, baseUrl: upstream.baseUrl, ...options })

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})
