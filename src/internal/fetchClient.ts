/**
 * The fetch `HttpClient` of the ready layers (`layerFetch`, the Promise client). It is an
 * `@effect/platform` `HttpClient` (`HttpClient.makeWith`: the platform's URL building, request
 * and response types and errors) that sends requests the way `FetchHttpClient` does: same
 * `FetchHttpClient.Fetch` and `FetchHttpClient.RequestInit` services, same body handling.
 *
 * Differences, for speed (on a loopback call the platform's per-request machinery costs more
 * than the request itself): one `AbortController` per request serves interruption and the
 * attempt deadline ({@link currentAttemptDeadline}, so the core client needs no timeout fiber);
 * no finalization registry or interruptible response wrapper; and `text` reads the body once
 * through a memoised promise instead of `Effect.cached` run through `Effect.runSync`.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/**
 * A per-attempt deadline that this client enforces itself, through the request's abort signal
 * and a plain timer, so the caller needs no timeout fiber. `body: true` keeps the deadline until
 * the body has been read with `text`; `false` ends it once the headers arrive (streams).
 */
export interface AttemptDeadline {
  readonly ms: number
  readonly body: boolean
}

/** The deadline of the current attempt, set with `Effect.locally` by the core client. */
export const currentAttemptDeadline: FiberRef.FiberRef<AttemptDeadline | undefined> = globalValue(
  Symbol.for("@visgate_ai/client/internal/fetchClient/currentAttemptDeadline"),
  () => FiberRef.unsafeMake<AttemptDeadline | undefined>(undefined)
)

/** Present (true) in a context whose `HttpClient` honours {@link currentAttemptDeadline}. */
export class NativeDeadlines extends Context.Reference<NativeDeadlines>()(
  "@visgate_ai/client/internal/fetchClient/NativeDeadlines",
  { defaultValue: () => false }
) {}

/** The abort reason of an attempt that ran out of time; `isDeadlineCause` recognises it. */
const deadlineReason = (ms: number): Error => {
  const error = new Error(`attempt exceeded ${ms} ms`)
  error.name = "TimeoutError"
  ;(error as { visgateDeadline?: true }).visgateDeadline = true
  return error
}

/** Whether a transport failure's cause is this client's attempt deadline. */
export const isDeadlineCause = (cause: unknown): boolean => {
  for (let c = cause, depth = 0; c !== undefined && c !== null && depth < 4; depth++) {
    if ((c as { visgateDeadline?: true }).visgateDeadline === true) return true
    c = (c as { cause?: unknown }).cause
  }
  return false
}

/**
 * The platform's response for `source`, with `text` (and so `json` and `urlParamsBody`) reading
 * the body once through a memoised promise that an interruption aborts. A plain delegating class:
 * `Object.create` with a property descriptor turns each response into a slow dictionary object.
 */
class FetchResponse implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly text: Effect.Effect<string, HttpClientError.ResponseError>
  constructor(
    readonly original: HttpClientResponse.HttpClientResponse,
    source: Response,
    controller: AbortController,
    done: (() => void) | undefined,
    expired: () => Error | undefined
  ) {
    let body: Promise<string> | undefined
    this.text = Effect.async<string, HttpClientError.ResponseError>((resume) => {
      body ??= done === undefined ? source.text() : source.text().finally(done)
      body.then(
        (value) => resume(Effect.succeed(value)),
        (cause) =>
          resume(Effect.fail(
            new HttpClientError.ResponseError({
              request: original.request,
              response: original,
              reason: "Decode",
              cause: expired() ?? cause
            })
          ))
      )
      // Interrupted while reading: stop the transfer.
      return Effect.sync(() => controller.abort())
    })
  }
  get request() {
    return this.original.request
  }
  get status() {
    return this.original.status
  }
  get headers() {
    return this.original.headers
  }
  get cookies() {
    return this.original.cookies
  }
  get remoteAddress() {
    return this.original.remoteAddress
  }
  get formData() {
    return this.original.formData
  }
  get arrayBuffer() {
    return this.original.arrayBuffer
  }
  get stream() {
    return this.original.stream
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text) as unknown),
        catch: (cause) =>
          new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
      }))
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  toJSON(): unknown {
    return this.original.toJSON()
  }
  toString(): string {
    return this.original.toString()
  }
  [Inspectable.NodeInspectSymbol](): unknown {
    return this.original.toJSON()
  }
}

