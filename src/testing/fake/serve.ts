/**
 * The fake as a real HTTP server on loopback (Node only). `node:http` is imported lazily
 * inside `serve`, so bundling the rest of the fake for browsers does not pull it in.
 */
import { FakeVisgate } from "./FakeVisgate.js"
import { damageResponse, faultResponse } from "./faults.js"
import { sleepAbortable } from "./http.js"
import type { FakeVisgateOptions } from "./types.js"

export interface ServeOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  readonly host?: string
  /** The fake to serve; default a new `FakeVisgate(fakeOptions)`. */
  readonly fake?: FakeVisgate
  readonly fakeOptions?: FakeVisgateOptions
  /** Answer CORS preflights and add `Access-Control-Allow-Origin: *`. Default `true`. */
  readonly cors?: boolean
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `url` + the fake's base path, e.g. `http://127.0.0.1:<port>/api/v1` */
  readonly baseUrl: string
  readonly port: number
  readonly fake: FakeVisgate
  /** Stops listening and drops every open connection (hung requests and SSE streams included). */
  close(): Promise<void>
}

// Minimal structural views of the `node:http` objects we use, so this module type-checks
// without Node's type definitions (the package builds with `types: []`).
interface NodeSocket {
  destroy(): void
  on(event: "close", listener: () => void): void
}
interface NodeIncoming extends AsyncIterable<Uint8Array> {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: Record<string, string | ReadonlyArray<string> | undefined>
  readonly socket: NodeSocket
}
interface NodeOutgoing {
  readonly writableEnded: boolean
  readonly headersSent: boolean
  statusCode: number
  setHeader(name: string, value: string | ReadonlyArray<string>): void
  writeHead(status: number, headers?: Record<string, string | ReadonlyArray<string>>): void
  flushHeaders(): void
  write(chunk: Uint8Array): boolean
  end(chunk?: Uint8Array | string): void
  on(event: "close", listener: () => void): void
}
interface NodeServer {
  listen(port: number, host: string, callback: () => void): void
  address(): { port: number } | string | null
  close(callback: (err?: Error) => void): void
  on(event: "connection", listener: (socket: NodeSocket) => void): void
  on(event: "error", listener: (err: Error) => void): void
}
interface NodeHttp {
  createServer(handler: (req: NodeIncoming, res: NodeOutgoing) => void): NodeServer
}

const SKIP_REQUEST_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "expect"
])

/**
 * Starts the fake on a real HTTP server (Node). Faults apply as on the wire: `reset`
 * destroys the socket, `hang` never answers, `latency` waits on real timers, and SSE
 * bodies stream chunk by chunk.
 */
export const serve = async (options: ServeOptions = {}): Promise<FakeServer> => {
  const specifier = "node:http"
  const http = (await import(/* @vite-ignore */ specifier)) as NodeHttp
  const fake = options.fake ?? new FakeVisgate(options.fakeOptions ?? {})
  const host = options.host ?? "127.0.0.1"
  const cors = options.cors ?? true
  const sockets = new Set<NodeSocket>()
  const controllers = new Set<AbortController>()
  let port = options.port ?? 0

  const handler = async (req: NodeIncoming, res: NodeOutgoing): Promise<void> => {
    const controller = new AbortController()
    controllers.add(controller)
    res.on("close", () => {
      controllers.delete(controller)
      if (!res.writableEnded) controller.abort()
    })
    if (cors) {
      res.setHeader("access-control-allow-origin", "*")
      res.setHeader("access-control-expose-headers", "retry-after, idempotent-replayed, location")
    }
    if (req.method === "OPTIONS" && cors) {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
        "access-control-allow-headers": String(req.headers["access-control-request-headers"] ?? "*"),
        "access-control-max-age": "600"
      })
      res.end()
      return
    }
    const chunks: Array<Uint8Array> = []
    for await (const chunk of req) chunks.push(chunk)
    const length = chunks.reduce((n, c) => n + c.length, 0)
    const body = new Uint8Array(length)
    let at = 0
    for (const c of chunks) {
      body.set(c, at)
      at += c.length
    }
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || SKIP_REQUEST_HEADERS.has(k)) continue
      headers.set(k, typeof v === "string" ? v : v.join(", "))
    }
    const method = (req.method ?? "GET").toUpperCase()
    const hostHeader = typeof req.headers.host === "string" ? req.headers.host : `${host}:${port}`
    const request = new Request(`http://${hostHeader}${req.url ?? "/"}`, {
      method,
      headers,
      signal: controller.signal,
      ...(length > 0 && method !== "GET" && method !== "HEAD" ? { body } : {})
    })
    const received = await fake.receive(request)
    const fault = received.fault
    if (fault) {
      switch (fault.kind) {
        case "reset":
          req.socket.destroy()
          return
        case "hang":
          // never answer; the socket closes when the client gives up or the server closes
          return
        case "latency":
          try {
            await sleepAbortable(fault.ms, controller.signal)
          } catch {
            return
          }
          break
        default: {
          const r = faultResponse(fault)
          if (r) return write(res, r, controller.signal)
        }
      }
    }
    if (controller.signal.aborted) return
    const response = await fake.respond(received, { sseDriver: fake.timerDriver(controller.signal) })
    await write(res, fault ? await damageResponse(fault, response) : response, controller.signal)
  }

  const server = http.createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" })
        res.end("Internal Server Error")
      } else {
        req.socket.destroy()
      }
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.on("error", reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  port = typeof address === "object" && address !== null ? address.port : port
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
  return {
    url,
    baseUrl: `${url}${fake.basePath}`,
    port,
    fake,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const c of controllers) c.abort()
        for (const s of sockets) s.destroy()
      })
  }
}

const write = async (res: NodeOutgoing, response: Response, signal: AbortSignal): Promise<void> => {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    headers[key] = value
  })
  res.writeHead(response.status, headers)
  if (!response.body) {
    res.end()
    return
  }
  const streaming = (response.headers.get("content-type") ?? "").startsWith("text/event-stream")
  if (streaming) res.flushHeaders()
  const reader = response.body.getReader()
  const onAbort = () => {
    reader.cancel().catch(() => undefined)
  }
  signal.addEventListener("abort", onAbort, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (signal.aborted) break
      res.write(value)
    }
  } catch {
    // the body stream failed or was cancelled
  } finally {
    signal.removeEventListener("abort", onAbort)
    if (!res.writableEnded) res.end()
  }
}
