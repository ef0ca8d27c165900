/**
 * Stream helpers.
 *
 * @internal
 */
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Stream from "effect/Stream"

/**
 * `Stream.mapEffect(self, f)` without options: each element in order, one at a time, emitted as
 * soon as its effect succeeds. Written on `flatMap` because `Stream.mapEffect` also carries its
 * concurrent and keyed variants (`groupBy`), about 1.5 KB gzip in every browser bundle.
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
  ): Stream.Stream<B, E | E2, R | R2> => Stream.flatMap(self, (a) => Stream.fromEffect(f(a)))
)
