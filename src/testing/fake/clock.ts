/**
 * The fake's clock: a base clock (`Date.now`, a caller's `clock`, or frozen at `startAt`) plus
 * the offset `advance(ms)` adds, and the wake-up list of open SSE streams.
 *
 * @internal
 */
import type { FakeVisgateOptions } from "./types.js"

export class FakeClock {
  private offsetMs = 0
  private readonly baseClock: () => number
  private transportNow: number | undefined = undefined
  private readonly wakers = new Set<() => void>()

  constructor(options: Pick<FakeVisgateOptions, "clock" | "startAt">) {
    if (options.startAt !== undefined) {
      const start = options.startAt instanceof Date ? options.startAt.getTime() : options.startAt
      this.baseClock = () => start
    } else {
      this.baseClock = options.clock ?? (() => Date.now())
    }
  }

  /** The latest transport time (or the base clock), plus the `advance` offset. */
  now(): number {
    return (this.transportNow ?? this.baseClock()) + this.offsetMs
  }

  /** The fake's time for a base clock reading (a transport's `now`): adds the `advance` offset. */
  timeAt(baseNow?: number): number {
    if (baseNow === undefined) return this.baseClock() + this.offsetMs
    this.transportNow = Math.max(this.transportNow ?? baseNow, baseNow)
    return baseNow + this.offsetMs
  }

  /** Adds `ms` to every later reading and wakes every subscriber. Returns the new time. */
  advance(ms: number): number {
    this.offsetMs += ms
    for (const wake of [...this.wakers]) wake()
    return this.now()
  }

  /** Calls `wake` on every `advance` until the returned function is called. */
  subscribe(wake: () => void): () => void {
    this.wakers.add(wake)
    return () => this.wakers.delete(wake)
  }

  /** Drops the `advance` offset. */
  reset(): void {
    this.offsetMs = 0
  }
}
