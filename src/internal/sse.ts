/**
 * A server-sent events parser for `fetch` bodies (the browser `EventSource` cannot send the
 * auth header). Follows the WHATWG event-stream rules: UTF-8 (split multi-byte sequences are
 * fine), lines end in CRLF, LF or CR (also when the CR and LF arrive in different chunks), a
 * leading BOM is dropped, lines starting with `:` are comments (keepalives), `data:` lines are
 * joined with `\n`, a blank line dispatches the event, a field without a colon has an empty
 * value, one space after the colon is dropped, and an event not terminated by a blank line when
 * the stream ends is discarded.
 *
 * @internal
 */
import * as Stream from "effect/Stream"

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

/** An incremental parser: feed text, get the events completed by it. */
export class SseParser {
  #buffer = ""
  #pendingCr = false
  #started = false
  #event = ""
  #data: Array<string> = []
  #hasData = false
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

  /** Parses a chunk of text; returns the events it completed. */
  push(text: string): Array<SseEvent> {
    if (text.length === 0) return []
    let chunk = text
    if (!this.#started && chunk.length > 0) {
      this.#started = true
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
    }
    // A CR at the end of the previous chunk already ended a line; a LF right after it is the
    // second half of a CRLF, not an empty line.
    if (this.#pendingCr && chunk.startsWith("\n")) chunk = chunk.slice(1)
    this.#pendingCr = false
    const events: Array<SseEvent> = []
    let all = this.#buffer + chunk
    let start = 0
    for (let i = 0; i < all.length; i++) {
      const c = all.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      this.#line(all.slice(start, i), events)
      if (c === 13) {
        if (i + 1 < all.length) {
          if (all.charCodeAt(i + 1) === 10) i++
        } else {
          this.#pendingCr = true
        }
      }
      start = i + 1
    }
    all = all.slice(start)
    this.#buffer = all
    return events
  }

  #line(line: string, events: Array<SseEvent>): void {
    this.lines++
    if (line === "") {
      if (this.#hasData) {
        events.push({
          event: this.#event === "" ? "message" : this.#event,
          data: this.#data.join("\n"),
          ...(this.#lastId !== undefined ? { id: this.#lastId } : {}),
          ...(this.#retry !== undefined ? { retry: this.#retry } : {})
        })
      }
      this.#event = ""
      this.#data = []
      this.#hasData = false
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
        this.#event = value
        break
      case "data":
        this.#data.push(value)
        this.#hasData = true
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
  }
}

/**
 * Bytes to events: a `Stream` combinator over a response body. Pass a `parser` to inspect it
 * afterwards (e.g. `recognized === 0`: the body was not an event stream).
 */
export const decodeSse = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  parser?: SseParser
): Stream.Stream<SseEvent, E, R> =>
  Stream.suspend(() => {
    const p = parser ?? new SseParser()
    return bytes.pipe(
      Stream.decodeText("utf-8"),
      Stream.mapConcat((text) => p.push(text))
    )
  })

/** Parses a whole body at once (tests, fixtures). */
export const parseSse = (text: string): Array<SseEvent> => new SseParser().push(text)
