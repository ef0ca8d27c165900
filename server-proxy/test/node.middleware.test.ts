/** The node adapter as Express-style middleware (setup in nodeSetup.ts). */
import { type IncomingMessage, type RequestListener, type ServerResponse } from "node:http"
import { describe, expect, it } from "vitest"
import { createProxyHandler } from "../src/index.js"
import { createNodeProxy, type NodeProxyHandler, toNodeHandler } from "../src/node.js"
import { KEY } from "./helpers.js"
import { listen } from "./helpers.js"
import { raw, upstream } from "./nodeSetup.js"

describe("Express-style middleware", () => {
  /** A minimal Connect/Express-like app: runs middleware in order, like app.use(). */
  const app =
    (...stack: Array<(req: IncomingMessage, res: ServerResponse, next: () => void) => void>): RequestListener =>
    (req, res) => {
      let i = 0
      const next = () => {
        const layer = stack[i++]
        if (layer === undefined) {
          res.statusCode = 404
          res.end("app 404")
        } else layer(req, res, next)
      }
      next()
    }

  it("calls next() for paths outside the prefix and proxies the rest", async () => {
    const middleware: NodeProxyHandler = createNodeProxy({ apiKey: KEY, baseUrl: upstream.baseUrl })
    const server = await listen(
      app(middleware, (_req, res) => {
        res.end("the app's own page")
      })
    )
    try {
      const own = await raw(server.port, { path: "/about" })
      expect(own.body).toBe("the app's own page")
      const prefixLookalike = await raw(server.port, { path: "/api/visgatex/health" })
      expect(prefixLookalike.body).toBe("the app's own page")
      const proxied = await raw(server.port, { path: "/api/visgate/health" })
      expect(proxied.status).toBe(200)
      expect(upstream.requests.map((r) => r.path)).toEqual(["/api/v1/health"])
      // Refusals inside the prefix are answered by the proxy, not passed on.
      const refused = await raw(server.port, { path: "/api/visgate/usage" })
      expect(refused.status).toBe(403)
      const traversal = await raw(server.port, { path: "/api/visgate/models/../../../about" })
      expect(traversal.status).toBe(400)
      // Absolute-form targets are not the proxy's business in middleware mode.
      const absolute = await raw(server.port, { path: "http://evil.example/api/visgate/health" })
      expect(absolute.body).toBe("the app's own page")
      expect(upstream.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it("works when mounted on a sub-path (req.url stripped, req.originalUrl kept)", async () => {
    const middleware = createNodeProxy({ apiKey: KEY, baseUrl: upstream.baseUrl })
    const mount =
      (path: string, handler: NodeProxyHandler) => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const url = req.url ?? "/"
        if (!url.startsWith(path + "/")) return next()
        Object.assign(req, { originalUrl: url, url: url.slice(path.length) })
        handler(req, res, next)
      }
    const server = await listen(app(mount("/api/visgate", middleware)))
    try {
      const res = await raw(server.port, { path: "/api/visgate/models?limit=1" })
      expect(res.status).toBe(200)
      expect(upstream.requests[0]?.path).toBe("/api/v1/models")
      expect(upstream.requests[0]?.query).toBe("?limit=1")
    } finally {
      await server.close()
    }
  })

  it("forwards a body a JSON body parser already consumed", async () => {
    const jsonParser = (req: IncomingMessage, _res: ServerResponse, next: () => void) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown })
        next()
      })
    }
    const server = await listen(
      app(jsonParser, createNodeProxy({ apiKey: KEY, baseUrl: upstream.baseUrl, allowModels: ["fal-ai/flux/schnell"] }))
    )
    try {
      const ok = await raw(server.port, {
        method: "POST",
        path: "/api/visgate/generate",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "fal-ai/flux/schnell", prompt: "p" })
      })
      expect(ok.status).toBe(200)
      expect(JSON.parse(upstream.requests[0]?.body ?? "")).toEqual({ model: "fal-ai/flux/schnell", prompt: "p" })
      const refused = await raw(server.port, {
        method: "POST",
        path: "/api/visgate/generate",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "fal-ai/veo3", prompt: "p" })
      })
      expect(refused.status).toBe(403)
    } finally {
      await server.close()
    }
  })

  it("toNodeHandler adapts any web handler; pathPrefix can be given explicitly", async () => {
    const web = async (request: Request) => new Response(`saw ${new URL(request.url).pathname}`)
    const handler = toNodeHandler(web, { pathPrefix: "/hook" })
    const server = await listen(app(handler, (_req, res) => res.end("next")))
    try {
      expect((await raw(server.port, { path: "/hook/x" })).body).toBe("saw /hook/x")
      expect((await raw(server.port, { path: "/other" })).body).toBe("next")
    } finally {
      await server.close()
    }
    // The proxy handler carries its own prefix.
    const proxyHandler = createProxyHandler({ apiKey: KEY, baseUrl: upstream.baseUrl, pathPrefix: "/v" })
    const server2 = await listen(app(toNodeHandler(proxyHandler), (_req, res) => res.end("next")))
    try {
      expect((await raw(server2.port, { path: "/v/health" })).status).toBe(200)
      expect((await raw(server2.port, { path: "/api/visgate/health" })).body).toBe("next")
    } finally {
      await server2.close()
    }
  })
})
