/**
 * The Promise client's `logLevel` / `logger` (and `VISGATE_LOG`): one line per attempt at debug,
 * retries at warn, failed calls at error; never a key, token, BYOK key, header or query string.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import { Client, ValidationError } from "../../src/index.js"

const KEY = "vg-log-secret-key-123"
const FAL = "fal-log-secret-456"
const TOKEN = "tok-log-secret-789"

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const IMAGE = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

/** A console-shaped logger that records every call. */
const recorder = () => {
  const lines: Array<{ level: string; args: Array<unknown> }> = []
  const at = (level: string) => (...args: Array<unknown>) => void lines.push({ level, args })
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } }
}

/** Answers 503 (Retry-After: 0) for the first `failures` calls, then `ok`. */
const flaky = (failures: number, ok: () => Response) => {
  let n = 0
  return (async () =>
    n++ < failures
      ? json({ error: "busy" }, 503, { "retry-after": "0", "x-request-id": `req-${n}` })
      : ok()) as unknown as typeof globalThis.fetch
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe("Client logging", () => {
  it("off by default: the logger is never called, even on retries and failures", async () => {
    const { lines, logger } = recorder()
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", logger, fetch: flaky(1, () => json({}, 404)) })
    await expect(client.health()).rejects.toThrow()
    expect(lines).toEqual([])
    await client.close()
  })

  it("debug: one line per attempt with method, path, status, ms and the retry delay", async () => {
    const { lines, logger } = recorder()
    const client = new Client({
      apiKey: KEY,
      falKey: FAL,
      baseUrl: "http://t.test/api/v1",
      logLevel: "debug",
      logger,
      fetch: flaky(2, () => json(IMAGE, 200, { "x-request-id": "req-ok" }))
    })
    await client.images.generate("fal-ai/flux/schnell", "a cat")
    expect(lines.map((l) => l.level)).toEqual(["warn", "warn", "debug"])
    const [first, , last] = lines.map((l) => l.args[0] as string)
    expect(first).toMatch(/^\[@visgate_ai\/client\] POST \/images\/generate 503 in \d+ ms \(attempt 1\) request req-1; retrying in 0 ms$/)
    expect(last).toMatch(/POST \/images\/generate 200 in \d+ ms \(attempt 3\) request req-ok$/)
    expect(lines[2]!.args[1]).toMatchObject({
      "visgate.method": "POST",
      "visgate.path": "/images/generate",
      "visgate.status": 200,
      "visgate.attempt": 3,
      "visgate.request_id": "req-ok"
    })
    expect(lines[0]!.args[1]).toMatchObject({ "visgate.retry_in_ms": 0, "visgate.status": 503 })
    await client.close()
  })

  it("warn: retries only; error: the failed call", async () => {
    const warn = recorder()
    const a = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", logLevel: "warn", logger: warn.logger, fetch: flaky(1, () => json({ status: "ok" })) })
    await a.health()
    expect(warn.lines.map((l) => l.level)).toEqual(["warn"])
    await a.close()

    const error = recorder()
    const b = new Client({
      apiKey: KEY,
      baseUrl: "http://t.test/api/v1",
      logLevel: "error",
      logger: error.logger,
      maxRetries: 1,
      fetch: flaky(5, () => json({}))
    })
    await expect(b.health()).rejects.toThrow()
    expect(error.lines.map((l) => l.level)).toEqual(["error"])
    expect(error.lines[0]!.args[0]).toMatch(/ProviderError|VisgateError|Error: /)
    expect(error.lines[0]!.args[1]).toMatchObject({ "visgate.status": 503 })
    await b.close()
  })

  it("never logs keys, BYOK keys, getToken values, headers or query strings", async () => {
    const { lines, logger } = recorder()
    const client = new Client({
      apiKey: KEY,
      falKey: FAL,
      replicateKey: "r8-log-secret",
      getToken: () => TOKEN,
      baseUrl: "http://t.test/api/v1",
      logLevel: "debug",
      logger,
      fetch: flaky(1, () => json({ data: [], models: [], total: 0 }))
    })
    await client.models.list({ search: "query-secret-value" } as never).catch(() => undefined)
    await client.usage.logs({ limit: 3 } as never).catch(() => undefined)
    const text = JSON.stringify(lines)
    expect(lines.length).toBeGreaterThan(0)
    for (const secret of [KEY, FAL, TOKEN, "r8-log-secret", "query-secret-value", "Bearer", "limit=3"]) {
      expect(text).not.toContain(secret)
    }
    await client.close()
  })

  it("VISGATE_LOG sets the level; the option wins; a bad level is a ValidationError", async () => {
    vi.stubEnv("VISGATE_LOG", "debug")
    const { lines, logger } = recorder()
    const client = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", logger, fetch: flaky(0, () => json({ status: "ok" })) })
    await client.health()
    expect(lines.map((l) => l.level)).toEqual(["debug"])
    const quiet = new Client({ apiKey: KEY, baseUrl: "http://t.test/api/v1", logger, logLevel: "off", fetch: flaky(0, () => json({ status: "ok" })) })
    await quiet.health()
    expect(lines).toHaveLength(1)
    expect(() => new Client({ apiKey: KEY, logLevel: "verbose" as never })).toThrow(ValidationError)
    expect(() => new Client({ apiKey: KEY, logger: { info: () => {} } as never })).toThrow(ValidationError)
    await client.close()
    await quiet.close()
  })

  it("a throwing logger never fails the call", async () => {
    const boom = () => {
      throw new Error("logger broke")
    }
    const client = new Client({
      apiKey: KEY,
      baseUrl: "http://t.test/api/v1",
      logLevel: "debug",
      logger: { debug: boom, info: boom, warn: boom, error: boom },
      fetch: flaky(0, () => json({ status: "ok" }))
    })
    await expect(client.health()).resolves.toMatchObject({ status: "ok" })
    await client.close()
  })
})
