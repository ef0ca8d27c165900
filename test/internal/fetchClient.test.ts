/**
 * The lean fetch HttpClient of the ready layers: it must behave like the platform's
 * FetchHttpClient for everything the platform's response interface offers.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as FetchClient from "../../src/internal/fetchClient.js"

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
      const client = FetchClient.make(((_: RequestInfo | URL, init?: RequestInit) => {
        signal = init?.signal ?? undefined
        return new Promise<Response>(() => {})
      }) as typeof globalThis.fetch)
      const fiber = yield* Effect.fork(client.execute(HttpClientRequest.get("http://x.test/")))
      yield* Effect.promise(async () => {
        for (let i = 0; i < 1000 && signal === undefined; i++) await new Promise((r) => setTimeout(r, 1))
      })
      yield* Fiber.interrupt(fiber)
      expect(signal?.aborted).toBe(true)
    }))
})
