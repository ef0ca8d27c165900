/** Response bodies for server-sent event tests. */
import * as Effect from "effect/Effect"
import type * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"

export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" }

export const statusEvent = (status: string, extra: Record<string, unknown> = {}) =>
  `event: status\ndata: ${
    JSON.stringify({
      deployment_id: "dep_1",
      status,
      endpoint_url: status === "ready" ? "https://api.runpod.ai/v2/abc/run" : null,
      error: null,
      estimated_remaining_seconds: status === "ready" ? 0 : 60,
      timestamp: "2026-02-20T10:00:00Z",
      ...extra
    })
  }\n\n`

/** A body that sends `chunks` then closes (or errors, like a reset connection). */
export const chunkedBody = (chunks: ReadonlyArray<string>, end: "close" | "error" = "close") => {
  const encoder = new TextEncoder()
  let i = 0
  // One chunk per pull, so every chunk is read before the end (an error drops queued chunks).
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]!))
      else if (end === "close") controller.close()
      else controller.error(new Error("connection reset"))
    }
  }, { highWaterMark: 0 })
}

export const sseResponse = (chunks: ReadonlyArray<string>, end: "close" | "error" = "close") =>
  new Response(chunkedBody(chunks, end), { status: 200, headers: sseHeaders })

/**
 * A body whose chunks are sent at given (Test)Clock times, relative to when the response is
 * opened: `[[delayMs, text], ...]`, run on `runtime` so `Effect.sleep` follows the TestClock.
 */
export const timedBody = <R>(
  runtime: Runtime.Runtime<R>,
  schedule: ReadonlyArray<readonly [number, string]>
): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let previous = 0
  const stream = Stream.fromIterable(schedule).pipe(
    Stream.mapEffect(([at, text]) => {
      const wait = at - previous
      previous = at
      return Effect.as(Effect.sleep(wait), encoder.encode(text))
    })
  )
  return Stream.toReadableStreamRuntime(stream, runtime)
}
