/**
 * A tiny loopback webhook receiver for tests: a `node:http` server on 127.0.0.1 that records every
 * request (raw body bytes, Node headers) and answers from a script (`204` by default; `"hang"`
 * never answers, until the server closes).
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

export type Answer = number | "hang"

export interface Receiver {
  readonly url: string
  readonly received: ReadonlyArray<Received>
  /** answers for the next requests, in order; afterwards `fallback` */
  script(...answers: ReadonlyArray<Answer>): void
  fallback: Answer
  /** resolves once `count` requests have been received */
  waitFor(count: number): Promise<ReadonlyArray<Received>>
  close(): Promise<void>
}

export const startReceiver = async (path = "/hooks/visgate"): Promise<Receiver> => {
  const received: Array<Received> = []
  const queue: Array<Answer> = []
  const waiters: Array<{ count: number; resolve: (r: ReadonlyArray<Received>) => void }> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks)
      })
      for (const w of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve([...received])
      }
      const answer = queue.shift() ?? receiver.fallback
      if (answer === "hang") return
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer >= 300 && answer < 400 ? "" : "ok")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    fallback: 204,
    script: (...answers) => {
      queue.push(...answers)
    },
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve([...received])
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  return receiver
}
