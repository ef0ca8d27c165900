import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import { constantTimeEqual } from "../../src/internal/constantTime.js"
import { DecodeError, ValidationError, VisgateError, WebhookVerificationError } from "../../src/schemas/Errors.js"
import { DeploymentReadyEvent, InferenceJobEvent, UnknownWebhookEvent } from "../../src/schemas/Webhooks.js"
import * as Webhooks from "../../src/services/Webhooks.js"
import * as Promised from "../../src/webhooks.js"

const SECRET = "whsec_unit_secret_42"
const H = { "x-visgate-internal-secret": SECRET }
const READY = {
  event: "deployment_ready",
  deployment_id: "dep_2026_abcd1234",
  status: "ready",
  endpoint_url: "https://api.runpod.ai/v2/ep_1/run",
  runpod_endpoint_id: "ep_1",
  model_id: "stabilityai/sdxl-turbo",
  gpu_allocated: "RTX A5000 24GB",
  created_at: "2026-03-01T10:00:00Z",
  ready_at: "2026-03-01T10:02:09Z",
  duration_seconds: 129,
  t_r2_sync_s: null,
  t_model_load_s: 12.5,
  loaded_from_cache: false,
  usage_example: {
    method: "POST",
    url: "https://api.runpod.ai/v2/ep_1/run",
    headers: { Authorization: "Bearer <YOUR_RUNPOD_API_KEY>" },
    body: { input: { prompt: "a cat" } }
  }
}
const JOB = {
  event: "inference_job_completed",
  job_id: "job_20260301_ab12cd34",
  deployment_id: "dep_2026_abcd1234",
  provider_job_id: "rp_1",
  status: "completed",
  provider_status: "COMPLETED",
  gpu_allocated: "RTX A5000 24GB",
  output_destination: { bucket_name: "b", endpoint_url: "https://r2", key_prefix: "inference/outputs/d/j" },
  artifact: {
    bucket_name: "b",
    endpoint_url: "https://r2",
    key: "k",
    url: "https://r2/k.png",
    content_type: "image/png",
    bytes: 10
  },
  metrics: { queue_ms: 1000, execution_ms: 3000, wall_clock_ms: 4000 },
  estimated_cost_usd: 0.000264,
  output: { image: "https://r2/k.png", seed: 42 },
  error: null
}
const json = (u: unknown) => JSON.stringify(u)

/** A body stream of `chunks` chunks of `size` bytes (endless when `chunks` is Infinity); counts the bytes pulled. */
const countingStream = (chunks: number, size: number, prefix = "") => {
  const stats = { pulled: 0, cancelled: false }
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= chunks) return controller.close()
      const chunk = sent === 0 && prefix
        ? new TextEncoder().encode(prefix.padEnd(size, " "))
        : new Uint8Array(size).fill(32)
      sent++
      stats.pulled += chunk.length
      controller.enqueue(chunk)
    },
    cancel() {
      stats.cancelled = true
    }
  }, { highWaterMark: 0 })
  return { stream, stats }
}

const streamingRequest = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = H) =>
  new Request("http://hooks.local/visgate", { method: "POST", body, headers, duplex: "half" } as RequestInit)

const fail = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect)