const noInit: globalThis.RequestInit = {}

/**
 * A fetch client; `fetch` is used unless the context provides `FetchHttpClient.Fetch`.
 *
 * Built with `HttpClient.makeWith` rather than `HttpClient.make`: one `AbortController` per
 * request serves both interruption and the attempt deadline, and there is no per-response
 * finalization registry or interruptible wrapper (every body is read or streamed by the core
 * client). It emits no HTTP span; with `tracing: true` the ready layers use the platform's
 * `FetchHttpClient` instead (see `layers/Live.ts`).
 */
export const make = (fetch?: typeof globalThis.fetch | undefined): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
          const urlResult = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          if (Either.isLeft(urlResult)) {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: urlResult.left }))
          }
          const url = urlResult.right
          const context = fiber.currentContext
          const deadline = fiber.getFiberRef(currentAttemptDeadline)
          const controller = new AbortController()
          let timer: ReturnType<typeof setTimeout> | undefined
          // Set when the deadline aborted the request: whatever error the fetch then reports (a
          // custom fetch may reject with its own AbortError), the failure is this deadline.
          let timedOut: Error | undefined
          const clear = () => {
            if (timer !== undefined) clearTimeout(timer)
            timer = undefined
          }
          if (deadline !== undefined) {
            timer = setTimeout(() => {
              timedOut = deadlineReason(deadline.ms)
              controller.abort(timedOut)
            }, deadline.ms)
            // Never keep a Node process alive just for this timer.
            ;(timer as { unref?: () => void }).unref?.()
          }
          // The deadline covers the body when asked to, else it ends with the headers.
          const bodyDone = deadline?.body === true ? clear : undefined
          const doFetch = Context.getOrElse(context, FetchHttpClient.Fetch, () => fetch ?? globalThis.fetch)
          const options = Context.getOrElse(context, FetchHttpClient.RequestInit, () => noInit)
          let headers = options.headers
            ? Headers.merge(Headers.fromInput(options.headers), request.headers)
            : request.headers
          if (headers["content-length"]) headers = Headers.remove(headers, "content-length")
          const send = (body: BodyInit | undefined) =>
            Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
              let pending: Promise<Response>
              try {
                pending = doFetch(url, {
                  ...options,
                  method: request.method,
                  headers,
                  body,
                  ...(request.body._tag === "Stream" ? { duplex: "half" } : {}),
                  signal: controller.signal
                } as globalThis.RequestInit)
              } catch (cause) {
                pending = Promise.reject(cause)
              }
              pending.then(
                (source) => {
                  if (bodyDone === undefined) clear()
                  resume(Effect.succeed(new FetchResponse(HttpClientResponse.fromWeb(request, source), source, controller, bodyDone, () => timedOut)))
                },
                (cause) => {
                  clear()
                  resume(
                    Effect.fail(
                      new HttpClientError.RequestError({ request, reason: "Transport", cause: timedOut ?? cause })
                    )
                  )
                }
              )
              // Interrupted before the headers: abort the request.
              return Effect.sync(() => {
                clear()
                controller.abort()
              })
            })
          switch (request.body._tag) {
            case "Raw":
            case "Uint8Array":
              return send(request.body.body as BodyInit)
            case "FormData":
              return send(request.body.formData)
            case "Stream":
              return Effect.flatMap(Stream.toReadableStreamEffect(request.body.stream), send)
          }
          return send(undefined)
        })),
    Effect.succeed
  )

/** The fetch `HttpClient` layer. */
export const layer = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))

/** The fetch `HttpClient` with the marker telling the core client it enforces attempt deadlines. */
export const layerWithDeadlines = (
  fetch?: typeof globalThis.fetch | undefined
): Layer.Layer<HttpClient.HttpClient | NativeDeadlines> =>
  Layer.merge(layer(fetch), Layer.succeed(NativeDeadlines, true))
