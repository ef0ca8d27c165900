/**
 * A reconnecting server-sent events stream: the connect, decode, decide, reconnect loop behind
 * `DeploymentWatch.watch` and `DeploymentWatch.logs`, written once.
 *
 * One connection: `open` (the core client's `stream`, so opening is retried like any call), the
 * body read by {@link decodeSse}, each event handed to `step` with the state so far. `step` says
 * what to emit, whether the event was news, and whether the stream is complete (then reading
 * stops and nothing reconnects). A body cut off mid-stream (`ConnectionError`) is a drop, like a
 * clean close.
 *
 * When a connection ends before `step` said stop:
 *
 * - A body without a single SSE line (JSON, HTML, empty) means the server offers no event stream
 *   here: the `fallback` when there is one; without one, on the first connection, `VisgateError`
 *   `SSE_UNAVAILABLE`; on a later connection it counts as a drop.
 * - Otherwise it is a drop. Drops in a row count up; a connection that brought news (`fresh`)
 *   counts as the first again. Past `maxReconnects` in a row: the `fallback`, or `VisgateError`
 *   `STREAM_DROPPED`. Else, after the connection's `retry:` (or `reconnectDelay`), the next
 *   connection starts with the state where the last one left it. No `Last-Event-ID` is sent: the
 *   server sends no `id:` (reference §3.9); `step` skips what a replay repeats.
 *
 * Opening fails with 404, 405, 406 or 501 (no stream route here): the `fallback` when there is
 * one. Any other failure to open, a failed `step` or a failed `fallback` ends the stream with that
 * error.
 *
 * The state is a value threaded through the events of each connection and handed to the next
 * (a channel loop, the way `Stream.mapAccum` is written): no mutable cell. The SSE parser, one per
 * connection, is the only stateful piece; it is read once its connection has ended.
 *
 * @internal
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type VisgateApiError, VisgateError } from "../schemas/Errors.js"
import { decodeSse, type SseEvent, SseParser } from "./sse.js"
import { unwrap } from "./stream.js"

/** What `step` decided about one event. */
export interface Step<S, A> {
  /** The state for the next event, and for the next connection. */
  readonly state: S
  /** The element to emit, if any. */
  readonly emit?: A | undefined
  /** The event was news: drops in a row count from one again after this connection. */
  readonly fresh?: boolean | undefined
  /** The stream is complete: stop reading (after emitting `emit`), do not reconnect. */
  readonly stop?: boolean | undefined
}

/** What the loop needs to know about one event stream. */
export interface ReconnectingSse<S, A, E, R> {
  /** Opens one connection: the response body, or the failure to open it. */
  readonly open: Effect.Effect<Stream.Stream<Uint8Array, VisgateApiError>, VisgateApiError>
  /** Names the stream in `STREAM_DROPPED`, e.g. `status stream of deployment dep_1`. */
  readonly name: string
  /** Names the route in `SSE_UNAVAILABLE`, e.g. `GET /deployments/dep_1/logs/stream`. */
  readonly endpoint: string
  /** The state before the first event. */
  readonly initial: S
  /** Decides about one event, given the state so far. A failure ends the stream. */
  readonly step: (state: S, event: SseEvent) => Effect.Effect<Step<S, A>, E, R>
  /** Drops in a row before giving up (default 3). */
  readonly maxReconnects?: number | undefined
  /** Wait before reconnecting when the connection sent no `retry:` (default 1 s). */
  readonly reconnectDelay?: Duration.DurationInput | undefined
  /** Replaces the event stream where the server offers none, or after too many drops. */
  readonly fallback?: Stream.Stream<A, E, R> | undefined
}

/** Where one connection left off (`undefined` once `step` said stop). */
interface Left<S> {
  readonly state: S
  /** Some event of this connection was news. */
  readonly fresh: boolean
}

/** Statuses of the stream route that mean "no event stream here". */
const NO_SSE_STATUSES: ReadonlySet<number> = new Set([404, 405, 406, 501])

const fail = (message: string, errorCode: string): Stream.Stream<never, VisgateError> =>
  Stream.fail(new VisgateError({ message, errorCode }))

/** The loop described in the module comment. */
export const reconnectingSse = <S, A, E, R>(
  options: ReconnectingSse<S, A, E, R>
): Stream.Stream<A, E | VisgateApiError, R> => {
  const { endpoint, fallback, name, step } = options
  const maxReconnects = Math.max(0, options.maxReconnects ?? 3)
  const reconnectDelay = Duration.decode(options.reconnectDelay ?? "1 second")
  type Out = Stream.Stream<A, E | VisgateApiError, R>
  type Reader = Channel.Channel<
    Chunk.Chunk<A>,
    Chunk.Chunk<SseEvent>,
    E | VisgateApiError,
    VisgateApiError,
    Left<S> | undefined,
    unknown,
    R
  >

  /** Reads events until the body ends (finishes with where it left off) or `step` says stop. */
  const read = (left: Left<S>): Reader =>
    Channel.readWith({
      onInput: (events: Chunk.Chunk<SseEvent>) => each(left, Chunk.toReadonlyArray(events), 0),
      onFailure: Channel.fail,
      onDone: () => Channel.succeed(left)
    })

  const each = (left: Left<S>, events: ReadonlyArray<SseEvent>, i: number): Reader =>
    i === events.length ? read(left) : Channel.unwrap(Effect.map(step(left.state, events[i]!), (out): Reader => {
      const rest = out.stop === true
        ? Channel.succeed(undefined)
        : each({ state: out.state, fresh: left.fresh || out.fresh === true }, events, i + 1)
      return out.emit === undefined ? rest : Channel.zipRight(Channel.write(Chunk.of(out.emit)), rest)
    }))

  const connect = (state: S, drops: number): Out =>
    unwrap(Effect.match(options.open, {
      onFailure: (error): Out =>
        fallback !== undefined && error.statusCode !== undefined && NO_SSE_STATUSES.has(error.statusCode)
          ? fallback
          : Stream.fail(error),
      onSuccess: (body) => {
        const parser = new SseParser()
        // A body cut off mid-stream is a drop, handled like a clean close.
        const events = decodeSse(Stream.catchTag(body, "ConnectionError", () => Stream.empty), parser)
        const left = Channel.pipeTo(Stream.toChannel(events), read({ state, fresh: false }))
        return Stream.fromChannel(Channel.flatMap(left, (end) => Stream.toChannel(after(end, parser, drops))))
      }
    }))

  /** After a connection ended: done, the fallback, a failure, or the next connection. */
  const after = (left: Left<S> | undefined, parser: SseParser, drops: number): Out => {
    if (left === undefined) return Stream.empty
    if (parser.recognized === 0) {
      if (fallback !== undefined) return fallback
      if (drops === 0) return fail(`${endpoint} did not answer with an event stream`, "SSE_UNAVAILABLE")
    }
    const inRow = left.fresh ? 1 : drops + 1
    if (inRow > maxReconnects) return fallback ?? fail(`The ${name} dropped ${inRow} times in a row`, "STREAM_DROPPED")
    const delay = parser.retryMs !== undefined ? Duration.millis(parser.retryMs) : reconnectDelay
    return unwrap(Effect.as(Effect.sleep(delay), connect(left.state, inRow)))
  }

  return connect(options.initial, 0)
}