describe("unwrapRaw", () => {
  it.effect("decodes deployment_ready into camelCase fields (string, Buffer, Uint8Array, ArrayBuffer bodies)", () =>
    Effect.gen(function*() {
      const text = json(READY)
      const bytes = new TextEncoder().encode(text)
      for (const body of [text, Buffer.from(text), bytes, bytes.buffer.slice(0)]) {
        const event = yield* Webhooks.unwrapRaw(body, H, { secret: SECRET })
        expect(event).toBeInstanceOf(DeploymentReadyEvent)
        expect(event).toMatchObject({
          event: "deployment_ready",
          deploymentId: "dep_2026_abcd1234",
          endpointUrl: "https://api.runpod.ai/v2/ep_1/run",
          runpodEndpointId: "ep_1",
          modelId: "stabilityai/sdxl-turbo",
          readyAt: "2026-03-01T10:02:09Z",
          durationSeconds: 129,
          tModelLoadS: 12.5,
          loadedFromCache: false,
          usageExample: { method: "POST", headers: { Authorization: "Bearer <YOUR_RUNPOD_API_KEY>" } }
        })
        expect("tR2SyncS" in event).toBe(false) // null on the wire: absent
      }
    }))

  it.effect("decodes inference_job_<status>; status comes from `event` when the payload leaves it out", () =>
    Effect.gen(function*() {
      const done = yield* Webhooks.unwrapRaw(json(JOB), H, { secret: SECRET })
      expect(done).toBeInstanceOf(InferenceJobEvent)
      expect(done).toMatchObject({
        event: "inference_job_completed",
        jobId: "job_20260301_ab12cd34",
        status: "completed",
        providerStatus: "COMPLETED",
        artifact: { url: "https://r2/k.png", contentType: "image/png", bytes: 10 },
        metrics: { queueMs: 1000, executionMs: 3000, wallClockMs: 4000 },
        outputDestination: { keyPrefix: "inference/outputs/d/j" },
        estimatedCostUsd: 0.000264,
        output: { image: "https://r2/k.png", seed: 42 }
      })
      for (const status of ["failed", "cancelled", "expired", "queued", "running", "timed_out_someday"]) {
        const { status: _omit, ...rest } = JOB
        const e = yield* Webhooks.unwrapRaw(json({ ...rest, event: `inference_job_${status}` }), H, { secret: SECRET })
        expect(e).toMatchObject({ event: `inference_job_${status}`, status })
      }
    }))

  it.effect("an unknown event keeps its name and raw payload (forward compatible)", () =>
    Effect.gen(function*() {
      const payload = { event: "deployment_scaled", deployment_id: "dep_1", workers: 3, nested: { a: [1, 2] } }
      const e = yield* Webhooks.unwrapRaw(json(payload), H, { secret: SECRET })
      expect(e).toBeInstanceOf(UnknownWebhookEvent)
      expect(e).toMatchObject({ event: "unknown", rawEvent: "deployment_scaled", payload })
      // `inference_job_` alone is not a job event
      expect(yield* Webhooks.unwrapRaw(json({ event: "inference_job_" }), H, { secret: SECRET })).toMatchObject({
        event: "unknown",
        rawEvent: "inference_job_"
      })
    }))

  it.effect("headers: Node's IncomingHttpHeaders in any case, a one-item array, or a web Headers", () =>
    Effect.gen(function*() {
      const body = json(READY)
      for (
        const headers of [
          { "X-Visgate-Internal-Secret": SECRET },
          { "x-visgate-internal-secret": [SECRET], "content-length": 10 },
          { "x-visgate-internal-secret": [SECRET, SECRET] },
          new Headers(H)
        ]
      ) {
        expect((yield* Webhooks.unwrapRaw(body, headers, { secret: SECRET })).event).toBe("deployment_ready")
      }
    }))

  it.effect("a Redacted secret works like a string", () =>
    Effect.gen(function*() {
      const e = yield* Webhooks.unwrapRaw(json(READY), H, { secret: Redacted.make(SECRET) })
      expect(e.event).toBe("deployment_ready")
      const err = yield* fail(Webhooks.unwrapRaw(json(READY), H, { secret: Redacted.make("other") }))
      expect(err).toMatchObject({ _tag: "WebhookVerificationError", reason: "invalid_secret" })
    }))
})

