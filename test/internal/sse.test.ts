import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Stream from "effect/Stream"
import { decodeSse, DEFAULT_MAX_EVENT_CHARS, parseSse, type SseEvent, SseParser } from "../../src/internal/sse.js"

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
      const events = yield* Stream.runCollect(
        decodeSse(bytes(encoded.slice(0, 8), encoded.slice(8, 9), encoded.slice(9)))
      )
      expect(Chunk.toReadonlyArray(events)).toEqual([{ event: "message", data: "ünïcode ✓" }])
    }))

  it.effect("counts no lines for a body that is not an event stream", () =>
    Effect.gen(function*() {
      const events = yield* Stream.runCollect(decodeSse(bytes("{\"detail\":\"Not Found\"}")))
      expect(Chunk.size(events)).toBe(0)
    }))
})

/**
 * An independent, whole-text reference parser (split on every line end, then the field rules):
 * chunked parsing must agree with it.
 */
const reference = (text: string): Array<SseEvent> => {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text
  const lines = body.split(/\r\n|\r|\n/)
  lines.pop() // what follows the last line end is an unfinished line
  const out: Array<SseEvent> = []
  let event = ""
  let data: Array<string> | undefined
  let id: string | undefined
  let retry: number | undefined
  for (const line of lines) {
    if (line === "") {
      if (data !== undefined) {
        out.push({
          event: event || "message",
          data: data.join("\n"),
          ...(id !== undefined ? { id } : {}),
          ...(retry !== undefined ? { retry } : {})
        })
      }
      event = ""
      data = undefined
      retry = undefined
      continue
    }
    if (line.startsWith(":")) continue
    const m = /^([^:]*)(?::(.*))?$/s.exec(line)!
    const field = m[1]!
    const value = (m[2] ?? "").replace(/^ /, "")
    if (field === "event") event = value
    else if (field === "data") (data ??= []).push(value)
    else if (field === "id" && !value.includes("\u0000")) id = value
    else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value)
  }
  return out
}

const lineArb = FastCheck.record({
  field: FastCheck.constantFrom("data", "data", "event", "id", "retry", "foo", ":", ""),
  sep: FastCheck.constantFrom(":", ": ", ":  ", ""),
  value: FastCheck.stringMatching(/^[a-z0-9 :é✓😀\u0000]{0,8}$/u),
  eol: FastCheck.constantFrom("\n", "\r", "\r\n")
})
const streamArb = FastCheck.tuple(FastCheck.boolean(), FastCheck.array(lineArb, { maxLength: 25 })).map((
  [bom, lines]
) => (bom ? "\uFEFF" : "") + lines.map((l) => l.field + (l.field === "" ? "" : l.sep) + l.value + l.eol).join(""))
const splitAt = (text: string, cuts: ReadonlyArray<number>): Array<string> => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  const out: Array<string> = []
  let last = 0
  for (const p of points) {
    out.push(text.slice(last, p))
    last = p
  }
  out.push(text.slice(last))
  return out
}

