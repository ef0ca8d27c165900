/**
 * `tracing: true` turns on a span per call (and the platform's HTTP span with trace propagation);
 * off (the default), calls create no span at all.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import { Health } from "../src/services/Health.js"
import { Images } from "../src/services/Images.js"
import * as VisgateLayer from "../src/layers/VisgateLayer.js"

/** Runs `effect` under a tracer that records span names and delegates to the default one. */
const traced = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const names: Array<string> = []
    const base = yield* Effect.tracer
    const tracer = Tracer.make({
      span: (...args) => {
        names.push(args[0])
        return base.span(...args)
      },
      context: (f, fiber) => base.context(f, fiber)
    })
    yield* Effect.withTracer(effect, tracer)
    return names
  })

const seen: Array<Headers> = []
const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
  seen.push(new Headers(init?.headers as HeadersInit))
  return new Response(JSON.stringify({ status: "ok" }), { headers: { "content-type": "application/json" } })
}) as typeof globalThis.fetch

describe("tracing", () => {
  it.effect("off by default: no span per call", () =>
    Effect.gen(function*() {
      const names = yield* traced(Effect.flatMap(Health, (h) => h.check()).pipe(
        Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-t", baseUrl: "http://t.test/api/v1", fetch }))
      ))
      expect(names).toEqual([])
    }))

  it.effect("tracing: true gives the call's span and the HTTP span, and propagates the trace", () =>
    Effect.gen(function*() {
      seen.length = 0
      const names = yield* traced(Effect.flatMap(Health, (h) => h.check()).pipe(
        Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-t", baseUrl: "http://t.test/api/v1", fetch, tracing: true }))
      ))
      expect(names).toContain("Visgate GET /health")
      expect(names.some((n) => n.startsWith("http.client"))).toBe(true)
      expect(seen[0]!.get("traceparent") ?? seen[0]!.get("b3")).toBeTruthy()
    }))
})

describe("tracing: the Effect layers use the GenAI span names and attributes", () => {
  it.effect("a generation's span is `generate_content {model}` with gen_ai.* and visgate.* attributes", () =>
    Effect.gen(function*() {
      const spans: Array<{ name: string; attributes: Map<string, unknown> }> = []
      const base = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (...args) => {
          const span = base.span(...args)
          spans.push({ name: args[0], attributes: span.attributes as Map<string, unknown> })
          return span
        },
        context: (f, fiber) => base.context(f, fiber)
      })
      const image = { id: "img-1", images: ["https://img.test/a.png"], model: "fal-ai/flux/schnell", provider: "fal", cost: 0.01, cache_hit: false }
      const genFetch = (async () =>
        new Response(JSON.stringify(image), {
          headers: { "content-type": "application/json", "x-request-id": "req-9" }
        })) as unknown as typeof globalThis.fetch
      yield* Effect.withTracer(
        Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat")).pipe(
          Effect.provide(VisgateLayer.layerFetch({ apiKey: "vg-t", baseUrl: "http://t.test/api/v1", fetch: genFetch, tracing: true }))
        ),
        tracer
      )
      const span = spans.find((s) => s.name === "generate_content fal-ai/flux/schnell")!
      expect(span).toBeDefined()
      expect(Object.fromEntries(span.attributes)).toMatchObject({
        "gen_ai.operation.name": "generate_content",
        "gen_ai.provider.name": "visgate",
        "gen_ai.request.model": "fal-ai/flux/schnell",
        "gen_ai.output.type": "image",
        "visgate.cost_usd": 0.01,
        "visgate.cache_hit": false,
        "visgate.request_id": "req-9",
        "visgate.attempts": 1
      })
    }))
})
