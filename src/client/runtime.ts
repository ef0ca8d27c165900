/**
 * What a Promise resource's wiring (`client/*.ts`) may ask of its client: run a service call,
 * wait, watch or iterate, each with the caller's `AbortSignal`. `Client.ts` implements it on
 * the client's `ManagedRuntime`.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import type { PromiseServices } from "../layers/PromiseServices.js"
import type { EffectWaitOptions, RequestOptions, WaitOptions } from "./options.js"

/**
 * The runtime of one Promise client: the only ways its resources reach the services `R` (those
 * of the generation path; `provide` adds the services of a resource loaded later).
 */
export interface ClientRuntime<R = PromiseServices> {
  /** Runs `f` on one of the services, cancelled by `options.signal`. */
  readonly call: <I extends R, S, A, E>(
    tag: Context.Tag<I, S>,
    f: (service: S) => Effect.Effect<A, E, R>,
    options: RequestOptions | undefined
  ) => Promise<A>
  /**
   * The waiting methods: `options` checked and translated (`toEffectWaitOptions`), then
   * `f` run on the service with them, cancelled by `options.signal`.
   */
  readonly wait: <I extends R, S, P, A, E>(
    tag: Context.Tag<I, S>,
    options: WaitOptions<P> | undefined,
    f: (service: S, wait: EffectWaitOptions<P>) => Effect.Effect<A, E, R>
  ) => Promise<A>
  /** The watching methods: as `wait`, for a stream read as an async iterable (as `iterate`). */
  readonly watch: <I extends R, S, P, A, E>(
    tag: Context.Tag<I, S>,
    options: WaitOptions<P> | undefined,
    f: (service: S, wait: EffectWaitOptions<P>) => Stream.Stream<A, E, R>
  ) => AsyncIterable<A>
  /**
   * A stream of one of the services as an async iterable. Pull-based: the stream runs only
   * while `next()` is pending (nothing is polled ahead of the consumer). Aborting
   * `options.signal` interrupts the pull in flight (a sleep or a request) and closes the stream,
   * so no request is made after it; the pending or next `next()` rejects with `AbortError`.
   * `break` / `return()` closes it too. Failures reject as `call` rejects.
   */
  readonly iterate: <I extends R, S, A, E>(
    tag: Context.Tag<I, S>,
    f: (service: S) => Stream.Stream<A, E, R>,
    options: RequestOptions | undefined
  ) => AsyncIterable<A>
  /**
   * Releases the runtime. Idempotent. Everything in flight is interrupted and rejects with
   * `CLIENT_CLOSED`; when it resolves, no request goes out; calls made afterwards reject the same way.
   */
  readonly close: () => Promise<void>
  /**
   * This runtime with the services of `layer` too, built once on it (a resource's services,
   * when `client/lazy.ts` loads that resource). Rejects with `CLIENT_CLOSED` once closed.
   */
  readonly provide: <R2>(layer: Layer.Layer<R2, never, R>) => Promise<ClientRuntime<R | R2>>
}