describe("verification", () => {
  const refuse = (headers: Webhooks.WebhookHeaders, secret: Webhooks.WebhookSecret | undefined) =>
    fail(Webhooks.unwrapRaw(json(READY), headers, { secret }))

  it.effect("missing, empty, wrong, shorter, longer and multiple different headers are refused", () =>
    Effect.gen(function*() {
      expect(yield* refuse({}, SECRET)).toMatchObject({
        reason: "missing_secret",
        errorCode: "WEBHOOK_VERIFICATION_FAILED"
      })
      expect(yield* refuse({ "x-visgate-internal-secret": "" }, SECRET)).toMatchObject({ reason: "missing_secret" })
      expect(yield* refuse({ "x-visgate-internal-secret": undefined }, SECRET)).toMatchObject({
        reason: "missing_secret"
      })
      for (const wrong of ["nope", SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase(), ` ${SECRET}`]) {
        expect(yield* refuse({ "x-visgate-internal-secret": wrong }, SECRET)).toMatchObject({
          reason: "invalid_secret"
        })
      }
      expect(yield* refuse({ "x-visgate-internal-secret": [SECRET, "other"] }, SECRET)).toMatchObject({
        reason: "invalid_secret"
      })
      expect(yield* refuse({ "x-visgate-internal-secret": SECRET, "X-VISGATE-INTERNAL-SECRET": "other" }, SECRET))
        .toMatchObject({ reason: "invalid_secret" })
    }))

  it.effect("no secret configured (undefined, empty, empty Redacted) refuses everything: fail closed", () =>
    Effect.gen(function*() {
      for (const secret of [undefined, "", Redacted.make("")]) {
        const err = yield* refuse(H, secret)
        expect(err).toBeInstanceOf(WebhookVerificationError)
        expect(err).toMatchObject({ reason: "secret_not_configured" })
      }
      expect(yield* refuse({ "x-visgate-internal-secret": "" }, "")).toMatchObject({ reason: "secret_not_configured" })
    }))

  it.effect("the secret is checked before the body: a wrong secret never reads a byte", () =>
    Effect.gen(function*() {
      const { stream, stats } = countingStream(Infinity, 1024)
      const err = yield* fail(
        Webhooks.unwrap(streamingRequest(stream, { "x-visgate-internal-secret": "bad" }), { secret: SECRET })
      )
      expect(err).toMatchObject({ reason: "invalid_secret" })
      expect(stats.pulled).toBe(0)
    }))

  it("every error is a VisgateError and a real Error (Promise entry), with the right class", async () => {
    const err = await Promised.unwrapRaw(json(READY), {}, { secret: SECRET }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err).toBeInstanceOf(VisgateError)
    expect(err).toBeInstanceOf(Promised.WebhookVerificationError)
    expect(Promised.isVisgateError(err)).toBe(true)
    const decode = await Promised.unwrapRaw("{", H, { secret: SECRET }).catch((e: unknown) => e)
    expect(decode).toBeInstanceOf(DecodeError)
    expect(decode).toBeInstanceOf(VisgateError)
  })
})

describe("body cap", () => {
  it.effect("raw bodies over maxBytes (default 1 MiB) are refused with reason body_too_large", () =>
    Effect.gen(function*() {
      const big = json({ ...READY, pad: "x".repeat(1024 * 1024) })
      const err = yield* fail(Webhooks.unwrapRaw(big, H, { secret: SECRET }))
      expect(err).toMatchObject({
        _tag: "WebhookVerificationError",
        reason: "body_too_large",
        errorCode: "WEBHOOK_BODY_TOO_LARGE"
      })
      expect(err.details).toEqual({ maxBytes: 1024 * 1024 })
      const small = json(READY)
      const n = new TextEncoder().encode(small).length
      expect((yield* Webhooks.unwrapRaw(small, H, { secret: SECRET, maxBytes: n })).event).toBe("deployment_ready")
      expect(yield* fail(Webhooks.unwrapRaw(small, H, { secret: SECRET, maxBytes: n - 1 }))).toMatchObject({
        reason: "body_too_large"
      })
      expect(yield* fail(Webhooks.unwrapRaw(Buffer.from(small), H, { secret: SECRET, maxBytes: n - 1 }))).toMatchObject(
        {
          reason: "body_too_large"
        }
      )
      // multi-byte characters count as bytes, not as string length
      const accents = json({ event: "x", note: "é".repeat(10) })
      const bytes = new TextEncoder().encode(accents).length
      expect(bytes).toBeGreaterThan(accents.length)
      expect(yield* fail(Webhooks.unwrapRaw(accents, H, { secret: SECRET, maxBytes: accents.length }))).toMatchObject({
        reason: "body_too_large"
      })
    }))

  it.effect("a streaming Request is cut off while reading: an endless body stops just past the cap", () =>
    Effect.gen(function*() {
      const { stream, stats } = countingStream(Infinity, 4096)
      const err = yield* fail(Webhooks.unwrap(streamingRequest(stream), { secret: SECRET, maxBytes: 64 * 1024 }))
      expect(err).toMatchObject({ reason: "body_too_large" })
      expect(stats.pulled).toBeLessThanOrEqual(64 * 1024 + 2 * 4096)
      expect(stats.cancelled).toBe(true)
    }))

  it.effect("a declared Content-Length over the cap is refused before reading", () =>
    Effect.gen(function*() {
      const { stream, stats } = countingStream(Infinity, 1024)
      const request = streamingRequest(stream, { ...H, "content-length": String(2 * 1024 * 1024) })
      expect(yield* fail(Webhooks.unwrap(request, { secret: SECRET }))).toMatchObject({ reason: "body_too_large" })
      expect(stats.pulled).toBe(0)
    }))

  it.effect("a streamed body under the cap, in several chunks, decodes", () =>
    Effect.gen(function*() {
      const text = json(READY)
      const bytes = new TextEncoder().encode(text)
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7))
          c.close()
        }
      })
      expect(yield* Webhooks.unwrap(streamingRequest(stream), { secret: SECRET })).toMatchObject({
        deploymentId: "dep_2026_abcd1234"
      })
    }))

  it.effect("maxBytes must be a positive integer (ValidationError, before anything else)", () =>
    Effect.gen(function*() {
      for (const maxBytes of [0, -1, 1.5, Number.NaN, Infinity]) {
        const err = yield* fail(Webhooks.unwrapRaw(json(READY), H, { secret: SECRET, maxBytes }))
        expect(err).toBeInstanceOf(ValidationError)
        expect(err).toMatchObject({ field: "maxBytes" })
      }
    }))
})

