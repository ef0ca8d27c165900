/**
 * OpenTelemetry spans of the Promise client, exported to an in-memory exporter: one span per
 * call, named and attributed after the GenAI semantic conventions plus `visgate.*`, a
 * `visgate.retry` event per retry; none when tracing is off.
 */
import { trace } from "@opentelemetry/api"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { afterEach, describe, expect, it } from "vitest"
import { Client, ValidationError } from "../../src/index.js"

const KEY = "vg-otel-secret-key"
const IMAGE = {
  id: "img-1",
  images: ["https://img.test/a.png"],
  model: "fal-ai/flux/schnell",
  provider: "fal",
  cost: 0.003,
  cache_hit: true
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const sequence = (...responses: Array<() => Response>) => {
  let i = 0
  return (async () => responses[Math.min(i++, responses.length - 1)]!()) as unknown as typeof globalThis.fetch
}

const busy = () => json({ error: "busy" }, 503, { "retry-after": "0" })

const setup = () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  return { exporter, provider }
}

/** A client with `tracing: true` (the global provider) whose calls all succeed. */
const globalTracingClient = () =>
  new Client({
    apiKey: KEY,
    baseUrl: "http://t.test/api/v1",
    tracing: true,
    fetch: sequence(() => json({ status: "ok" }))
  })

afterEach(() => {
  trace.disable()
})

describe("Promise client OpenTelemetry", () => {
  it("one span per generation call, GenAI names and visgate attributes, a retry event", async () => {
    const { exporter, provider } = setup()
    const client = new Client({
      apiKey: KEY,
      baseUrl: "http://t.test/api/v1",
      tracerProvider: provider,
      fetch: sequence(busy, () => json(IMAGE, 200, { "x-request-id": "req-7" }))
    })
    const result = await client.images.generate("fal-ai/flux/schnell", "a cat")
    expect(result.id).toBe("img-1")
    const spans = exporter.getFinishedSpans()
    expect(spans).toHaveLength(1)
    const span = spans[0]!
    expect(span.name).toBe("generate_content fal-ai/flux/schnell")
    expect(span.kind).toBe(2) // CLIENT
    expect(span.instrumentationScope.name).toBe("@visgate_ai/client")
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "generate_content",
      "gen_ai.provider.name": "visgate",
      "gen_ai.system": "visgate",
      "gen_ai.request.model": "fal-ai/flux/schnell",
      "gen_ai.output.type": "image",
      "gen_ai.response.model": "fal-ai/flux/schnell",
      "gen_ai.response.id": "img-1",
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "visgate.provider": "fal",
      "visgate.cost_usd": 0.003,
      "visgate.cache_hit": true,
      "visgate.request_id": "req-7",
      "visgate.attempts": 2
    })
    expect(span.events.map((e) => e.name)).toEqual(["visgate.retry"])
    expect(span.events[0]!.attributes).toMatchObject({
      "visgate.attempt": 1,
      "visgate.status": 503,
      "visgate.retry_in_ms": 0
    })
    expect(span.status.code).toBe(0) // UNSET
    expect(JSON.stringify(span.attributes)).not.toContain(KEY)
    await client.close()
  })

  it("a failed call's span has error status and error.type", async () => {
    const { exporter, provider } = setup()
    const client = new Client({
      apiKey: KEY,
      baseUrl: "http://t.test/api/v1",
      tracerProvider: provider,
      fetch: sequence(() => json({ error: "bad", error_code: "INVALID" }, 400, { "x-request-id": "req-bad" }))
    })
    await expect(client.health()).rejects.toThrow()
    const [span] = exporter.getFinishedSpans()
    expect(span!.name).toBe("Visgate GET /health")
    expect(span!.status.code).toBe(2) // ERROR
    expect(span!.attributes).toMatchObject({ "visgate.attempts": 1, "http.response.status_code": 400 })
    expect(typeof span!.attributes["error.type"]).toBe("string")
    await client.close()
  })

  it("tracing: true uses the global tracer provider of @opentelemetry/api", async () => {
    const { exporter, provider } = setup()
    trace.setGlobalTracerProvider(provider)
    const client = globalTracingClient()
    await client.health()
    await client.health()
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["Visgate GET /health", "Visgate GET /health"])
    await client.close()
  })

  it("tracing: true follows the global provider as it is registered, without importing @opentelemetry/api", async () => {
    const client = globalTracingClient()
    // No provider registered yet: the call works and records nothing.
    await client.health()
    const first = setup()
    trace.setGlobalTracerProvider(first.provider)
    await client.health()
    expect(first.exporter.getFinishedSpans().map((s) => s.name)).toEqual(["Visgate GET /health"])
    // Another provider registered later is used from then on.
    trace.disable()
    const second = setup()
    trace.setGlobalTracerProvider(second.provider)
    await client.health()
    expect(first.exporter.getFinishedSpans()).toHaveLength(1)
    expect(second.exporter.getFinishedSpans().map((s) => s.name)).toEqual(["Visgate GET /health"])
    await client.close()
  })

  it("off by default: no span, even with a global provider", async () => {
    const { exporter, provider } = setup()
    trace.setGlobalTracerProvider(provider)
    const client = new Client({
      apiKey: KEY,
      baseUrl: "http://t.test/api/v1",
      fetch: sequence(() => json({ status: "ok" }))
    })
    await client.health()
    expect(exporter.getFinishedSpans()).toEqual([])
    await client.close()
  })

  it("a bad tracerProvider is a ValidationError", () => {
    expect(() => new Client({ apiKey: KEY, tracerProvider: {} as never })).toThrow(ValidationError)
  })
})
