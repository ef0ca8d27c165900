/**
 * Node adapter: serve the web-standard proxy handler from `node:http` `(req, res)` or as
 * Express/Connect-style middleware `(req, res, next)`.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { errorResponse } from "./errors.js"
import { createProxyHandler, type ProxyHandler, type ProxyOptions, RAW_TARGET } from "./handler.js"
import { normalizePrefix, stripPrefix } from "./path.js"

/** Express/Connect `next`. */
export type NodeNext = (error?: unknown) => void

/**
 * A `node:http` request listener that also works as Express/Connect middleware. With `next`,
 * requests outside the proxy's path prefix are passed on with `next()`; without it they get 404.
 */
export type NodeProxyHandler = (req: IncomingMessage, res: ServerResponse, next?: NodeNext) => void

export interface NodeAdapterOptions {
  /**
   * The prefix that decides which requests are the proxy's (others go to `next()`). Defaults to
   * the handler's own `pathPrefix`; a plain function without one is treated as mounted at `/`.
   */
  readonly pathPrefix?: string | undefined
}

const SAFE_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i

const toHeaders = (req: IncomingMessage): Headers => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue
    try {
      if (Array.isArray(value)) { for (const v of value) headers.append(name, v) }
      else headers.set(name, value)
    } catch {
      // A header value the Fetch API refuses is simply not carried over.
    }
  }
  return headers
}

/** The request body as a web stream with backpressure; `null` when the request has none. */
const toBody = (req: IncomingMessage): ReadableStream<Uint8Array> | Uint8Array | null => {
  // A body parser (express.json(), express.raw(), ...) that ran first has consumed the stream.
  const parsed = (req as { body?: unknown }).body
  if (req.readableEnded && parsed !== undefined) {
    if (parsed instanceof Uint8Array) return new Uint8Array(parsed)
    if (typeof parsed === "string") return new TextEncoder().encode(parsed)
    if (
      typeof parsed === "object" && parsed !== null && Object.keys(parsed).length === 0 &&
      req.headers["content-length"] === undefined
    ) return null
    return new TextEncoder().encode(JSON.stringify(parsed))
  }
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return null
  let finished = false
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer | string) => {
        if (finished) return
        const bytes = typeof chunk === "string"
          ? new TextEncoder().encode(chunk)
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        controller.enqueue(bytes)
        if ((controller.desiredSize ?? 0) <= 0) req.pause()
      })
      req.on("end", () => {
        if (finished) return
        finished = true
        controller.close()
      })
      req.on("error", (error) => {
        if (finished) return
        finished = true
        controller.error(error)
      })
    },
    pull() {
      req.resume()
    },
    cancel() {
      // Refused (e.g. too large): stop feeding the stream. The response closes the connection.
      finished = true
    }
  })
}

const writeResponse = async (response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  res.statusCode = response.status
  if (response.statusText !== "") res.statusMessage = response.statusText
  const setCookies = typeof response.headers.getSetCookie === "function" ? response.headers.getSetCookie() : []
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return
    res.setHeader(name, value)
  })
  if (setCookies.length > 0) res.setHeader("set-cookie", setCookies)
  const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0"
  if (hasBody && !req.readableEnded) {
    // A refused request whose body was never read (too large, route not allowed, ...): close the
    // connection rather than let Node drain the rest of the upload to keep it alive.
    res.setHeader("connection", "close")
  }
  if (response.body === null) {
    res.end()
    return
  }
  res.flushHeaders()
  const reader = response.body.getReader()
  let clientGone = false
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true
      reader.cancel().catch(() => undefined)
    }
  }
  res.on("close", onClose)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (clientGone) return
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            res.off("drain", resume)
            res.off("close", resume)
            resolve()
          }
          res.on("drain", resume)
          res.on("close", resume)
        })
      }
    }
    res.end()
  } catch (error) {
    // The upstream stream broke mid-way: end abruptly so the client sees a truncated response.
    res.destroy(error instanceof Error ? error : new Error(String(error)))
  } finally {
    res.off("close", onClose)
  }
}

/** Adapts a web-standard handler (normally from `createProxyHandler`) to `node:http`/Express. */
export const toNodeHandler = (
  handler: ProxyHandler | ((request: Request, context?: unknown) => Promise<Response>),
  options: NodeAdapterOptions = {}
): NodeProxyHandler => {
  const prefix = normalizePrefix(options.pathPrefix ?? (handler as Partial<ProxyHandler>).pathPrefix ?? "")
  return (req, res, next) => {
    // Express strips a mount path from req.url; originalUrl keeps the full target.
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/"
    const originForm = target.startsWith("/") && !target.startsWith("//")
    if (next !== undefined) {
      const q = target.indexOf("?")
      const path = q === -1 ? target : target.slice(0, q)
      if (!originForm || stripPrefix(path, prefix) === undefined) {
        next()
        return
      }
    }
    const run = async () => {
      const hostHeader = req.headers.host ?? ""
      const host = SAFE_HOST.test(hostHeader) ? hostHeader : "localhost"
      const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? "https" : "http"
      // The URL only feeds hooks such as authorize(); the handler validates the raw target.
      const url = `${scheme}://${host}${originForm ? target : "/"}`
      const controller = new AbortController()
      res.on("close", () => {
        if (!res.writableFinished) controller.abort()
      })
      const method = (req.method ?? "GET").toUpperCase()
      const body = method === "GET" || method === "HEAD" ? null : toBody(req)
      const init: RequestInit & { duplex?: "half" } = { method, headers: toHeaders(req), signal: controller.signal }
      if (body !== null) {
        init.body = body as BodyInit
        init.duplex = "half"
      }
      let response: Response
      try {
        response = await handler(new Request(url, init), { [RAW_TARGET]: target })
      } catch {
        response = errorResponse("PROXY_ERROR", "The Visgate proxy failed to handle this request")
      }
      await writeResponse(response, req, res)
    }
    run().catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500
        res.setHeader("content-type", "application/json; charset=utf-8")
        res.end(
          JSON.stringify({
            error: "PROXY_ERROR",
            message: "The Visgate proxy failed to handle this request",
            details: {}
          })
        )
      } else {
        res.destroy()
      }
    })
  }
}

/** `createProxyHandler(options)` adapted to `node:http` and Express-style middleware. */
export const createNodeProxy = (options: ProxyOptions = {}): NodeProxyHandler =>
  toNodeHandler(createProxyHandler(options))