describe("malformed payloads", () => {
  const decodeErr = (body: Webhooks.WebhookRawBody) => fail(Webhooks.unwrapRaw(body, H, { secret: SECRET }))

  it.effect("not UTF-8, not JSON, not an object, no event: DecodeError on body / event", () =>
    Effect.gen(function*() {
      for (const body of [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), "{", "", "[1,2]", "null", "42", "\"x\""]) {
        const err = yield* decodeErr(body)
        expect(err).toBeInstanceOf(DecodeError)
        expect(err).toMatchObject({ field: "body", endpoint: "webhook", errorCode: "DECODE_ERROR" })
      }
      for (const body of [{}, { event: 1 }, { event: "" }, { event: null }]) {
        expect(yield* decodeErr(json(body))).toMatchObject({ _tag: "DecodeError", field: "event" })
      }
    }))

  it.effect("a known event with a missing or mistyped field names the wire field", () =>
    Effect.gen(function*() {
      const { deployment_id: _d, ...noId } = READY
      expect(yield* decodeErr(json(noId))).toMatchObject({ field: "deployment_id" })
      expect(yield* decodeErr(json({ ...READY, duration_seconds: "long" }))).toMatchObject({
        field: "duration_seconds"
      })
      expect(yield* decodeErr(json({ ...READY, usage_example: { url: 5 } }))).toMatchObject({
        field: "usage_example.url"
      })
      const { job_id: _j, ...noJob } = JOB
      const err = yield* decodeErr(json(noJob))
      expect(err).toMatchObject({ field: "job_id" })
      expect(err.message).toContain("inference_job_completed")
      expect(yield* decodeErr(json({ ...JOB, metrics: { queue_ms: "x" } }))).toMatchObject({
        field: "metrics.queue_ms"
      })
    }))

  it.effect("unwrapRaw needs the raw body: a parsed object (express.json()) is a ValidationError on body", () =>
    Effect.gen(function*() {
      const err = yield* fail(Webhooks.unwrapRaw(READY as unknown as string, H, { secret: SECRET }))
      expect(err).toBeInstanceOf(ValidationError)
      expect(err).toMatchObject({ field: "body" })
      expect(err.message).toContain("express.raw")
    }))

  it.effect("a Request whose body was already read is a ValidationError", () =>
    Effect.gen(function*() {
      const request = new Request("http://hooks.local/", { method: "POST", body: json(READY), headers: H })
      yield* Effect.promise(() => request.text())
      expect(yield* fail(Webhooks.unwrap(request, { secret: SECRET }))).toMatchObject({
        _tag: "ValidationError",
        field: "request"
      })
    }))
})

