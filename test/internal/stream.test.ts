/** `internal/stream.ts`: the Channel-based combinators behave as the `Stream` ones they replace. */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import {
  fromReadableStream,
  mapEffectSequential,
  repeatEffectWithSchedule,
  unwrap,
  unwrapScoped
} from "../../src/internal/stream.js"

describe("internal/stream", () => {
  it.effect("unwrap: the effect's stream, or its failure", () =>
    Effect.gen(function*() {
      expect(Chunk.toArray(yield* Stream.runCollect(unwrap(Effect.succeed(Stream.make(1, 2, 3)))))).toEqual([1, 2, 3])
      const failed = yield* Effect.exit(
        Stream.runCollect(unwrap(Effect.fail("no") as Effect.Effect<Stream.Stream<number>, string>))
      )
      expect(failed).toEqual(Exit.fail("no"))
    }))

  it.effect("unwrapScoped: the scope closes when the stream ends", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const stream = unwrapScoped(Effect.as(
        Effect.acquireRelease(Effect.sync(() => log.push("open")), () => Effect.sync(() => log.push("close"))),
        Stream.map(Stream.make(1, 2), (n) => {
          log.push(`item ${n}`)
          return n
        })
      ))
      expect(Chunk.toArray(yield* Stream.runCollect(stream))).toEqual([1, 2])
      expect(log).toEqual(["open", "item 1", "item 2", "close"])
    }))

  it.effect("mapEffectSequential: in order, one at a time, failures end the stream", () =>
    Effect.gen(function*() {
      const seen: Array<number> = []
      const doubled = mapEffectSequential(Stream.make(1, 2, 3), (n) => Effect.sync(() => (seen.push(n), n * 2)))
      expect(Chunk.toArray(yield* Stream.runCollect(doubled))).toEqual([2, 4, 6])
      expect(seen).toEqual([1, 2, 3])
      const failing = mapEffectSequential(Stream.make(1, 2, 3), (n) => n === 2 ? Effect.fail("two") : Effect.succeed(n))
      expect(yield* Effect.exit(Stream.runCollect(failing))).toEqual(Exit.fail("two"))
    }))

  it.effect("repeatEffectWithSchedule: once, then as long as the schedule continues", () =>
    Effect.gen(function*() {
      let runs = 0
      const stream = repeatEffectWithSchedule(Effect.sync(() => ++runs), Schedule.recurs(2))
      expect(Chunk.toArray(yield* Stream.runCollect(stream))).toEqual([1, 2, 3])
    }))

  it.effect("fromReadableStream: the chunks, read errors mapped, the reader cancelled when left early", () =>
    Effect.gen(function*() {
      let cancelled = false
      const source = () =>
        new ReadableStream<number>({
          pull: (controller) => controller.enqueue(1),
          cancel: () => {
            cancelled = true
          }
        })
      const first = yield* Stream.runCollect(Stream.take(fromReadableStream(source, String), 2))
      expect(Chunk.toArray(first)).toEqual([1, 1])
      expect(cancelled).toBe(true)
      const ended = () =>
        new ReadableStream<number>({
          start: (c) => {
            c.enqueue(7)
            c.close()
          }
        })
      expect(Chunk.toArray(yield* Stream.runCollect(fromReadableStream(ended, String)))).toEqual([7])
      const broken = () => new ReadableStream<number>({ pull: (c) => c.error(new Error("boom")) })
      const exit = yield* Effect.exit(Stream.runCollect(fromReadableStream(broken, (e) => (e as Error).message)))
      expect(exit).toEqual(Exit.fail("boom"))
    }))
})
