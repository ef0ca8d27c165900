/**
 * Batches: many generations through one client, with bounded concurrency, one entry per item
 * (one failure never loses the others) and deterministic idempotency keys, so running a crashed
 * batch again does not pay twice for what was already done.
 *
 * `Images.generateMany` and `Videos.generateMany` (Effect, a `Stream`) and the Promise
 * `client.images.generateMany` / `generateManyIter` are built on what is here: the item and
 * entry types, {@link batchIdempotencyKey} and {@link checkBatchItem}.
 *
 * The client's flow control (`maxConcurrency`, `rateLimit`, the rate-limit gate) applies under
 * a batch as under any call: a batch never bursts past the quota the client knows.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { GenerationFailedError, VisgateApiError, WaitTimeoutError } from "../schemas/Errors.js"
import { ValidationError } from "../schemas/Errors.js"

/**
 * One item of a batch: the prompt, the model (else the batch's `model`, else the service's
 * default), a `key`, and the generation options of the service.
 *
 * `key` (1 to 200 printable ASCII characters, unique within the batch) makes the item's
 * `Idempotency-Key` deterministic: `batch:<key>` (see {@link batchIdempotencyKey}). Run the same
 * batch again after a crash and the items the server already did are replayed, not billed again.
 * Without a key, the item's own `idempotencyKey` or a fresh one is used.
 */
export type BatchItem<O = {}> = Omit<O, "preferAsync"> & {
  readonly prompt: string
  readonly model?: string | undefined
  readonly key?: string | undefined
}

/** What a batch item can fail with: any error of a generation (all `instanceof VisgateError`). */
export type BatchError = VisgateApiError | GenerationFailedError | WaitTimeoutError

/** The outcome of one item; `index` is its position in the input, so input order can be restored. */
export type BatchEntry<A, I = BatchItem> =
  | { readonly index: number; readonly item: I; readonly ok: true; readonly value: A }
  | { readonly index: number; readonly item: I; readonly ok: false; readonly error: BatchError }

/** Options of the Effect `generateMany`. */
export interface BatchOptions {
  /** Items in flight at once (a positive integer, default {@link DEFAULT_BATCH_CONCURRENCY}). */
  readonly concurrency?: number | undefined
  /** The model of items that name none. */
  readonly model?: string | undefined
}

/** Default number of items in flight at once. */
export const DEFAULT_BATCH_CONCURRENCY = 4

/** The `Idempotency-Key` of an item with `key`: `batch:<key>`. */
export const batchIdempotencyKey = (key: string): string => `batch:${key}`

const invalid = (message: string, field: string) =>
  new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field })

/** Checks the batch options; a ValidationError before any request. */
export const checkBatchOptions = (options: BatchOptions | undefined): ValidationError | undefined => {
  const c = options?.concurrency
  return c === undefined || (Number.isInteger(c) && c >= 1)
    ? undefined
    : invalid(`concurrency must be a positive integer, got ${String(c)}`, "concurrency")
}

/**
 * Checks one item and resolves its model and idempotency key: a ValidationError (for that item
 * only) when it has no prompt, no model, a bad key or a key already seen in the batch (`seen`).
 */
export const checkBatchItem = (
  item: BatchItem<{ readonly idempotencyKey?: string | null | undefined }>,
  index: number,
  defaultModel: string | undefined,
  seen: Set<string>
): ValidationError | { readonly model: string; readonly idempotencyKey: string | null | undefined } => {
  if (typeof item !== "object" || item === null || typeof item.prompt !== "string" || item.prompt.trim() === "") {
    return invalid(`batch item ${index} needs a non-empty prompt`, "prompt")
  }
  const model = item.model ?? defaultModel
  if (typeof model !== "string" || model.trim() === "") {
    return invalid(`batch item ${index} names no model (set item.model or the batch's model)`, "model")
  }
  const key = item.key
  if (key === undefined) return { model, idempotencyKey: item.idempotencyKey }
  if (typeof key !== "string" || !/^[\x20-\x7e]{1,200}$/.test(key)) {
    return invalid(`batch item ${index}: key must be 1 to 200 printable ASCII characters`, "key")
  }
  if (seen.has(key)) {
    return invalid(`batch item ${index}: key ${JSON.stringify(key)} is used twice in this batch`, "key")
  }
  seen.add(key)
  return { model, idempotencyKey: batchIdempotencyKey(key) }
}

/**
 * The one Effect batch: each item checked, then run by `run` (given the item's model and its
 * options with the idempotency key resolved), `concurrency` at a time; entries are emitted as
 * items finish (not in input order: sort by `index` to restore it). The stream fails only for bad
 * batch options (a ValidationError before any request); an item's failure is its entry.
 */
export const generateMany = <
  I extends BatchItem<{ readonly idempotencyKey?: string | null | undefined }>,
  A,
  E extends BatchError,
  R
>(
  items: Iterable<I>,
  options: BatchOptions | undefined,
  defaultModel: string | undefined,
  run: (model: string, prompt: string, options: Omit<I, "prompt" | "model" | "key">) => Effect.Effect<A, E, R>
): Stream.Stream<BatchEntry<A, I>, ValidationError, R> => {
  const bad = checkBatchOptions(options)
  if (bad !== undefined) return Stream.fail(bad)
  const seen = new Set<string>()
  const model = options?.model ?? defaultModel
  return Stream.mapEffect(
    Stream.zipWithIndex(Stream.fromIterable(items)),
    ([item, index]): Effect.Effect<BatchEntry<A, I>, never, R> => {
      const checked = checkBatchItem(item, index, model, seen)
      if (checked instanceof ValidationError) return Effect.succeed({ index, item, ok: false, error: checked })
      const { key: _key, model: _model, prompt, ...rest } = item
      return Effect.match(run(checked.model, prompt, { ...rest, idempotencyKey: checked.idempotencyKey }), {
        onFailure: (error): BatchEntry<A, I> => ({ index, item, ok: false, error }),
        onSuccess: (value): BatchEntry<A, I> => ({ index, item, ok: true, value })
      })
    },
    { concurrency: options?.concurrency ?? DEFAULT_BATCH_CONCURRENCY, unordered: true }
  )
}
