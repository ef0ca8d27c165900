/**
 * The Promise client loads its logging and tracing module (`client/observed.ts`, a chunk of its
 * own in the bundle) only when asked: a client without `logLevel` or tracing never loads it.
 */
import { describe, expect, it, vi } from "vitest"
import { Client } from "../../src/index.js"

const loads = vi.hoisted(() => ({ count: 0 }))
vi.mock("../../src/client/observed.js", async (importOriginal) => {
  loads.count++
  return importOriginal()
})

const fetchOk = (async () =>
  new Response(JSON.stringify({ status: "ok" }), {
    status: 200,
    headers: { "content-type": "application/json" }
  })) as unknown as typeof globalThis.fetch

describe("client/observed.ts is loaded lazily", () => {
  it("not by a client without logLevel or tracing; once by one with them", async () => {
    const plain = new Client({ apiKey: "vg-k", baseUrl: "http://t.test/api/v1", fetch: fetchOk, logLevel: "off" })
    await plain.health()
    await plain.health()
    await plain.close()
    expect(loads.count).toBe(0)

    const lines: Array<string> = []
    const record = (line: string) => void lines.push(line)
    const logged = new Client({
      apiKey: "vg-k",
      baseUrl: "http://t.test/api/v1",
      fetch: fetchOk,
      logLevel: "debug",
      logger: { debug: record, info: record, warn: record, error: record }
    })
    await logged.health()
    await logged.health()
    await logged.close()
    expect(loads.count).toBe(1)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/GET \/health 200 in \d+ ms \(attempt 1\)/)
  })
})
