/**
 * `tracing: true` turns on a span per call (and the platform's HTTP span with trace propagation);
 * off (the default), calls create no span at all.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import { Health } from "../src/services/Health.js"
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
