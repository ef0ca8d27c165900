/** Shared test helpers: calling a handler and scanning every response for secrets. */
import { createServer, type RequestListener } from "node:http"
import type { AddressInfo } from "node:net"
import { expect } from "vitest"
import type { ProxyErrorEvent, ProxyHandler } from "../src/index.js"

export const KEY = "vg-test-SERVERKEY-5e27273abcdef"
export const TOKEN = "session-token-CALLER-9f8e7d6c"
export const SECRETS: ReadonlyArray<string> = [KEY, TOKEN]

/** Fails the test if any secret appears in the given text. */
export const expectNoSecrets = (text: string, where: string): void => {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${where} leaked a credential`).toBe(false)
  }
}

/** Scans a response's status line, every header and (when given) the body for secrets. */
export const scanResponse = (response: Response, body: string | undefined): void => {
  expectNoSecrets(response.statusText, "status text")
  response.headers.forEach((value, name) => expectNoSecrets(`${name}: ${value}`, `header ${name}`))
  if (body !== undefined) expectNoSecrets(body, "body")
}

export interface Sent {
  readonly response: Response
  readonly status: number
  readonly text: string
  readonly json: unknown
}

/** Calls the handler for `path` on a fake app origin, reads the whole body, scans for secrets. */
export const send = async (
  handler: ProxyHandler,
  path: string,
  init: RequestInit & { duplex?: "half" } = {}
): Promise<Sent> => {
  const response = await handler(new Request(`http://app.test${path}`, init))
  const text = await response.text()
  scanResponse(response, text)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { response, status: response.status, text, json }
}

/** Asserts a proxy-produced error in the API envelope. */
export const expectEnvelope = (sent: Sent, status: number, code: string): void => {
  expect(sent.status).toBe(status)
  expect(sent.response.headers.get("content-type")).toMatch(/^application\/json/)
  expect(sent.json).toMatchObject({ error: code, message: expect.any(String), details: expect.any(Object) })
}

/** An onError hook that records events and scans each one for secrets. */
export const recordErrors = (): {
  readonly events: Array<ProxyErrorEvent>
  readonly onError: (e: ProxyErrorEvent) => void
} => {
  const events: Array<ProxyErrorEvent> = []
  return {
    events,
    onError: (event) => {
      expectNoSecrets(JSON.stringify(event), "onError event")
      events.push(event)
    }
  }
}

/** A request body stream that sends `total` bytes in `chunk`-sized pieces and no Content-Length. */
export const byteStream = (total: number, chunk = 16_384): ReadableStream<Uint8Array> => {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close()
        return
      }
      const size = Math.min(chunk, total - sent)
      sent += size
      controller.enqueue(new Uint8Array(size).fill(97))
    }
  })
}

/** A `node:http` server listening on a free loopback port. */
export interface Listening {
  readonly port: number
  readonly origin: string
  /** Closes the server and every connection it still has. */
  close(): Promise<void>
}

/** Serves `listener` on 127.0.0.1, on a port the system picks. */
export const listen = async (listener: RequestListener): Promise<Listening> => {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
