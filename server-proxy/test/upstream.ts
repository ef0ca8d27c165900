/**
 * A small recording upstream on 127.0.0.1 (port 0): records method, path, query, headers and
 * body of every request, and answers with whatever the current test's responder does.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from "node:http"
import type { AddressInfo } from "node:net"

export interface Recorded {
  readonly method: string
  /** Path without the query string, exactly as received. */
  readonly path: string
  /** Query string including the leading `?`, or `""`. */
  readonly query: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export type Responder = (req: IncomingMessage, res: ServerResponse, recorded: Recorded) => void | Promise<void>

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** `http://127.0.0.1:<port>/api/v1`: pass as the proxy's baseUrl. */
  readonly baseUrl: string
  readonly requests: Array<Recorded>
  respond: Responder
  /** Requests whose connection closed before the response finished (client aborted). */
  readonly aborted: Array<string>
  close(): Promise<void>
}

/** Default responder: 200 JSON describing what was received (never echoes headers). */
export const echoPath: Responder = (_req, res, recorded) => {
  res.writeHead(200, { "content-type": "application/json" })
  res.end(JSON.stringify({ ok: true, method: recorded.method, path: recorded.path, query: recorded.query }))
}

export const startUpstream = async (): Promise<Upstream> => {
  const requests: Array<Recorded> = []
  const aborted: Array<string> = []
  const state: { respond: Responder } = { respond: echoPath }
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const url = req.url ?? "/"
      const q = url.indexOf("?")
      const recorded: Recorded = {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? "" : url.slice(q),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8")
      }
      requests.push(recorded)
      res.on("close", () => {
        if (!res.writableFinished) aborted.push(recorded.path)
      })
      Promise.resolve(state.respond(req, res, recorded)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    baseUrl: `${origin}/api/v1`,
    requests,
    aborted,
    get respond() {
      return state.respond
    },
    set respond(r: Responder) {
      state.respond = r
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** An SSE responder sending `count` events `delayMs` apart; `state.finished` flips at the end. */
export const sseResponder =
  (count: number, delayMs: number, state: { finished: boolean }): Responder => async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
    for (let i = 1; i <= count; i++) {
      if (res.destroyed) return
      res.write(`event: status\ndata: {"n": ${i}}\n\n`)
      if (i < count) await sleep(delayMs)
    }
    state.finished = true
    res.end()
  }
