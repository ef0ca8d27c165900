/**
 * Server-sent event streams of the fake. A stream is described by an `SseSource` that is
 * polled with the current time; each transport drives the polling with its own clock
 * (real timers for `fetch` and the server, Effect's `Clock` for the Effect layer).
 */

export interface SsePoll {
  /** Already formatted SSE text to send now (may be empty). */
  readonly chunks: ReadonlyArray<string>
  /** The stream ends after these chunks. */
  readonly done: boolean
}

export interface SseSource {
  poll(now: number): SsePoll
}

/** Builds the response body for an SSE source. */
export type SseDriver = (source: SseSource) => ReadableStream<Uint8Array>

/** `event: <name>\ndata: <one-line JSON>\n\n` */
export const sseEvent = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export interface TimerSseOptions {
  readonly now: () => number
  readonly pollMs: number
  /** Interval of `: keepalive` comments; 0 or absent: none. */
  readonly keepaliveMs?: number
  readonly signal?: AbortSignal | null
  /** Lets the fake wake the stream at once (for `fake.advance`). Returns an unsubscribe function. */
  readonly subscribe?: (wake: () => void) => () => void
}

/** An SSE body driven by real timers. Stops when cancelled, when `signal` aborts, or when done. */
export const timerSseStream = (source: SseSource, options: TimerSseOptions): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let timer: ReturnType<typeof setTimeout> | undefined
  let keepalive: ReturnType<typeof setInterval> | undefined
  let unsubscribe: (() => void) | undefined
  let finished = false
  let onAbort: (() => void) | undefined

  const cleanup = () => {
    finished = true
    if (timer !== undefined) clearTimeout(timer)
    if (keepalive !== undefined) clearInterval(keepalive)
    unsubscribe?.()
    if (onAbort) options.signal?.removeEventListener("abort", onAbort)
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const tick = () => {
        if (finished) return
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
        let result: SsePoll
        try {
          result = source.poll(options.now())
        } catch (error) {
          cleanup()
          controller.error(error)
          return
        }
        for (const chunk of result.chunks) controller.enqueue(encoder.encode(chunk))
        if (result.done) {
          cleanup()
          controller.close()
          return
        }
        timer = setTimeout(tick, options.pollMs)
      }
      if (options.signal) {
        if (options.signal.aborted) {
          cleanup()
          controller.close()
          return
        }
        onAbort = () => {
          if (finished) return
          cleanup()
          try {
            controller.close()
          } catch {
            // already closed or errored
          }
        }
        options.signal.addEventListener("abort", onAbort, { once: true })
      }
      if (options.subscribe) unsubscribe = options.subscribe(() => queueMicrotask(tick))
      if (options.keepaliveMs && options.keepaliveMs > 0) {
        keepalive = setInterval(() => {
          if (!finished) controller.enqueue(encoder.encode(": keepalive\n\n"))
        }, options.keepaliveMs)
      }
      tick()
    },
    cancel() {
      cleanup()
    }
  })
}

/** The response wrapper for an SSE body. */
export const sseResponse = (body: ReadableStream<Uint8Array>): Response =>
  new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no"
    }
  })
