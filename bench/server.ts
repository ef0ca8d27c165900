/**
 * Loopback API stand-in for `npm run bench`, run in its own process (forked by `calls.ts`) so
 * the server's CPU time is not charged to the client being measured. Listens on 127.0.0.1, port 0,
 * and reports the port over IPC.
 *
 * - `GET  /api/v1/health`          -> `{"status":"ok","version":"0.2.0"}`
 * - `POST /api/v1/images/generate` -> an ImageResult body (request body read and discarded)
 */
import * as http from "node:http"

const HEALTH = Buffer.from(JSON.stringify({ status: "ok", version: "0.2.0", database: "ok", cache: "ok" }))
const IMAGE = Buffer.from(JSON.stringify({
  id: "img_01HBENCH",
  status: "completed",
  images: ["https://storage.googleapis.com/visgate/bench/0.png"],
  model: "fal-ai/flux/schnell",
  provider: "fal",
  cost: 0.003,
  cache_hit: false,
  latency_ms: 812,
  created_at: "2026-01-01T00:00:00Z",
  output_storage: "storage.googleapis.com",
  output_size_bytes: 123456
}))
const NOT_FOUND = Buffer.from(JSON.stringify({ error: "NOT_FOUND", message: "no such route" }))

const send = (res: http.ServerResponse, status: number, body: Buffer) => {
  res.writeHead(status, { "content-type": "application/json", "content-length": body.length })
  res.end(body)
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/api/v1/health") return send(res, 200, HEALTH)
  if (req.method === "POST" && req.url?.startsWith("/api/v1/images/generate")) {
    req.on("data", () => {})
    req.on("end", () => send(res, 200, IMAGE))
    return
  }
  send(res, 404, NOT_FOUND)
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  process.send?.({ port })
})

// Stops with its parent: on "stop", on disconnect, and at most after 15 minutes regardless.
const stop = () => server.close(() => process.exit(0))
process.on("message", (m) => {
  if (m === "stop") stop()
})
process.on("disconnect", stop)
setTimeout(() => process.exit(0), 15 * 60_000).unref()
