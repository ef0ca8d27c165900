import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as FetchClient from "../../src/internal/fetchClient.js"
import * as Live from "../../src/layers/VisgateLayer.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import { VisgateClient } from "../../src/services/VisgateClient.js"
import { json, mockHttp, text } from "../support/http.js"

const imageBody = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

/** Runs `effect` with the mock, returning the Either of its outcome. */
const attempt = <A, E>(effect: Effect.Effect<A, E, any>, layer: any) =>
  Effect.either(Effect.provide(effect, layer)) as Effect.Effect<Either.Either<A, E>>

describe("VisgateClient: requests on the wire", () => {
  it.effect("sends bearer auth, BYOK headers, accept and user-agent; content-type only with a body", () =>
    Effect.gen(function*() {
      const mock = mockHttp((req) => req.path.includes("health") ? json({ status: "ok" }) : json(imageBody))
      const layer = mock.layer({
        apiKey: "vg-secret",
        falKey: "fal_1",
        replicateKey: "r8_2",
        runwayKey: "rw_3",
        runpodKey: "rpa_4"
      })
      yield* Effect.provide(Effect.flatMap(Health, (h) => h.check()), layer)
      yield* Effect.provide(Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat")), layer)
      const [get, post] = mock.requests
      expect(get!.method).toBe("GET")
      expect(get!.url.href).toBe("https://api.test/api/v1/health")
      expect(get!.headers.authorization).toBe("Bearer vg-secret")
      expect(get!.headers["x-fal-key"]).toBe("fal_1")
      expect(get!.headers["x-replicate-key"]).toBe("r8_2")
      expect(get!.headers["x-runway-key"]).toBe("rw_3")
      expect(get!.headers["x-runpod-key"]).toBe("rpa_4")
      expect(get!.headers.accept).toBe("application/json")
      expect(get!.headers["user-agent"]).toMatch(/^visgate-sdk-js\/\d+\.\d+\.\d+/)
      expect(get!.headers["content-type"]).toBeUndefined()
      expect(get!.headers["idempotency-key"]).toBeUndefined()
      expect(post!.method).toBe("POST")
      expect(post!.headers["content-type"]).toBe("application/json")
      expect(post!.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.effect("strips a trailing slash from baseUrl", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "ok" }))
      yield* Effect.provide(
        Effect.flatMap(Health, (h) => h.check()),
        mock.layer({ baseUrl: "http://x.test/api/v1///" })
      )
      expect(mock.requests[0]!.url.href).toBe("http://x.test/api/v1/health")
    }))

  it.effect("proxy mode sends no Visgate key and no BYOK header, even when configured", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "ok" }))
      const layer = mock.layer({ proxyUrl: "https://app.test/api/visgate/", apiKey: "vg-secret", falKey: "fal_1" })
      yield* Effect.provide(Effect.flatMap(Health, (h) => h.check()), layer)
      const [req] = mock.requests
      expect(req!.url.href).toBe("https://app.test/api/visgate/health")
      expect(req!.headers.authorization).toBeUndefined()
      expect(Object.keys(req!.headers).filter((h) => h.startsWith("x-"))).toEqual([])
    }))

  it.effect("getToken is awaited on every attempt and sent as Bearer", () =>
    Effect.gen(function*() {
      let n = 0
      const mock = mockHttp((_, i) => (i === 0 ? text("busy", 503) : json({ status: "ok" })))
      const layer = mock.layer({
        proxyUrl: "https://app.test/api/visgate",
        maxRetries: 2,
        getToken: async () => `tok-${++n}`
      })
      const fiber = yield* Effect.fork(Effect.provide(Effect.flatMap(Health, (h) => h.check()), layer))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      expect(mock.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"])
    }))

  it.effect("an empty getToken result sends no Authorization header; a throwing one is an AuthenticationError", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "ok" }))
      yield* Effect.provide(
        Effect.flatMap(Health, (h) => h.check()),
        mock.layer({ proxyUrl: "https://app.test/p", getToken: () => "" })
      )
      expect(mock.requests[0]!.headers.authorization).toBeUndefined()
      const result = yield* attempt(
        Effect.flatMap(Health, (h) => h.check()),
        mock.layer({
          proxyUrl: "https://app.test/p",
          getToken: () => Promise.reject(new Error("signed out"))
        })
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("AuthenticationError")
      expect(Either.isLeft(result) && result.left.message).toContain("signed out")
      expect(mock.requests).toHaveLength(1)
    }))
})

