import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { decodeSse, parseSse, SseParser } from "../../src/internal/sse.js"

const bytes = (...parts: Array<string | Uint8Array>) =>
  Stream.fromIterable(parts.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : p)))

describe("SSE parser", () => {
  it("parses the Deploy API shape: event + one-line JSON data + blank line", () => {
    const events = parseSse(
      "event: status\ndata: {\"status\":\"validating\"}\n\nevent: status\ndata: {\"status\":\"ready\"}\n\n"
    )
    expect(events).toEqual([
      { event: "status", data: "{\"status\":\"validating\"}" },
      { event: "status", data: "{\"status\":\"ready\"}" }
    ])
  })

  it("defaults the event name to message and joins multi-line data with \\n", () => {
    expect(parseSse("data: line one\ndata: line two\ndata\ndata:no-space\n\n")).toEqual([
      { event: "message", data: "line one\nline two\n\nno-space" }
    ])
  })

  it("ignores comments and keepalives, and events without data", () => {
    const parser = new SseParser()
    const events = parser.push(": keepalive\n\n:ping\nevent: lonely\n\nevent: log\n: inside\ndata: x\n\n")
    expect(events).toEqual([{ event: "log", data: "x" }])
    expect(parser.comments).toBe(3)
  })

  it("accepts CRLF, CR and LF line endings", () => {
    expect(parseSse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n")).toEqual([
      { event: "a", data: "1" },
      { event: "b", data: "2" },
      { event: "c", data: "3" }
    ])
  })

  it("handles events split at every possible chunk boundary (including CR|LF)", () => {
    const text = "event: status\r\ndata: {\"a\":1}\r\n\r\n: ka\r\nevent: status\r\ndata: {\"a\":2}\r\n\r\n"
    const whole = parseSse(text)
    expect(whole.length).toBe(2)
    for (let i = 0; i <= text.length; i++) {
      const parser = new SseParser()
      const events = [...parser.push(text.slice(0, i)), ...parser.push(text.slice(i))]
      expect(events).toEqual(whole)
    }
    // one character at a time
    const parser = new SseParser()
    const events = text.split("").flatMap((c) => parser.push(c))
    expect(events).toEqual(whole)
  })

  it("keeps id sticky, reads retry, ignores unknown fields, drops a BOM", () => {
    expect(parseSse("\uFEFFid: 7\nretry: 3000\nfoo: bar\ndata: a\n\ndata: b\n\n")).toEqual([
      { event: "message", data: "a", id: "7", retry: 3000 },
      { event: "message", data: "b", id: "7" }
    ])
  })

  it("remembers retry: even in a block without data (no event dispatched)", () => {
    const parser = new SseParser()
    expect(parser.push("retry: 5000\n\n")).toEqual([])
    expect(parser.retryMs).toBe(5000)
    expect(parser.recognized).toBe(1)
  })

  it("discards an event not terminated by a blank line", () => {
    expect(parseSse("data: complete\n\ndata: partial\n")).toEqual([{ event: "message", data: "complete" }])
  })

  it.effect("decodes a byte stream, including a multi-byte character split across chunks", () =>
    Effect.gen(function*() {
      const encoded = new TextEncoder().encode("data: ünïcode ✓\n\n")
      const events = yield* Stream.runCollect(decodeSse(bytes(encoded.slice(0, 8), encoded.slice(8, 9), encoded.slice(9))))
      expect(Chunk.toReadonlyArray(events)).toEqual([{ event: "message", data: "ünïcode ✓" }])
    }))

  it.effect("counts no lines for a body that is not an event stream", () =>
    Effect.gen(function*() {
      const events = yield* Stream.runCollect(decodeSse(bytes("{\"detail\":\"Not Found\"}")))
      expect(Chunk.size(events)).toBe(0)
    }))
})
