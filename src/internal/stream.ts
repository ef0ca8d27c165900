/**
 * Stream helpers: the few `Stream` combinators the SDK uses, written on `Channel` so that the
 * browser bundle does not carry `Stream.flatMap` (whose `concurrency` / `switch` options pull in
 * the channel merge machinery, about 1.5 KB gzip) nor `Stream.mapEffect`'s concurrent and keyed
 * variants. Each has the semantics of the `Stream` function it names.
 *
 * @internal
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** `Stream.unwrap`: the stream an effect makes (the effect's failure fails the stream). */
export const unwrap = <A, E2, R2, E, R>(
  effect: Effect.Effect<Stream.Stream<A, E2, R2>, E, R>
): Stream.Stream<A, E | E2, R | R2> => Stream.fromChannel(Channel.unwrap(Effect.map(effect, Stream.toChannel)))

/** `Stream.unwrapScoped`: the stream a scoped effect makes; the scope closes when the stream ends. */
export const unwrapScoped = <A, E2, R2, E, R>(
  effect: Effect.Effect<Stream.Stream<A, E2, R2>, E, R>
): Stream.Stream<A, E | E2, Exclude<R, Scope.Scope> | R2> =>
  Stream.fromChannel(Channel.unwrapScoped(Effect.map(effect, Stream.toChannel)))

/**
 * `Stream.mapEffect(self, f)` without options: each element in order, one at a time, emitted as
 * soon as its effect succeeds (effect's own sequential `mapEffect`, on `Channel`).
 */
export const mapEffectSequential: {
  <A, B, E2, R2>(
    f: (a: A) => Effect.Effect<B, E2, R2>
  ): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<B, E | E2, R | R2>
  <A, E, R, B, E2, R2>(
    self: Stream.Stream<A, E, R>,
    f: (a: A) => Effect.Effect<B, E2, R2>
  ): Stream.Stream<B, E | E2, R | R2>
} = dual(
  2,
  <A, E, R, B, E2, R2>(
    self: Stream.Stream<A, E, R>,
    f: (a: A) => Effect.Effect<B, E2, R2>
  ): Stream.Stream<B, E | E2, R | R2> => {
    const loop = (
      iterator: Iterator<A>
    ): Channel.Channel<Chunk.Chunk<B>, Chunk.Chunk<A>, E | E2, E, unknown, unknown, R2> => {
      const next = iterator.next()
      return next.done
        ? Channel.readWithCause({
          onInput: (chunk: Chunk.Chunk<A>) => loop(chunk[Symbol.iterator]()),
          onFailure: Channel.failCause,
          onDone: Channel.succeed
        })
        : Channel.unwrap(
          Effect.map(f(next.value), (b) => Channel.flatMap(Channel.write(Chunk.of(b)), () => loop(iterator)))
        )
    }
    return Stream.fromChannel(
      Channel.pipeTo(Stream.toChannel(self), Channel.suspend(() => loop(Chunk.empty<A>()[Symbol.iterator]())))
    )
  }
)

/**
 * `Stream.repeatEffectWithSchedule`: `effect` once, then again as long as `schedule` continues
 * (fed with each value), each run after the schedule's delay.
 */
export const repeatEffectWithSchedule = <A, E, R, X, R2>(
  effect: Effect.Effect<A, E, R>,
  schedule: Schedule.Schedule<X, A, R2>
): Stream.Stream<A, E, R | R2> =>
  unwrap(Effect.map(Effect.zip(effect, Schedule.driver(schedule)), ([a, driver]) => {
    const provideLastIterationInfo = Effect.provideServiceEffect(
      Schedule.CurrentIterationMetadata,
      Ref.get(driver.iterationMeta)
    )
    return Stream.concat(
      Stream.succeed(a),
      Stream.unfoldEffect(a, (s) =>
        Effect.matchEffect(driver.next(s), {
          onFailure: () => Effect.succeed(Option.none()),
          onSuccess: () => Effect.map(provideLastIterationInfo(effect), (nextA) => Option.some([nextA, nextA] as const))
        }))
    )
  }))

/**
 * `Stream.fromReadableStream(evaluate, onError)`: the chunks of a web `ReadableStream`; the reader
 * is cancelled when the stream ends early or is interrupted.
 */
export const fromReadableStream = <A, E>(
  evaluate: () => ReadableStream<A>,
  onError: (error: unknown) => E
): Stream.Stream<A, E> =>
  unwrapScoped(Effect.map(
    Effect.acquireRelease(Effect.sync(() => evaluate().getReader()), (reader) => Effect.promise(() => reader.cancel())),
    (reader) =>
      Stream.repeatEffectOption(Effect.flatMap(
        Effect.tryPromise({ try: () => reader.read(), catch: (reason) => Option.some(onError(reason)) }),
        ({ done, value }) => done ? Effect.fail(Option.none()) : Effect.succeed(value)
      ))
  ))