describe("VisgateClient: getToken never hangs a call", () => {
  it.effect("a getToken that never settles fails with AuthenticationError after the timeout, before any request", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "ok" }))
      const fiber = yield* Effect.fork(attempt(
        Effect.flatMap(Health, (h) => h.check()),
        mock.layer({ proxyUrl: "https://app.test/p", timeout: 5000, getToken: () => new Promise<string>(() => {}) })
      ))
      yield* TestClock.adjust("5 seconds")
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && (result.left as any)._tag).toBe("AuthenticationError")
      expect(Either.isLeft(result) && (result.left as any).message).toContain("did not settle within 5000 ms")
      expect(mock.requests).toHaveLength(0)
    }))
})

describe("VisgateClient: error mapping", () => {
  const failWith = (response: () => Response) =>
    Effect.gen(function*() {
      const mock = mockHttp(() => response())
      const result = yield* attempt(
        Effect.flatMap(Requests, (r) => r.get("req-1")),
        mock.layer({ maxRetries: 0 })
      )
      if (Either.isRight(result)) throw new Error("expected a failure")
      return result.left as any
    })

  it.effect("401 -> AuthenticationError with the server's message", () =>
    Effect.gen(function*() {
      const err = yield* failWith(() => json({ error: "UNAUTHORIZED", message: "Invalid API key" }, 401))
      expect(err._tag).toBe("AuthenticationError")
      expect(err.statusCode).toBe(401)
      expect(err.message).toBe("Invalid API key")
      expect(err.errorCode).toBe("UNAUTHORIZED")
      const bare = yield* failWith(() => text("", 401))
      expect(bare.message).toBe("Invalid or missing API key")
      expect(bare.errorCode).toBe("AUTHENTICATION_ERROR")
    }))

  it.effect("422 -> ValidationError with details.field", () =>
    Effect.gen(function*() {
      const err = yield* failWith(() => json({ message: "Invalid prompt", details: { field: "prompt" } }, 422))
      expect(err._tag).toBe("ValidationError")
      expect(err.field).toBe("prompt")
      expect(err.message).toBe("Invalid prompt")
      expect(err.errorCode).toBe("VALIDATION_ERROR")
    }))

  it.effect("422 FastAPI detail[0].loc -> ValidationError.field", () =>
    Effect.gen(function*() {
      const err = yield* failWith(() =>
        json({ detail: [{ loc: ["body", "width"], msg: "Input should be a valid integer", type: "int_parsing" }] }, 422)
      )
      expect(err._tag).toBe("ValidationError")
      expect(err.field).toBe("width")
      expect(err.message).toBe("width: Input should be a valid integer")
    }))

  it.effect("429 -> RateLimitError with retryAfter from seconds, HTTP date, or the body", () =>
    Effect.gen(function*() {
      const secs = yield* failWith(() =>
        json({ error: "RATE_LIMIT_EXCEEDED", message: "slow down" }, 429, { "retry-after": "7" })
      )
      expect(secs._tag).toBe("RateLimitError")
      expect(secs.retryAfter).toBe(7)
      expect(secs.message).toBe("slow down")
      const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
      const date = new Date(now + 30_000).toUTCString()
      const dated = yield* failWith(() => text("", 429, { "retry-after": date }))
      expect(dated.retryAfter).toBeGreaterThan(28)
      expect(dated.retryAfter).toBeLessThanOrEqual(30)
      const body = yield* failWith(() =>
        json({ error: "RATE_LIMIT_EXCEEDED", message: "x", details: { retry_after_seconds: 60 } }, 429)
      )
      expect(body.retryAfter).toBe(60)
    }))

  it.effect("error code containing PROVIDER -> ProviderError with details.provider, code kept", () =>
    Effect.gen(function*() {
      const err = yield* failWith(() =>
        json({ error: "PROVIDER_FAILURE", message: "Fal timed out", details: { provider: "fal" } }, 502)
      )
      expect(err._tag).toBe("ProviderError")
      expect(err.provider).toBe("fal")
      expect(err.errorCode).toBe("PROVIDER_FAILURE")
      expect(err.statusCode).toBe(502)
      const nullDetails = yield* failWith(() => json({ error: "PROVIDER_ERROR", message: "x", details: null }, 400))
      expect(nullDetails.provider).toBe("unknown")
      expect(nullDetails.details).toEqual({})
    }))

  it.effect("other codes keep their errorCode; request id from the header", () =>
    Effect.gen(function*() {
      const err = yield* failWith(() =>
        json({ error: "MODEL_NOT_FOUND", message: "Unknown model" }, 404, { "x-request-id": "rid-9" })
      )
      expect(err._tag).toBe("VisgateError")
      expect(err.errorCode).toBe("MODEL_NOT_FOUND")
      expect(err.statusCode).toBe(404)
      expect(err.requestId).toBe("rid-9")
      const bad = yield* failWith(() => json({ error: "BAD_REQUEST", message: "Invalid param" }, 400))
      expect(bad.errorCode).toBe("BAD_REQUEST")
    }))

  it.effect("non-JSON, HTML and empty error bodies", () =>
    Effect.gen(function*() {
      const plain = yield* failWith(() => text("Internal Server Error", 500))
      expect(plain._tag).toBe("VisgateError")
      expect(plain.errorCode).toBe("HTTP_500")
      expect(plain.message).toBe("HTTP 500: Internal Server Error")
      const html = yield* failWith(() => text("<html><body><h1>502 Bad Gateway</h1></body></html>", 502))
      expect(html.message).toBe("HTTP 502: 502 Bad Gateway")
      const empty = yield* failWith(() => text("", 503))
      expect(empty.errorCode).toBe("HTTP_503")
      expect(empty.message).toBe("HTTP 503")
      const fastApi = yield* failWith(() => json({ detail: { error: "HF_RATE_LIMIT", message: "HF busy" } }, 403))
      expect(fastApi.errorCode).toBe("HF_RATE_LIMIT")
      expect(fastApi.message).toBe("HF busy")
    }))

  it.effect("a response that does not match its schema is a DecodeError naming the field", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ images: [], model: "m", provider: "fal" }))
      const result = yield* attempt(
        Effect.flatMap(Images, (s) => s.generate("m", "p")),
        mock.layer()
      )
      const err = Either.isLeft(result) ? (result.left as any) : undefined
      expect(err._tag).toBe("DecodeError")
      expect(err.field).toBe("id")
      expect(err.endpoint).toBe("POST /images/generate")
      expect(err.message).toContain("\"id\"")
      const wrongType = mockHttp(() => json({ ...imageBody, cost: "cheap" }))
      const r2 = yield* attempt(Effect.flatMap(Images, (s) => s.generate("m", "p")), wrongType.layer())
      expect(Either.isLeft(r2) && (r2.left as any).field).toBe("cost")
    }))

  it.effect("malformed and truncated JSON on success is a DecodeError", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text("{\"id\": \"img-1\", \"ima", 200))
      const result = yield* attempt(Effect.flatMap(Images, (s) => s.generate("m", "p")), mock.layer())
      expect(Either.isLeft(result) && (result.left as any)._tag).toBe("DecodeError")
      expect(Either.isLeft(result) && (result.left as any).message).toContain("not valid JSON")
    }))

  it.effect("a dropped connection is a ConnectionError after the retries", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => "reset")
      const fiber = yield* Effect.fork(attempt(Effect.flatMap(Health, (h) => h.check()), mock.layer({ maxRetries: 2 })))
      yield* TestClock.adjust("1 minute")
      const result = yield* Fiber.join(fiber)
      const err = Either.isLeft(result) ? (result.left as any) : undefined
      expect(err._tag).toBe("ConnectionError")
      expect(err.attempts).toBe(3)
      expect(err.message).toContain("fetch failed")
      expect(mock.requests).toHaveLength(3)
    }))

  it.effect("an attempt longer than timeout is a TimeoutError; each attempt gets the full timeout", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => Effect.never)
      const fiber = yield* Effect.fork(
        attempt(Effect.flatMap(Health, (h) => h.check()), mock.layer({ timeout: 1000, maxRetries: 1 }))
      )
      yield* TestClock.adjust("999 millis")
      expect(mock.requests).toHaveLength(1)
      yield* TestClock.adjust("1 millis") // first attempt times out, backoff starts (400..600 ms)
      yield* TestClock.adjust("600 millis")
      expect(mock.requests).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      const err = Either.isLeft(result) ? (result.left as any) : undefined
      expect(err._tag).toBe("TimeoutError")
      expect(err.attempts).toBe(2)
      expect(err.errorCode).toBe("TIMEOUT_ERROR")
    }))
})

