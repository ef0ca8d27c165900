/**
 * The lean fetch HttpClient of the ready layers: it must behave like the platform's
 * FetchHttpClient for everything the platform's response interface offers.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as FetchClient from "../../src/internal/fetchClient.js"
import type { WireRequest } from "../../src/internal/transport.js"

const reply = (body: BodyInit | null, responseInit: ResponseInit = {}) => {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init })
    return new Response(body, responseInit)
  }) as typeof globalThis.fetch
  return { calls, client: FetchClient.make(fetch) }
}

describe("fetch client", () => {
  it.effect("sends method, URL with query, headers and body; exposes status and headers", () =>
    Effect.gen(function*() {
      const { calls, client } = reply("{\"a\":1}", { status: 201, headers: { "x-request-id": "r1" } })
      const request = HttpClientRequest.post("http://x.test/p", { urlParams: { q: "1" }, headers: { a: "b" } }).pipe(
        HttpClientRequest.bodyUnsafeJson({ k: "v" })
      )
      const response = yield* client.execute(request)
      expect(calls[0]!.url).toBe("http://x.test/p?q=1")
      expect(calls[0]!.init!.method).toBe("POST")
      expect((calls[0]!.init!.headers as Record<string, string>).a).toBe("b")
      expect(new TextDecoder().decode(calls[0]!.init!.body as Uint8Array)).toBe("{\"k\":\"v\"}")
      expect(response.status).toBe(201)
      expect(response.headers["x-request-id"]).toBe("r1")
      expect(yield* response.json).toEqual({ a: 1 })
      // text is memoised: a second read gets the same body
      expect(yield* response.text).toBe("{\"a\":1}")
      expect(JSON.stringify(response.toJSON())).toContain("201")
    }))

  it.effect("json on a malformed body is a ResponseError; urlParamsBody and stream read the body", () =>
    Effect.gen(function*() {
      const bad = yield* reply("{nope").client.execute(HttpClientRequest.get("http://x.test/"))
      const result = yield* Effect.either(bad.json)
      expect(Either.isLeft(result) && result.left._tag).toBe("ResponseError")
      const form = yield* reply("a=1&b=2").client.execute(HttpClientRequest.get("http://x.test/"))
      expect(yield* form.urlParamsBody).toEqual([["a", "1"], ["b", "2"]])
      const streamed = yield* reply("chunked body").client.execute(HttpClientRequest.get("http://x.test/"))
      const bytes = yield* Stream.runCollect(streamed.stream)
      expect(new TextDecoder().decode(Chunk.reduce(bytes, new Uint8Array(), (a, b) => new Uint8Array([...a, ...b]))))
        .toBe("chunked body")
    }))

  it.effect("an invalid URL is a RequestError (InvalidUrl); a rejected fetch is a Transport RequestError", () =>
    Effect.gen(function*() {
      const { client } = reply("")
      const invalid = yield* Effect.either(client.execute(HttpClientRequest.get("not a url")))
      expect(Either.isLeft(invalid) && invalid.left._tag === "RequestError" && invalid.left.reason).toBe("InvalidUrl")
      const down = FetchClient.make((() => Promise.reject(new TypeError("fetch failed"))) as typeof globalThis.fetch)
      const failed = yield* Effect.either(down.execute(HttpClientRequest.get("http://x.test/")))
      expect(Either.isLeft(failed) && failed.left._tag === "RequestError" && failed.left.reason).toBe("Transport")
    }))

  it.effect("interrupting a request aborts its signal", () =>
    Effect.gen(function*() {
      let signal: AbortSignal | undefined
      const client = FetchClient.make(
        ((_: RequestInfo | URL, init?: RequestInit) => {
          signal = init?.signal ?? undefined
          return new Promise<Response>(() => {})
        }) as typeof globalThis.fetch
      )
      const fiber = yield* Effect.fork(client.execute(HttpClientRequest.get("http://x.test/")))
      yield* Effect.promise(async () => {
        for (let i = 0; i < 1000 && signal === undefined; i++) await new Promise((r) => setTimeout(r, 1))
      })
      yield* Fiber.interrupt(fiber)
      expect(signal?.aborted).toBe(true)
    }))
})

const wire = (over: Partial<WireRequest> = {}): WireRequest => ({
  method: "GET",
  url: "http://x.test/api/v1/health",
  query: [],
  headers: { accept: "application/json" },
  body: undefined,
  ...over
})

/** A fetch that never answers until aborted (then rejects as fetch does), recording the signal. */
const hanging = () => {
  const signals: Array<AbortSignal> = []
  const fetch = ((_: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init!.signal!
      signals.push(signal)
      signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), { once: true })
    })) as typeof globalThis.fetch
  return { signals, fetch }
}

