/**
 * What the node adapter tests (`node*.test.ts`) share: an upstream, a proxy server in front of it,
 * raw HTTP helpers. Importing this module registers its hooks in the importing file.
 */
import { type IncomingHttpHeaders, request as httpRequest } from "node:http"
import { afterAll, beforeAll, beforeEach, expect } from "vitest"
import { createNodeProxy } from "../src/node.js"
import { expectNoSecrets, KEY, listen, type Listening } from "./helpers.js"
import { startUpstream, type Upstream } from "./upstream.js"

export interface RawResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface RawRequest {
  readonly method?: string
  /** Sent exactly as given: no URL parsing or normalisation on the client side. */
  readonly path: string
  readonly headers?: Record<string, string | Array<string>>
  readonly body?: string | ReadonlyArray<string>
}

/** A raw HTTP/1.1 request via node:http (the path is sent verbatim); scans the answer for secrets. */
export const raw = (port: number, req: RawRequest): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: "127.0.0.1",
      port,
      method: req.method ?? "GET",
      path: req.path,
      headers: req.headers ?? {}
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        for (const [name, value] of Object.entries(res.headers)) {
          expectNoSecrets(`${name}: ${String(value)}`, `header ${name}`)
        }
        expectNoSecrets(body, "body")
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
      res.on("error", reject)
    })
    outgoing.on("error", reject)
    if (typeof req.body === "string") outgoing.end(req.body)
    else if (req.body !== undefined) {
      for (const chunk of req.body) outgoing.write(chunk)
      outgoing.end()
    } else outgoing.end()
  })

export const envelope = (res: RawResponse): { error: string; message: string; details: Record<string, unknown> } => {
  expect(res.headers["content-type"]).toMatch(/^application\/json/)
  return JSON.parse(res.body) as { error: string; message: string; details: Record<string, unknown> }
}

export let upstream: Upstream
export let proxyServer: Listening

beforeAll(async () => {
  upstream = await startUpstream()
  proxyServer = await listen(
    createNodeProxy({
      apiKey: KEY,
      baseUrl: upstream.baseUrl,
      allowRoutes: ["generation", "requests", "models", "health", "deployments"],
      maxBodyBytes: 10_000
    })
  )
})
afterAll(async () => {
  await proxyServer.close()
  await upstream.close()
})
beforeEach(() => {
  upstream.requests.length = 0
  upstream.aborted.length = 0
  upstream.respond = (_req, res, recorded) => {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req-1" })
    res.end(JSON.stringify({ ok: true, path: recorded.path, query: recorded.query }))
  }
})
