/**
 * The Promise client's runtime: one `ManagedRuntime` over the SDK's services, and the only ways
 * a Promise resource reaches it. Each runs a service call with the caller's `AbortSignal`
 * (`runPromiseExit`), resolves with plain objects and rejects with the squashed cause, so a
 * failure is the SDK's error class itself; interruption by the signal is `AbortError`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Chunk from "effect/Chunk"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { toPlain } from "../internal/plain.js"
import type { VisgateServices } from "../layers/VisgateServices.js"
import { AbortError, VisgateError } from "../schemas/Errors.js"
import { type EffectWaitOptions, type RequestOptions, toEffectWaitOptions, type WaitOptions } from "./options.js"

/** A service tag as the Effect that reads the service. */
const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

const closedError = () => new VisgateError({ message: "This client has been closed", errorCode: "CLIENT_CLOSED" })

/** The runtime of one Promise client: the only ways its resources reach the services. */
export interface ClientRuntime {
  /** Runs `f` on one of the services, cancelled by `options.signal`. */
  readonly call: <I extends VisgateServices, S, A, E>(
    tag: Context.Tag<I, S>,
    f: (service: S) => Effect.Effect<A, E, VisgateServices>,
    options: RequestOptions | undefined
  ) => Promise<A>
  /**
   * The waiting methods: `options` checked and translated ({@link toEffectWaitOptions}), then
   * `f` run on the service with them, cancelled by `options.signal`.
   */
  readonly wait: <I extends VisgateServices, S, P, A, E>(
    tag: Context.Tag<I, S>,
    options: WaitOptions<P> | undefined,
    f: (service: S, wait: EffectWaitOptions<P>) => Effect.Effect<A, E, VisgateServices>
  ) => Promise<A>
  /** The watching methods: as `wait`, for a stream read as an async iterable (as `iterate`). */
  readonly watch: <I extends VisgateServices, S, P, A, E>(
    tag: Context.Tag<I, S>,
    options: WaitOptions<P> | undefined,
    f: (service: S, wait: EffectWaitOptions<P>) => Stream.Stream<A, E, VisgateServices>
  ) => AsyncIterable<A>
  /**
   * A stream of one of the services as an async iterable. Pull-based: the stream runs only
   * while `next()` is pending (nothing is polled ahead of the consumer). Aborting
   * `options.signal` interrupts the pull in flight (a sleep or a request) and closes the stream,
   * so no request is made after it; the pending or next `next()` rejects with `AbortError`.
   * `break` / `return()` closes it too. Failures reject as `call` rejects.
   */
  readonly iterate: <I extends VisgateServices, S, A, E>(
    tag: Context.Tag<I, S>,
    f: (service: S) => Stream.Stream<A, E, VisgateServices>,
    options: RequestOptions | undefined
  ) => AsyncIterable<A>
  /** Releases the runtime. Idempotent; calls made afterwards reject with `CLIENT_CLOSED`. */
  readonly close: () => Promise<void>
}

/**
 * The client runtime over `runtime`. Every call resolves with plain objects (`toPlain`) and
 * rejects with the squashed cause; interruption by the caller's signal is `AbortError`.
 */
export const make = (runtime: ManagedRuntime.ManagedRuntime<VisgateServices, never>): ClientRuntime => {
  let closing: Promise<void> | undefined

  const run = async <A, E>(effect: Effect.Effect<A, E, VisgateServices>, signal: AbortSignal | undefined): Promise<A> => {
    if (closing !== undefined) throw closedError()
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
    const exit = await runtime.runPromiseExit(effect, signal !== undefined ? { signal } : undefined)
    if (Exit.isSuccess(exit)) return toPlain(exit.value)
    if (Cause.isInterruptedOnly(exit.cause)) {
      throw new AbortError(undefined, signal?.aborted ? { cause: signal.reason } : undefined)
    }
    throw Cause.squash(exit.cause)
  }

  const toAsyncIterable = <A, E>(
    stream: Stream.Stream<A, E, VisgateServices>,
    signal: AbortSignal | undefined
  ): AsyncIterable<A> => ({
    [Symbol.asyncIterator](): AsyncIterator<A> {
      let scope: Scope.CloseableScope | undefined
      let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, VisgateServices> | undefined
      let buffer: Array<A> = []
      let finished = false
      let inFlight: AbortController | undefined
      const close = () => {
        finished = true
        signal?.removeEventListener("abort", onAbort)
        const s = scope
        scope = undefined
        if (s !== undefined) runtime.runFork(Scope.close(s, Exit.void))
      }
      const onAbort = () => {
        if (inFlight !== undefined) inFlight.abort() // `next()` closes once the pull has stopped
        else close()
      }
      const aborted = () => new AbortError(undefined, { cause: signal?.reason })
      signal?.addEventListener("abort", onAbort, { once: true })
      return {
        async next(): Promise<IteratorResult<A>> {
          if (buffer.length > 0) return { done: false, value: toPlain(buffer.shift()!) }
          if (signal?.aborted) {
            close()
            throw aborted()
          }
          if (finished) return { done: true, value: undefined }
          if (closing !== undefined) {
            close()
            throw closedError()
          }
          if (pull === undefined) {
            const s = await runtime.runPromise(Scope.make())
            scope = s
            pull = await runtime.runPromise(Scope.extend(Stream.toPull(stream), s))
          }
          for (;;) {
            const controller = new AbortController()
            inFlight = controller
            const exit = await runtime.runPromiseExit(pull, { signal: controller.signal })
            inFlight = undefined
            if (signal?.aborted) {
              close()
              throw aborted()
            }
            if (Exit.isSuccess(exit)) {
              const values = Array.from(exit.value)
              if (values.length === 0) continue
              buffer = values.slice(1)
              return { done: false, value: toPlain(values[0]!) }
            }
            close()
            const failure = Cause.failureOption(exit.cause)
            if (Option.isSome(failure)) {
              if (Option.isNone(failure.value)) return { done: true, value: undefined }
              throw failure.value.value
            }
            if (Cause.isInterruptedOnly(exit.cause)) throw aborted()
            throw Cause.squash(exit.cause)
          }
        },
        async return(): Promise<IteratorResult<A>> {
          inFlight?.abort()
          close()
          return { done: true, value: undefined }
        }
      }
    }
  })

  return {
    call: (tag, f, options) => run(Effect.flatMap(service(tag), f), options?.signal),
    wait: (tag, options, f) =>
      run(Effect.flatMap(Effect.zip(service(tag), toEffectWaitOptions(options)), ([s, wait]) => f(s, wait)), options?.signal),
    watch: (tag, options, f) =>
      toAsyncIterable(Stream.unwrap(Effect.zipWith(service(tag), toEffectWaitOptions(options), f)), options?.signal),
    iterate: (tag, f, options) => toAsyncIterable(Stream.unwrap(Effect.map(service(tag), f)), options?.signal),
    close: () => (closing ??= runtime.dispose())
  }
}