describe("fetch client transport (whole-body calls of the core client)", () => {
  it.effect("one fetch: URL with query, method, headers as given, JSON body; body read as text", () =>
    Effect.gen(function*() {
      const { calls, client } = reply("{\"ok\":true}", { status: 200, headers: { "x-request-id": "r9" } })
      const transport = FetchClient.transportOf(client)!
      const response = yield* transport.send(
        wire({
          method: "POST",
          query: [["a", "1"], ["b", "x y"]],
          headers: { accept: "application/json", "content-type": "application/json" },
          body: "{\"k\":1}"
        }),
        1_000
      )
      expect(calls).toHaveLength(1)
      expect(calls[0]!.url).toBe("http://x.test/api/v1/health?a=1&b=x+y")
      expect(calls[0]!.init!.method).toBe("POST")
      expect(calls[0]!.init!.headers).toEqual({ accept: "application/json", "content-type": "application/json" })
      expect(calls[0]!.init!.body).toBe("{\"k\":1}")
      expect(calls[0]!.init!.signal).toBeInstanceOf(AbortSignal)
      expect(response.status).toBe(200)
      expect(response.text).toBe("{\"ok\":true}")
      expect(response.headers["x-request-id"]).toBe("r9")
    }))

  it.effect("no body: nothing added to the headers; a URL without query is passed as is", () =>
    Effect.gen(function*() {
      const { calls, client } = reply("")
      yield* FetchClient.transportOf(client)!.send(wire(), 1_000)
      expect(calls[0]!.url).toBe("http://x.test/api/v1/health")
      expect(calls[0]!.init!.headers).toEqual({ accept: "application/json" })
      expect(calls[0]!.init!.body).toBeUndefined()
    }))

  it.live("the deadline aborts the request and fails with AttemptTimeout", () =>
    Effect.gen(function*() {
      const { fetch, signals } = hanging()
      const error = yield* Effect.flip(FetchClient.transportOf(FetchClient.make(fetch))!.send(wire(), 20))
      expect(error._tag).toBe("AttemptTimeout")
      expect(signals[0]!.aborted).toBe(true)
    }))

  it.effect("interrupting aborts the request", () =>
    Effect.gen(function*() {
      const { fetch, signals } = hanging()
      const fiber = yield* Effect.fork(FetchClient.transportOf(FetchClient.make(fetch))!.send(wire(), 60_000))
      yield* Effect.promise(async () => {
        for (let i = 0; i < 1000 && signals.length === 0; i++) await new Promise((r) => setTimeout(r, 1))
      })
      yield* Fiber.interrupt(fiber)
      expect(signals[0]!.aborted).toBe(true)
    }))

  it.effect("a rejected fetch is a Transport failure, a broken body a Body failure, a bad URL InvalidUrl", () =>
    Effect.gen(function*() {
      const down = FetchClient.make((() => Promise.reject(new TypeError("fetch failed"))) as typeof globalThis.fetch)
      const refused = yield* Effect.flip(FetchClient.transportOf(down)!.send(wire(), 1_000))
      expect(refused._tag === "TransportFailure" && refused.reason).toBe("Transport")

      const broken = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.error(new TypeError("terminated"))
      })
      const cut = yield* Effect.flip(FetchClient.transportOf(reply(broken).client)!.send(wire(), 1_000))
      expect(cut._tag === "TransportFailure" && cut.reason).toBe("Body")

      // A relative URL has no base outside a browser.
      const { calls, client } = reply("{}")
      const invalid = yield* Effect.flip(
        FetchClient.transportOf(client)!.send(wire({ url: "/api/visgate/health" }), 1_000)
      )
      expect(invalid._tag === "TransportFailure" && invalid.reason).toBe("InvalidUrl")
      expect(calls).toHaveLength(0)
    }))

  it("a client derived from ours (mapRequest and friends) has no transport, so its changes apply", () => {
    const { client } = reply("{}")
    expect(FetchClient.transportOf(client)).toBeDefined()
    expect(FetchClient.transportOf(HttpClient.mapRequest(client, HttpClientRequest.setHeader("x-extra", "1"))))
      .toBeUndefined()
  })
})
