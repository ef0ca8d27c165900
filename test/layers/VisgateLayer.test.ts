/**
 * Effect idioms: `layerConfig` takes `Config` values, `transformClient` wraps the `HttpClient`
 * with the user's middleware, and `retrySchedule` replaces the retry policy (one Idempotency-Key
 * per generation still).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as FetchClient from "../../src/internal/fetchClient.js"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import { ValidationError } from "../../src/schemas/Errors.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"

const IMAGE = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

const recording = (handler: (index: number) => Response) => {
  const calls: Array<{ url: string; headers: Headers }> = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers as HeadersInit) })
    return handler(calls.length - 1)
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

describe("layerConfig with Config values", () => {
  it.effect("reads each Config option from the ConfigProvider", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recording(() => json({ status: "ok" }))
      const layer = VisgateLayer.layerConfig({
        apiKey: Config.redacted("MY_KEY"),
        baseUrl: Config.string("MY_URL"),
        maxRetries: Config.integer("MY_RETRIES")
      }).pipe(Layer.provide(FetchClient.layer(fetch)))
      yield* Effect.flatMap(Health, (h) => h.check()).pipe(
        Effect.provide(layer),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(new Map([["MY_KEY", "vg-from-config"], ["MY_URL", "http://cfg.test/api/v1"], ["MY_RETRIES", "0"]]))
        )
      )
      expect(calls[0]!.url).toBe("http://cfg.test/api/v1/health")
      expect(calls[0]!.headers.get("authorization")).toBe("Bearer vg-from-config")
    }))

  it.effect("a missing Config value fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.flatMap(Health, (h) => h.check()).pipe(
          Effect.provide(VisgateLayer.layerConfig({ apiKey: Config.redacted("ABSENT_KEY") }).pipe(
            Layer.provide(FetchClient.layer(recording(() => json({})).fetch))
          )),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
        )
      )
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("ABSENT_KEY")
    }))
})

describe("transformClient", () => {
  it.effect("the user's middleware sees every request", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recording(() => json({ status: "ok" }))
      const seen: Array<string> = []
      const layer = VisgateLayer.layerFetch({
        apiKey: "vg-t",
        baseUrl: "http://t.test/api/v1",
        fetch,
        transformClient: (client) =>
          client.pipe(
            HttpClient.mapRequest(HttpClientRequest.setHeader("x-middleware", "yes")),
            HttpClient.tapRequest((request) => Effect.sync(() => seen.push(`${request.method} ${request.url}`)))
          )
      })
      yield* Effect.flatMap(Health, (h) => h.check()).pipe(Effect.provide(layer))
      expect(calls[0]!.headers.get("x-middleware")).toBe("yes")
      expect(calls[0]!.headers.get("authorization")).toBe("Bearer vg-t")
      expect(seen).toEqual(["GET http://t.test/api/v1/health"])
    }))
})

describe("retrySchedule", () => {
  it.effect("replaces the policy; a generation keeps one Idempotency-Key across its retries", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recording((i) => (i < 4 ? json({ error: "busy" }, 503) : json(IMAGE)))
      const layer = VisgateLayer.layerFetch({
        apiKey: "vg-t",
        baseUrl: "http://t.test/api/v1",
        fetch,
        retrySchedule: Schedule.intersect(Schedule.spaced("1 second"), Schedule.recurs(5))
      })
      const fiber = yield* Effect.fork(
        Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat")).pipe(Effect.provide(layer))
      )
      // The user's spacing, not the built-in backoff: 1 s per retry.
      for (let i = 0; i < 4; i++) yield* TestClock.adjust(Duration.seconds(1))
      const result = yield* Fiber.join(fiber)
      expect(result.id).toBe("img-1")
      expect(calls).toHaveLength(5)
      expect(new Set(calls.map((c) => c.headers.get("idempotency-key"))).size).toBe(1)
    }))

  it.effect("never retries what is not retryable, and stops when the schedule does", () =>
    Effect.gen(function*() {
      const bad = recording(() => json({ error: "bad" }, 400))
      const layer = (fetch: typeof globalThis.fetch) =>
        VisgateLayer.layerFetch({ apiKey: "vg-t", baseUrl: "http://t.test/api/v1", fetch, retrySchedule: Schedule.recurs(3) })
      yield* Effect.exit(Effect.flatMap(Health, (h) => h.check()).pipe(Effect.provide(layer(bad.fetch))))
      expect(bad.calls).toHaveLength(1)
      const busy = recording(() => json({ error: "busy" }, 503))
      yield* Effect.exit(Effect.flatMap(Health, (h) => h.check()).pipe(Effect.provide(layer(busy.fetch))))
      expect(busy.calls).toHaveLength(4)
    }))

  it.effect("a retrySchedule that is not a Schedule is a ValidationError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.flatMap(Health, (h) => h.check()).pipe(
          Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-t", retrySchedule: {} as never }))
        )
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(ValidationError)
    }))
})
