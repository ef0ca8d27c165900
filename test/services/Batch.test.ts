/** Batches: the Effect `generateMany` streams and the Promise `generateMany` / `generateManyIter`, against the fake API. */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { AbortError, Client } from "../../src/index.js"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import * as Images from "../../src/services/Images.js"
import * as Videos from "../../src/services/Videos.js"
import type { VisgateClientOptions } from "../../src/services/VisgateConfig.js"
import { FakeVisgate } from "../../src/testing/fake/index.js"

const effectLayer = (fake: FakeVisgate, options: VisgateClientOptions = {}) =>
  VisgateLayer.layer({ apiKey: "vg-test-key", baseUrl: "http://fake.local/api/v1", maxRetries: 0, ...options }).pipe(
    Layer.provide(FakeVisgate.layer(fake))
  )

const promiseClient = (fake: FakeVisgate, options: Partial<ConstructorParameters<typeof Client>[0]> = {}) =>
  new Client({
    apiKey: "vg-test-key",
    baseUrl: "http://fake.local/api/v1",
    maxRetries: 0,
    fetch: fake.fetch,
    ...options
  })

const keysSent = (fake: FakeVisgate, path: string) =>
  fake.requests.filter((r) => r.path === path).map((r) => r.headers["idempotency-key"])