describe("SSE parser: chunking (property)", () => {
  it("agrees with the reference parser, whole and split at every single position", () => {
    FastCheck.assert(
      FastCheck.property(streamArb, (text) => {
        const whole = parseSse(text)
        expect(whole).toEqual(reference(text))
        for (let i = 0; i <= text.length; i++) {
          const parser = new SseParser()
          expect([...parser.push(text.slice(0, i)), ...parser.push(text.slice(i))]).toEqual(whole)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("agrees with the reference parser for any chunking, including one character at a time", () => {
    FastCheck.assert(
      FastCheck.property(streamArb, FastCheck.array(FastCheck.nat(), { maxLength: 30 }), (text, cuts) => {
        const parser = new SseParser()
        expect(splitAt(text, cuts).flatMap((c) => parser.push(c))).toEqual(reference(text))
        const single = new SseParser()
        expect(text.split("").flatMap((c) => single.push(c))).toEqual(reference(text))
        expect(parser.scanned).toBeLessThanOrEqual(text.length)
      }),
      { numRuns: 300 }
    )
  })

  it("decodes bytes split anywhere, including inside multi-byte characters", () => {
    FastCheck.assert(
      FastCheck.property(streamArb, FastCheck.array(FastCheck.nat(), { maxLength: 12 }), (text, cuts) => {
        const encoded = new TextEncoder().encode(text)
        const points = [...new Set(cuts.map((c) => c % (encoded.length + 1)))].sort((a, b) => a - b)
        const parts: Array<Uint8Array> = []
        let last = 0
        for (const p of [...points, encoded.length]) {
          parts.push(encoded.slice(last, p))
          last = p
        }
        const events = Effect.runSync(Stream.runCollect(decodeSse(bytes(...parts))))
        expect(Chunk.toReadonlyArray(events)).toEqual(reference(text))
      }),
      { numRuns: 200 }
    )
  })
})

describe("SSE parser: hostile sizes", () => {
  it("scans each character once: a 4 Mi-character line in 1 KiB chunks costs its length, not its length squared", () => {
    const parser = new SseParser({ maxEventChars: 8 * 1024 * 1024 })
    const piece = "x".repeat(1024)
    const events: Array<SseEvent> = [...parser.push("data: ")]
    for (let i = 0; i < 4096; i++) events.push(...parser.push(piece))
    events.push(...parser.push("\n\n"))
    expect(events).toHaveLength(1)
    expect(events[0]!.data.length).toBe(4 * 1024 * 1024)
    // Every character of the input examined exactly once for line ends.
    expect(parser.scanned).toBe(6 + 4 * 1024 * 1024 + 2)
  })

  it("accepts a line of exactly the cap and refuses one character more", () => {
    const line = "data: " + "y".repeat(94)
    const ok = new SseParser({ maxEventChars: 100 })
    expect(ok.push(line + "\n\n")).toEqual([{ event: "message", data: "y".repeat(94) }])
    expect(ok.exceeded).toBeUndefined()
    const over = new SseParser({ maxEventChars: 100 })
    expect(over.push("data: a\n\n" + line + "y\n\ndata: b\n\n")).toEqual([{ event: "message", data: "a" }])
    expect(over.exceeded).toBe("line")
    // nothing more is parsed afterwards
    expect(over.push("data: c\n\n")).toEqual([])
    // also when the line arrives in pieces and never ends
    const pieces = new SseParser({ maxEventChars: 100 })
    expect(pieces.push(line)).toEqual([])
    expect(pieces.exceeded).toBeUndefined()
    expect(pieces.push("y")).toEqual([])
    expect(pieces.exceeded).toBe("line")
  })

  it("caps an event's data lines together, and starts counting afresh after each event", () => {
    const lines = (n: number) => "data: 0123456789\n".repeat(n)
    // 9 lines of 10 characters plus their joins: 99 characters, under a cap of 100
    const parser = new SseParser({ maxEventChars: 100 })
    for (let i = 0; i < 5; i++) expect(parser.push(lines(9) + "\n")).toHaveLength(1)
    expect(parser.exceeded).toBeUndefined()
    expect(parser.push(lines(10) + "\n")).toEqual([])
    expect(parser.exceeded).toBe("event")
  })

  it("defaults the cap to 1 Mi characters", () => {
    expect(new SseParser().maxEventChars).toBe(DEFAULT_MAX_EVENT_CHARS)
    expect(DEFAULT_MAX_EVENT_CHARS).toBe(1024 * 1024)
  })

  it.effect("events completed before the cap are delivered, then the stream fails", () =>
    Effect.gen(function*() {
      const seen: Array<SseEvent> = []
      const result = yield* Stream.runForEach(
        decodeSse(
          bytes("data: a\n\n", "data: b\n\n", "data: " + "c".repeat(200)),
          new SseParser({ maxEventChars: 100 })
        ),
        (event) => Effect.sync(() => seen.push(event))
      ).pipe(Effect.either)
      expect(seen).toEqual([{ event: "message", data: "a" }, { event: "message", data: "b" }])
      expect(result).toMatchObject({
        _tag: "Left",
        left: { _tag: "DecodeError", errorCode: "SSE_EVENT_TOO_LARGE", endpoint: "event stream" }
      })
    }))

  it.effect("an endless line fails the stream with a typed DecodeError after about the cap, not never", () =>
    Effect.gen(function*() {
      let pulled = 0
      const endless = Stream.repeatValue(new TextEncoder().encode("z".repeat(1024))).pipe(
        Stream.tap(() => Effect.sync(() => pulled++))
      )
      const result = yield* Stream.runDrain(
        decodeSse(Stream.concat(bytes("data: "), endless), undefined, { endpoint: "GET /deployments/d/stream" })
      ).pipe(
        Effect.either
      )
      expect(Either.isLeft(result)).toBe(true)
      const error = Either.isLeft(result) ? result.left : undefined
      expect(error).toMatchObject({
        _tag: "DecodeError",
        errorCode: "SSE_EVENT_TOO_LARGE",
        endpoint: "GET /deployments/d/stream",
        details: { limit: DEFAULT_MAX_EVENT_CHARS, what: "line" }
      })
      // What was read before failing is bounded by the cap (plus chunking slack).
      expect(pulled).toBeLessThanOrEqual(DEFAULT_MAX_EVENT_CHARS / 1024 + 16)
      expect(pulled).toBeGreaterThanOrEqual(DEFAULT_MAX_EVENT_CHARS / 1024 - 16)
    }))
})