describe("the secret never leaks", () => {
  // secrets and received values carry a marker no fixed message contains, so a hit is a real leak
  const token = FastCheck.stringMatching(/^[\x21-\x7e]{1,40}$/)
  const secretArb = token.map((s) => `sk${s}Q`)
  const receivedArb = FastCheck.oneof(token.map((s) => `rx${s}Z`), FastCheck.constant(""))
  const leaks = (err: unknown, values: ReadonlyArray<string>) => {
    const e = err as Error
    const texts = [e.message, String(e), JSON.stringify(e), e.stack ?? "", JSON.stringify(Object.entries(e))]
    return values.filter((v) => v.length > 2).some((v) => texts.some((t) => t.includes(v)))
  }

  it("no message, String(err), JSON.stringify(err) or stack contains the expected or the received secret", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(
        secretArb,
        receivedArb,
        FastCheck.boolean(),
        FastCheck.constantFrom("raw", "request", "headers"),
        async (secret, received, redacted, mode) => {
          const configured = redacted ? Redacted.make(secret) : secret
          const headers = received === "" ? {} : { "x-visgate-internal-secret": received }
          const run = mode === "request"
            ? Promised.unwrap(new Request("http://h.local/", { method: "POST", body: json(READY), headers }), {
              secret: configured
            })
            : Promised.unwrapRaw(json(READY), mode === "headers" ? new Headers(headers) : headers, {
              secret: configured
            })
          const err = await run.then(() => undefined, (e: unknown) => e)
          if (received === secret) return err === undefined
          return err instanceof WebhookVerificationError && !leaks(err, [secret, received])
        }
      ),
      { numRuns: 300 }
    )
  })

  it("nor do decode and cap errors of a verified request", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(secretArb, FastCheck.string(), async (secret, junk) => {
        const headers = { "x-visgate-internal-secret": secret }
        const errors = await Promise.all([
          Promised.unwrapRaw(junk, headers, { secret }).catch((e: unknown) => e),
          Promised.unwrapRaw(json({ event: "deployment_ready", deployment_id: 1 }), headers, { secret }).catch((e) =>
            e
          ),
          Promised.unwrapRaw(json(READY), headers, { secret, maxBytes: 8 }).catch((e: unknown) => e)
        ])
        return errors.every((e) => !(e instanceof Error) || !leaks(e, [secret]))
      }),
      { numRuns: 100 }
    )
  })
})

describe("constantTimeEqual", () => {
  it("agrees with plain equality on arbitrary bytes", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.uint8Array({ maxLength: 40 }), FastCheck.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)))
        expect(constantTimeEqual(a, a.slice())).toBe(true)
      })
    )
  })

  it("reads every byte of the expected secret whatever it is given (no early exit, not even on length)", () => {
    const expected = new TextEncoder().encode(SECRET)
    const reads = (received: Uint8Array) => {
      let count = 0
      const spy = new Proxy(expected, {
        get(target, key) {
          if (typeof key === "string" && /^\d+$/.test(key)) count++
          const v = Reflect.get(target, key, target)
          return typeof v === "function" ? v.bind(target) : v
        }
      })
      constantTimeEqual(received, spy)
      return count
    }
    const inputs = [
      new Uint8Array(0),
      new TextEncoder().encode("x"),
      new TextEncoder().encode(`${SECRET}${SECRET}`),
      expected.slice()
    ]
    expect(inputs.map(reads)).toEqual(inputs.map(() => expected.length))
  })
})

describe("Effect service", () => {
  it.effect("Webhooks.layer binds the secret and cap", () =>
    Effect.gen(function*() {
      const hooks = yield* Webhooks.Webhooks
      expect((yield* hooks.unwrapRaw(json(READY), H)).event).toBe("deployment_ready")
      expect(yield* Effect.flip(hooks.unwrapRaw(json({ ...READY, pad: "x".repeat(1_000) }), H))).toMatchObject({
        reason: "body_too_large"
      })
      const request = new Request("http://h.local/", { method: "POST", body: json(JOB), headers: H })
      expect((yield* hooks.unwrap(request)).event).toBe("inference_job_completed")
    }).pipe(Effect.provide(Webhooks.layer({ secret: Redacted.make(SECRET), maxBytes: 1_000 }))))

  it.effect("Webhooks.layerConfig reads VISGATE_WEBHOOK_SECRET from the ConfigProvider", () =>
    Effect.gen(function*() {
      const hooks = yield* Webhooks.Webhooks
      expect((yield* hooks.unwrapRaw(json(READY), H)).event).toBe("deployment_ready")
      expect(yield* Effect.flip(hooks.unwrapRaw(json(READY), { "x-visgate-internal-secret": "other" }))).toMatchObject({
        reason: "invalid_secret"
      })
    }).pipe(
      Effect.provide(Webhooks.layerConfig()),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["VISGATE_WEBHOOK_SECRET", SECRET]])))
    ))

  it("Promise results are plain objects", async () => {
    const event = await Promised.unwrapRaw(json(READY), H, { secret: SECRET })
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype)
    expect(structuredClone(event)).toEqual(event)
  })
})