describe("Images.generateMany (Effect)", () => {
  it.effect("one entry per item with its index; a failure is its entry; keys are batch:<key>", () =>
    Effect.gen(function*() {
      const fake = new FakeVisgate()
      const items = [
        { prompt: "a red fox", key: "fox" },
        { prompt: "this one will fail", key: "bad" },
        { prompt: "a blue whale", model: "fal-ai/flux/dev", width: 512, height: 512 },
        { prompt: "a green frog", key: "frog" }
      ]
      const entries = Chunk.toArray(
        yield* Stream.runCollect(Images.generateMany(items, { concurrency: 2 })).pipe(Effect.provide(effectLayer(fake)))
      )
      expect(entries.map((e) => e.index).sort()).toEqual([0, 1, 2, 3])
      const byIndex = [...entries].sort((a, b) => a.index - b.index)
      expect(byIndex.map((e) => e.ok)).toEqual([true, false, true, true])
      const bad = byIndex[1]!
      expect(!bad.ok && bad.error._tag).toBe("ProviderError")
      expect(byIndex[2]!.item).toBe(items[2])
      const keys = keysSent(fake, "/images/generate")
      expect(keys).toContain("batch:fox")
      expect(keys).toContain("batch:frog")
      const whale = fake.requests.find((r) => (r.body as { prompt?: string }).prompt === "a blue whale")!
      expect(whale.body).toMatchObject({ model: "fal-ai/flux/dev", width: 512 })
      expect(whale.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.effect("bad items fail alone, before any request; bad options fail the stream", () =>
    Effect.gen(function*() {
      const fake = new FakeVisgate()
      const entries = Chunk.toArray(
        yield* Stream.runCollect(
          Images.generateMany([
            { prompt: "" },
            { prompt: "ok", key: "k" },
            { prompt: "again", key: "k" },
            { prompt: "bad key", key: "line\nbreak" }
          ])
        ).pipe(Effect.provide(effectLayer(fake)))
      ).sort((a, b) => a.index - b.index)
      expect(entries.map((e) => (e.ok ? "ok" : `${e.error._tag}:${(e.error as { field?: string }).field}`))).toEqual([
        "ValidationError:prompt",
        "ok",
        "ValidationError:key",
        "ValidationError:key"
      ])
      expect(fake.requests).toHaveLength(1)
      const bad = yield* Stream.runCollect(Images.generateMany([{ prompt: "x" }], { concurrency: 0 })).pipe(
        Effect.provide(effectLayer(fake)),
        Effect.either
      )
      expect(Either.isLeft(bad) && bad.left._tag).toBe("ValidationError")
      expect(fake.requests).toHaveLength(1)
    }))

  it.effect("runs at most `concurrency` items at once", () =>
    Effect.gen(function*() {
      const fake = new FakeVisgate()
      fake.faults.add({ route: "POST /images/generate", times: 100, fault: { kind: "latency", ms: 1000 } })
      const fiber = yield* Effect.fork(
        Stream.runCollect(
          Images.generateMany(Array.from({ length: 6 }, (_, i) => ({ prompt: `p${i}` })), { concurrency: 3 })
        )
          .pipe(Effect.provide(effectLayer(fake)))
      )
      yield* TestClock.adjust(0)
      expect(fake.requests).toHaveLength(3)
      yield* TestClock.adjust("1 second")
      expect(fake.requests).toHaveLength(6)
      yield* TestClock.adjust("1 second")
      expect(Chunk.size(yield* Fiber.join(fiber))).toBe(6)
    }))
})

describe("Videos.generateMany (Effect)", () => {
  it.effect("submits async and waits; a failed job is its entry; items need a model", () =>
    Effect.gen(function*() {
      const fake = new FakeVisgate()
      const fiber = yield* Effect.fork(
        Stream.runCollect(
          Videos.generateMany(
            [{ prompt: "a drone shot", key: "v1" }, { prompt: "this fails", model: "fal-ai/kling-video" }, {
              prompt: "no model here",
              model: ""
            }],
            { model: "fal-ai/kling-video" }
          )
        ).pipe(Effect.provide(effectLayer(fake)))
      )
      yield* TestClock.adjust("2 minutes")
      const entries = Chunk.toArray(yield* Fiber.join(fiber)).sort((a, b) => a.index - b.index)
      expect(entries.map((e) => e.ok)).toEqual([true, false, false])
      const done = entries[0]!
      expect(done.ok && "requestId" in done.value && done.value.status).toBe("completed")
      expect(!entries[1]!.ok && entries[1]!.error._tag).toBe("GenerationFailedError")
      expect(!entries[2]!.ok && entries[2]!.error._tag).toBe("ValidationError")
      const submits = fake.requests.filter((r) => r.path === "/videos/generate")
      expect(submits).toHaveLength(2)
      expect(submits.every((r) => r.headers.prefer === "respond-async")).toBe(true)
      expect(submits[0]!.headers["idempotency-key"]).toBe("batch:v1")
    }))
})

describe("client.images.generateMany (Promise)", () => {
  it("resolves one entry per item in input order; a crashed batch run again is not billed twice", async () => {
    const fake = new FakeVisgate()
    const client = promiseClient(fake)
    const items = Array.from({ length: 8 }, (_, i) => ({ prompt: i === 3 ? "please fail" : `item ${i}`, key: `k${i}` }))
    const progress: Array<[number, number, number]> = []
    const first = await client.images.generateMany(items.slice(0, 5), {
      concurrency: 3,
      onProgress: (p) => progress.push([p.done, p.succeeded, p.failed])
    })
    expect(first.map((e) => e.index)).toEqual([0, 1, 2, 3, 4])
    expect(first.map((e) => e.ok)).toEqual([true, true, true, false, true])
    expect(first[0]!.ok && first[0]!.value.images.length).toBeGreaterThan(0)
    expect(progress).toHaveLength(5)
    expect(progress.at(-1)).toEqual([5, 4, 1])
    const billedAfterCrash = fake.billedCount
    expect(billedAfterCrash).toBe(4)
    // the whole batch again: the 4 done items replay under their keys, the failed one and 3 new ones run
    const all = await client.images.generateMany(items, { concurrency: 4 })
    expect(all.filter((e) => e.ok)).toHaveLength(7)
    expect(fake.billedCount).toBe(7)
    expect(new Set(keysSent(fake, "/images/generate")).size).toBe(8)
    await client.close()
  })

  it("generateManyIter yields as items finish; break stops the batch", async () => {
    const fake = new FakeVisgate()
    const client = promiseClient(fake)
    const items = Array.from({ length: 10 }, (_, i) => ({ prompt: `p${i}` }))
    const seen: Array<number> = []
    for await (const entry of client.images.generateManyIter(items, { concurrency: 2 })) {
      seen.push(entry.index)
      if (seen.length === 3) break
    }
    expect(seen).toHaveLength(3)
    expect(fake.requests.length).toBeLessThanOrEqual(5)
    await client.close()
  })

  it("rejects with ValidationError for bad options and AbortError when aborted", async () => {
    const fake = new FakeVisgate()
    const client = promiseClient(fake)
    await expect(client.images.generateMany([{ prompt: "x" }], { concurrency: -1 })).rejects.toMatchObject({
      _tag: "ValidationError",
      field: "concurrency"
    })
    expect(fake.requests).toHaveLength(0)
    fake.faults.add({ route: "POST /images/generate", fault: { kind: "hang" }, times: 10 })
    const controller = new AbortController()
    const running = client.images.generateMany([{ prompt: "a" }, { prompt: "b" }], { signal: controller.signal })
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(AbortError)
    await client.close()
  })

  it("under a fake rate limit, the client's rateLimit gets every item through once", async () => {
    const fake = new FakeVisgate({ rateLimit: { requestsPerSecond: 200, burst: 2, retryAfter: "exact" } })
    const client = promiseClient(fake, { maxRetries: 3, rateLimit: { requestsPerMinute: 12_000 } })
    const entries = await client.images.generateMany(
      Array.from({ length: 12 }, (_, i) => ({ prompt: `shot ${i}`, key: `s${i}` })),
      { concurrency: 4 }
    )
    expect(entries.every((e) => e.ok)).toBe(true)
    expect(fake.billedCount).toBe(12)
    await client.close()
  })
})

describe("the fake's rate limiter", () => {
  it("lets a burst through, then answers 429 with Retry-After until tokens refill", async () => {
    const fake = new FakeVisgate({ startAt: Date.UTC(2026, 0, 1), rateLimit: { requestsPerSecond: 2, burst: 2 } })
    const get = () => fake.fetch("http://fake.local/api/v1/health")
    expect((await get()).status).toBe(200)
    expect((await get()).status).toBe(200)
    const limited = await get()
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("1")
    expect(await limited.json()).toMatchObject({ error: "RATE_LIMIT_EXCEEDED" })
    fake.advance(500)
    expect((await get()).status).toBe(200)
    expect((await get()).status).toBe(429)
    expect([fake.rateLimiter!.admitted, fake.rateLimiter!.rejected]).toEqual([3, 2])
  })
})
