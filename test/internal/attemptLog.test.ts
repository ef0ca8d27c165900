/**
 * Effect users get the core's attempt lines through Effect's own `Logger`: `Debug` per attempt,
 * `Warning` for a retried one, with `visgate.*` annotations; below the fiber's minimum level
 * nothing is logged.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { attemptMessage } from "../../src/internal/attemptLog.js"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import { Health } from "../../src/services/Health.js"

const capture = () => {
  const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    lines.push({
      level: logLevel.label,
      message: String(Array.isArray(message) ? message[0] : message),
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

let n = 0
const fetch = (async () =>
  n++ === 0
    ? new Response("{}", { status: 503, headers: { "retry-after": "0" } })
    : new Response(JSON.stringify({ status: "ok" }), { headers: { "content-type": "application/json" } })) as unknown as typeof globalThis.fetch

describe("attempt log lines", () => {
  it("formats method, path, status, ms, attempt and retry delay", () => {
    expect(attemptMessage({ method: "GET", path: "/health", status: 503, durationMs: 12, attempt: 1, retryInMs: 480 }))
      .toBe("GET /health 503 in 12 ms (attempt 1); retrying in 480 ms")
  })

  it.live("go to Effect's Logger with annotations, at the fiber's minimum level", () =>
    Effect.gen(function*() {
      const { layer, lines } = capture()
      const layers = VisgateLayer.layerFetch({ apiKey: "vg-secret-key", baseUrl: "http://t.test/api/v1", fetch })
      n = 0
      yield* Effect.flatMap(Health, (h) => h.check()).pipe(
        Effect.provide(layers),
        Effect.provide(layer),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      expect(lines.map((l) => l.level)).toEqual(["WARN", "DEBUG"])
      expect(lines[0]!.message).toMatch(/^GET \/health 503 in \d+ ms \(attempt 1\); retrying in 0 ms$/)
      expect(lines[1]!.annotations).toMatchObject({ "visgate.method": "GET", "visgate.path": "/health", "visgate.status": 200 })
      expect(JSON.stringify(lines)).not.toContain("vg-secret-key")

      // At the default minimum level (Info) only the retry's warning shows.
      lines.length = 0
      n = 0
      yield* Effect.flatMap(Health, (h) => h.check()).pipe(Effect.provide(layers), Effect.provide(layer))
      expect(lines.map((l) => l.level)).toEqual(["WARN"])
    }))
})
