/**
 * The fake as an Effect `HttpClient` (no sockets). Time comes from Effect's `Clock`, so
 * `TestClock.adjust` drives job and deployment lifecycles, latency faults and SSE streams.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import { connectionResetError, damageResponse, faultResponse } from "./faults.js"
import type { SseDriver, SseSource } from "./sse.js"
import type { FakeEndpoint } from "./types.js"

export interface FakeHttpClientOptions {
  /** Poll interval of SSE streams, on Effect's clock. Default 100 ms. */
  readonly ssePollMs?: number
}

const toBody = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<BodyInit | undefined> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Raw":
      return Effect.succeed(body.body as BodyInit)
    case "Uint8Array":
      return Effect.succeed(body.body as BodyInit)
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => {
          const parts = Chunk.toReadonlyArray(chunks)
          const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
          let at = 0
          for (const p of parts) {
            out.set(p, at)
            at += p.length
          }
          return out as BodyInit
        }),
        Effect.orElseSucceed(() => undefined)
      )
  }
}

/** An SSE driver whose polling sleeps on Effect's clock (TestClock-friendly). */
const effectSseDriver = <R>(
  runtime: Runtime.Runtime<R>,
  pollMs: number,
  fake: FakeEndpoint
): SseDriver =>
(source: SseSource) => {
  const encoder = new TextEncoder()
  let first = true
  let done = false
  const step = Effect.gen(function*() {
    if (done) return yield* Effect.fail(Option.none())
    if (!first) yield* Effect.sleep(Duration.millis(pollMs))
    first = false
    const now = yield* Clock.currentTimeMillis
    const result = source.poll(fake.timeAt(now))
    if (result.done) done = true
    return encoder.encode(result.chunks.join(""))
  })
  const stream = Stream.repeatEffectOption(step).pipe(Stream.filter((bytes) => bytes.length > 0))
  return Stream.toReadableStreamRuntime(stream, runtime)
}

/**
 * An `HttpClient` that answers every request from `fake`, without sockets. The request's
 * time is `Clock.currentTimeMillis` (plus `fake.advance` offsets); latency faults use
 * `Effect.sleep`, hangs are `Effect.never` (interruptible), resets fail with a transport
 * `RequestError`.
 */
export const makeHttpClient = (fake: FakeEndpoint, options: FakeHttpClientOptions = {}): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const body = yield* toBody(request)
      const headers = new Headers()
      for (const [k, v] of Object.entries(request.headers)) headers.set(k, v)
      const webRequest = new Request(url.toString(), {
        method: request.method,
        headers,
        signal,
        ...(body !== undefined && request.method !== "GET" && request.method !== "HEAD" ? { body } : {})
      })
      const received = yield* Effect.promise(() => fake.receive(webRequest))
      const fault = received.fault
      if (fault) {
        switch (fault.kind) {
          case "reset":
            return yield* Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: connectionResetError(),
                description: "fetch failed"
              })
            )
          case "hang":
            return yield* Effect.never
          case "latency":
            yield* Effect.sleep(Duration.millis(fault.ms))
            break
          default: {
            const r = faultResponse(fault)
            if (r) return HttpClientResponse.fromWeb(request, r)
          }
        }
      }
      const now = yield* Clock.currentTimeMillis
      const runtime = yield* Effect.runtime<never>()
      const sseDriver = effectSseDriver(runtime, options.ssePollMs ?? fake.options.ssePollMs ?? 100, fake)
      const response = yield* Effect.promise(() => fake.respond(received, { now, sseDriver }))
      const final = fault ? yield* Effect.promise(() => damageResponse(fault, response)) : response
      return HttpClientResponse.fromWeb(request, final)
    })
  )

/** A layer providing `HttpClient.HttpClient` backed by `fake` (a `FakeVisgate`). */
export const layerHttpClient = (
  fake: FakeEndpoint,
  options: FakeHttpClientOptions = {}
): Layer.Layer<HttpClient.HttpClient> => Layer.succeed(HttpClient.HttpClient, makeHttpClient(fake, options))
