/**
 * A server-sent events parser for `fetch` bodies (the browser `EventSource` cannot send the
 * auth header). Follows the WHATWG event-stream rules: UTF-8 (split multi-byte sequences are
 * fine), lines end in CRLF, LF or CR (also when the CR and LF arrive in different chunks), a
 * leading BOM is dropped, lines starting with `:` are comments (keepalives), `data:` lines are
 * joined with `\n`, a blank line dispatches the event, a field without a colon has an empty
 * value, one space after the colon is dropped, and an event not terminated by a blank line when
 * the stream ends is discarded. Work is linear in the input (no chunk rescans earlier ones) and
 * memory is capped: a line, or an event's fields together, longer than `maxEventChars` (1 Mi
 * UTF-16 code units by default) fails instead of growing without end.
 *
 * @internal
 */
import * as Stream from "effect/Stream"
import { DecodeError } from "../schemas/Errors.js"

/** One dispatched event. */
export interface SseEvent {
  /** `event:` field; `"message"` when absent. */
  readonly event: string
  /** The `data:` lines joined with `\n`. */
  readonly data: string
  /** The last `id:` seen (sticky across events, per the spec), if any. */
  readonly id?: string
  /** `retry:` in ms, when this event carried one. */
  readonly retry?: number
}

/** Default cap on one line, and on one event's fields together, in UTF-16 code units (1 Mi). */
export const DEFAULT_MAX_EVENT_CHARS = 1024 * 1024

/** Parser options. */
export interface SseParserOptions {
  /** Cap on one line and on one event's fields together (UTF-16 code units). Default 1 Mi. */
  readonly maxEventChars?: number
}

/**
 * An incremental parser: feed text, get the events completed by it. Linear in the input: each
 * character is scanned once for line ends (the unfinished line is appended to, never rescanned),
 * and memory is bounded by `maxEventChars`: past it, `exceeded` is set, what the parser held is
 * released and further input is ignored.
 */
export class SseParser {
  readonly maxEventChars: number
  /** The line not yet ended (appended to; engines keep repeated appends linear). */
  #pending = ""
  #pendingCr = false
  #started = false
  #event = ""
  #data: Array<string> = []
  /** Characters held by the event being built (`event:` + `data:` values). */
  #eventLength = 0
  #lastId: string | undefined = undefined
  #retry: number | undefined = undefined
  /** Comment lines seen (keepalives); exposed for diagnostics and tests. */
  comments = 0
  /** The last `retry:` value (ms), sticky, whether or not an event was dispatched with it. */
  retryMs: number | undefined = undefined
  /** Lines seen in total. */
  lines = 0
  /** Lines that were a comment or a known field; a body with none is not an event stream. */
  recognized = 0
  /** Characters examined for line ends, in total (equals the input length: nothing is rescanned). */
  scanned = 0
  /** Set when a line, or one event's fields together, grew past `maxEventChars`. */
  exceeded: "line" | "event" | undefined = undefined

  constructor(options: SseParserOptions = {}) {
    this.maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS
  }

  /** Parses a chunk of text; returns the events it completed (until the cap is exceeded). */
  push(text: string): Array<SseEvent> {
    const events: Array<SseEvent> = []
    if (this.exceeded !== undefined) return events
    let chunk = text
    if (!this.#started && chunk !== "") {
      this.#started = true
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
    }
    // A CR at the end of the previous chunk already ended a line; a LF right after it is the
    // second half of a CRLF, not an empty line.
    let start = this.#pendingCr && chunk.charCodeAt(0) === 10 ? 1 : 0
    if (chunk !== "") this.#pendingCr = false
    const n = chunk.length
    this.scanned += n - start
    for (let i = start; i < n; i++) {
      const c = chunk.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      this.#pending += chunk.slice(start, i)
      if (this.#pending.length > this.maxEventChars) return this.#exceed("line", events)
      this.#line(this.#pending, events)
      this.#pending = ""
      if (this.exceeded !== undefined) return events
      if (c === 13) {
        if (i + 1 < n) {
          if (chunk.charCodeAt(i + 1) === 10) i++
        } else {
          this.#pendingCr = true
        }
      }
      start = i + 1
    }
    this.#pending += chunk.slice(start)
    return this.#pending.length > this.maxEventChars ? this.#exceed("line", events) : events
  }

  #exceed(what: "line" | "event", events: Array<SseEvent>): Array<SseEvent> {
    this.exceeded = what
    this.#pending = ""
    this.#data = []
    return events
  }

  #line(line: string, events: Array<SseEvent>): void {
    this.lines++
    if (line === "") {
      if (this.#data.length > 0) {
        events.push({
          event: this.#event === "" ? "message" : this.#event,
          data: this.#data.join("\n"),
          ...(this.#lastId !== undefined ? { id: this.#lastId } : {}),
          ...(this.#retry !== undefined ? { retry: this.#retry } : {})
        })
      }
      this.#event = ""
      this.#data = []
      this.#eventLength = 0
      this.#retry = undefined
      return
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.comments++
      this.recognized++
      return
    }
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (field === "event" || field === "data" || field === "id" || field === "retry") this.recognized++
    switch (field) {
      case "event":
        this.#eventLength += value.length - this.#event.length
        this.#event = value
        break
      case "data":
        this.#eventLength += value.length + 1
        this.#data.push(value)
        break
      case "id":
        if (!value.includes("\u0000")) this.#lastId = value
        break
      case "retry":
        if (/^\d+$/.test(value)) this.#retry = this.retryMs = Number(value)
        break
      default:
        // unknown fields are ignored
        break
    }
    if (this.#eventLength > this.maxEventChars) this.#exceed("event", events)
  }
}

/** Options of {@link decodeSse}. */
export interface DecodeSseOptions {
  /** `METHOD /path` of the stream, for the `DecodeError` raised past the cap. */
  readonly endpoint?: string
}

/**
 * Bytes to events: a `Stream` combinator over a response body. Pass a `parser` to inspect it
 * afterwards (e.g. `recognized === 0`: the body was not an event stream), or to set its cap. A
 * line or an event longer than the parser's `maxEventChars` fails the stream with a
 * `DecodeError` (`errorCode` `SSE_EVENT_TOO_LARGE`) instead of buffering without end.
 */
export const decodeSse = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  parser?: SseParser,
  options: DecodeSseOptions = {}
): Stream.Stream<SseEvent, E | DecodeError, R> =>
  Stream.suspend(() => {
    const p = parser ?? new SseParser()
    // Sequential and effect-free on purpose (`mapEffect` and its variants weigh on the browser
    // bundle): once the cap is exceeded, the next chunk is not parsed and the stream fails.
    return bytes.pipe(
      Stream.decodeText("utf-8"),
      Stream.takeWhile(() => p.exceeded === undefined),
      Stream.mapConcat((text) => p.push(text)),
      Stream.concat(
        Stream.suspend(() => {
          const what = p.exceeded
          if (what === undefined) return Stream.empty
          const endpoint = options.endpoint ?? "event stream"
          const limit = p.maxEventChars
          return Stream.fail(
            new DecodeError({
              message: `${endpoint}: an SSE ${what} over ${limit} characters`,
              errorCode: "SSE_EVENT_TOO_LARGE",
              endpoint,
              details: { limit, what }
            })
          )
        })
      )
    )
  })

/** Parses a whole body at once (tests, fixtures); check `exceeded` on a parser for the cap. */
export const parseSse = (text: string, options?: SseParserOptions): Array<SseEvent> => new SseParser(options).push(text)
