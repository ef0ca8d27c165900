/**
 * The Promise batches (`client.images.generateMany` / `generateManyIter`, and on `client.videos`):
 * a small pool over the resource's own Promise method (no Effect `Stream` here: it keeps the
 * browser bundle small), with the items checked and keyed as the Effect batches do
 * (`services/Batch.ts`).
 *
 * @since 0.1.0
 */
import { AbortError, ValidationError } from "../schemas/Errors.js"
import {
  type BatchEntry,
  type BatchItem,
  checkBatchItem,
  checkBatchOptions,
  DEFAULT_BATCH_CONCURRENCY
} from "../services/Batch.js"

/** Progress of a Promise batch, after each entry. */
export interface BatchProgress<A, I = BatchItem> {
  /** Items finished so far (succeeded + failed). */
  readonly done: number
  readonly total: number
  readonly succeeded: number
  readonly failed: number
  /** The entry that just finished. */
  readonly entry: BatchEntry<A, I>
}

/** Options of the Promise `generateMany` / `generateManyIter`. */
export interface BatchRunOptions<A, I = BatchItem> {
  /** Items in flight at once (a positive integer, default 4). The client's `maxConcurrency` still caps requests. */
  readonly concurrency?: number | undefined
  /** The model of items that name none. */
  readonly model?: string | undefined
  /** Cancels the batch: items in flight are aborted, no new one starts, the batch rejects with `AbortError`. */
  readonly signal?: AbortSignal | undefined
  /** Called after each finished item. */
  readonly onProgress?: ((progress: BatchProgress<A, I>) => void) | undefined
}

/**
 * Runs `one` over `items`, `concurrency` at a time, yielding entries as they finish. Leaving the
 * loop early (or aborting `signal`) aborts the items in flight.
 */
export async function* runBatch<I extends BatchItem<{ readonly idempotencyKey?: string | null | undefined }>, A>(
  items: Iterable<I>,
  options: BatchRunOptions<A, I> | undefined,
  defaultModel: string | undefined,
  one: (model: string, prompt: string, rest: Record<string, unknown>, signal: AbortSignal) => Promise<A>
): AsyncGenerator<BatchEntry<A, I>, void, undefined> {
  const bad = checkBatchOptions(options)
  if (bad !== undefined) throw bad
  const signal = options?.signal
  const list = Array.from(items)
  const concurrency = options?.concurrency ?? DEFAULT_BATCH_CONCURRENCY
  const model = options?.model ?? defaultModel
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal?.reason)
  signal?.addEventListener("abort", onAbort, { once: true })
  const seen = new Set<string>()
  const running = new Map<number, Promise<BatchEntry<A, I>>>()
  let next = 0
  let succeeded = 0
  const start = (index: number) => {
    const item = list[index]!
    const checked = checkBatchItem(item, index, model, seen)
    const run = checked instanceof ValidationError
      ? Promise.reject(checked)
      : (() => {
        const { key: _k, model: _m, prompt, ...rest } = item
        return one(checked.model, prompt, { ...rest, idempotencyKey: checked.idempotencyKey }, controller.signal)
      })()
    running.set(
      index,
      run.then(
        (value): BatchEntry<A, I> => ({ index, item, ok: true, value }),
        (error): BatchEntry<A, I> => ({ index, item, ok: false, error })
      )
    )
  }
  try {
    for (;;) {
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
      while (next < list.length && running.size < concurrency) start(next++)
      if (running.size === 0) return
      const entry = await Promise.race(running.values())
      running.delete(entry.index)
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
      if (entry.ok) succeeded++
      const done = next - running.size
      options?.onProgress?.({ done, total: list.length, succeeded, failed: done - succeeded, entry })
      yield entry
    }
  } finally {
    signal?.removeEventListener("abort", onAbort)
    if (running.size > 0) controller.abort()
  }
}

/** Runs the whole batch: one entry per item, in input order. */
export const collectBatch = async <A, I>(
  entries: AsyncIterable<BatchEntry<A, I>>
): Promise<Array<BatchEntry<A, I>>> => {
  const out: Array<BatchEntry<A, I>> = []
  for await (const entry of entries) out[entry.index] = entry
  return out
}