describe("VisgateClient: decode helper", () => {
  it.effect("decode names the endpoint and field", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const client = yield* Effect.provide(VisgateClient, mock.layer())
      const result = yield* Effect.either(
        client.decode(Schema.decodeUnknown(Schema.Struct({ a: Schema.Number })), { a: "x" }, "GET /x")
      )
      expect(Either.isLeft(result) && result.left.field).toBe("a")
      expect(Either.isLeft(result) && result.left.endpoint).toBe("GET /x")
    }))
})

describe("VisgateClient: over the ready layers' fetch client", () => {
  const fetchRecorder = () => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = []
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input), headers: Object.fromEntries(new Headers(init?.headers).entries()) })
      return new Response(JSON.stringify({ status: "ok" }), { headers: { "content-type": "application/json" } })
    }) as typeof globalThis.fetch
    return { seen, fetch }
  }

  it.effect("sends each call with one fetch (auth, accept, user-agent) and decodes it", () =>
    Effect.gen(function*() {
      const { fetch, seen } = fetchRecorder()
      const health = yield* Effect.provide(
        Effect.flatMap(Health, (h) => h.check()),
        Live.layer({ apiKey: "vg-secret", baseUrl: "http://x.test/api/v1" }).pipe(
          Layer.provide(FetchClient.layer(fetch))
        )
      )
      expect(health.status).toBe("ok")
      expect(seen).toHaveLength(1)
      expect(seen[0]!.url).toBe("http://x.test/api/v1/health")
      expect(seen[0]!.headers.authorization).toBe("Bearer vg-secret")
      expect(seen[0]!.headers["user-agent"]).toMatch(/^visgate-sdk-js\//)
    }))

  it.effect("a client derived from it with HttpClient.mapRequest keeps its middleware", () =>
    Effect.gen(function*() {
      const { fetch, seen } = fetchRecorder()
      const wrapped = HttpClient.mapRequest(FetchClient.make(fetch), HttpClientRequest.setHeader("x-trace", "t-1"))
      yield* Effect.provide(
        Effect.flatMap(Health, (h) => h.check()),
        Live.layer({ apiKey: "vg-secret", baseUrl: "http://x.test/api/v1" }).pipe(
          Layer.provide(Layer.succeed(HttpClient.HttpClient, wrapped))
        )
      )
      expect(seen[0]!.headers["x-trace"]).toBe("t-1")
      expect(seen[0]!.headers.authorization).toBe("Bearer vg-secret")
    }))
})

describe("VisgateClient: a body that cannot be read", () => {
  const broken = (status: number) =>
    new Response(
      new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new TypeError("terminated")) }),
      { status }
    )
  const layers = {
    "any HttpClient": (status: number) => mockHttp(() => broken(status)).layer({ maxRetries: 0 }),
    "the ready fetch client": (status: number) =>
      Live.layer({ apiKey: "vg-secret", baseUrl: "http://x.test/api/v1", maxRetries: 0 }).pipe(
        Layer.provide(FetchClient.layer((async () => broken(status)) as typeof globalThis.fetch))
      )
  }
  for (const [name, layerFor] of Object.entries(layers)) {
    it.effect(`${name}: under an error status the status is reported; under 200 it is a ConnectionError`, () =>
      Effect.gen(function*() {
        const unauthorized = yield* attempt(Effect.flatMap(Health, (h) => h.check()), layerFor(401))
        expect(Either.isLeft(unauthorized) && (unauthorized.left as any)._tag).toBe("AuthenticationError")
        const cut = yield* attempt(Effect.flatMap(Health, (h) => h.check()), layerFor(200))
        expect(Either.isLeft(cut) && (cut.left as any)._tag).toBe("ConnectionError")
      }))
  }
})
