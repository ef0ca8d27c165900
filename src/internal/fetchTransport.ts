/**
 * The fetch transport (see `transport.ts`) of the ready layers' fetch client (`fetchClient.ts`)
 * and of the Promise client's core client. A module of its own so that the Promise client, which
 * uses only the transport, does not bundle the `HttpClient` of `fetchClient.ts` (its response
 * class stays in any bundle that imports its module).
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { fromReadableStream } from "./stream.js"
import { MAX_TIMER_MS } from "./timeout.js"
import * as Transport from "./transport.js"

const noInit: globalThis.RequestInit = {}

/** The `fetch` and extra `RequestInit` a request uses: from the context when provided there. */
export const fetchOf = (
  context: Context.Context<never>,
  fetch: typeof globalThis.fetch | undefined
): typeof globalThis.fetch => Context.getOrElse(context, FetchHttpClient.Fetch, () => fetch ?? globalThis.fetch)

export const requestInitOf = (context: Context.Context<never>): globalThis.RequestInit =>
  Context.getOrElse(context, FetchHttpClient.RequestInit, () => noInit)

/** The URL of a wire request (with its query), or an `InvalidUrl` failure. */
const urlOf = (wire: Transport.WireRequest): Either.Either<URL | string, Transport.TransportFailure> => {
  if (wire.query.length === 0 && (wire.url.startsWith("https://") || wire.url.startsWith("http://"))) {
    return Either.right(wire.url)
  }
  const made = UrlParams.makeUrl(wire.url, wire.query, Option.none())
  return Either.isLeft(made)
    ? Either.left(new Transport.TransportFailure({ reason: "InvalidUrl", cause: made.left }))
    : Either.right(made.right)
}

/** Calls `fetch` (from the context when provided there) for a wire request; a throw is a rejection. */
const fetchWire = (
  context: Context.Context<never>,
  fetch: typeof globalThis.fetch | undefined,
  url: URL | string,
  wire: Transport.WireRequest,
  signal: AbortSignal
): Promise<Response> => {
  const options = requestInitOf(context)
  try {
    return fetchOf(context, fetch)(url, {
      ...options,
      method: wire.method,
      headers: options.headers ? { ...Headers.fromInput(options.headers), ...wire.headers } : wire.headers,
      body: wire.body,
      // Never followed: a redirect is an error (UNEXPECTED_REDIRECT), so no key or body reaches another origin.
      redirect: "manual",
      signal
    } as globalThis.RequestInit)
  } catch (cause) {
    return Promise.reject(cause)
  }
}

/**
 * The fetch transport (see `transport.ts`): one `fetch` per attempt with the request's
 * headers as given, and one `AbortController` that serves both interruption and the attempt's
 * deadline (a plain timer that covers the headers and the body); the body is read once as text.
 * No platform request or response objects are made: on a loopback call those cost more than the
 * request itself. `open` (streams) is the same `fetch`, aborted when interrupted before the
 * headers; the body is read by the stream (the platform's `HttpClientResponse.stream`, without
 * the response object).
 */
export const make = (fetch: typeof globalThis.fetch | undefined): Transport.Transport => ({
  send: (wire, timeoutMs) =>
    Effect.withFiberRuntime<Transport.WireResponse, Transport.TransportFailure | Transport.AttemptTimeout>((fiber) => {
      const url = urlOf(wire)
      if (Either.isLeft(url)) return Effect.fail(url.left)
      const controller = new AbortController()
      let timer: ReturnType<typeof setTimeout> | undefined
      let timedOut = false
      const request = Effect.async<Transport.WireResponse, Transport.TransportFailure | Transport.AttemptTimeout>(
        (resume) => {
          // No `unref`: while its request is pending the timer may keep the process alive, so a
          // custom fetch that never settles still ends in a TimeoutError. A deadline longer than a
          // timer can hold is not armed.
          if (timeoutMs <= MAX_TIMER_MS) {
            timer = setTimeout(() => {
              timedOut = true
              controller.abort(new Error(`attempt exceeded ${timeoutMs} ms`))
            }, timeoutMs)
          }
          const fail = (reason: "Transport" | "Body") => (cause: unknown) => {
            clearTimeout(timer)
            // Whatever the fetch reports after the deadline fired (a custom fetch may reject with
            // its own AbortError), the failure is the deadline.
            resume(Effect.fail(
              timedOut ? new Transport.AttemptTimeout({ timeoutMs }) : new Transport.TransportFailure({ reason, cause })
            ))
          }
          fetchWire(fiber.currentContext, fetch, url.right, wire, controller.signal).then(
            (source) => {
              const done = (text: string, status = source.status) => {
                clearTimeout(timer)
                resume(Effect.succeed(new Transport.LazyHeadersResponse(status, text, source.headers)))
              }
              // A redirect (or a response a custom fetch reached by following one) is never read.
              if (source.redirected || Transport.isRedirect(source.status)) {
                source.body?.cancel().catch(() => {})
                return done("", source.redirected ? 0 : source.status)
              }
              // An error status stays that error when its body cannot be read (as an empty body).
              source.text().then(done, source.status >= 400 && !timedOut ? () => done("") : fail("Body"))
            },
            fail("Transport")
          )
        }
      )
      // Interrupted (or failed): stop the timer and abort the request. Written out rather than as
      // the async's canceler, which costs a few more steps per call (`onInterrupt`).
      return Effect.uninterruptibleMask((restore) =>
        Effect.matchCauseEffect(restore(request), {
          onFailure: (cause) => {
            clearTimeout(timer)
            controller.abort()
            return Effect.failCause(cause)
          },
          onSuccess: Effect.succeed
        })
      )
    }),
  open: (wire) =>
    Effect.withFiberRuntime((fiber) => {
      const url = urlOf(wire)
      if (Either.isLeft(url)) return Effect.fail(url.left)
      const controller = new AbortController()
      return Effect.async<
        Transport.OpenResponse,
        Transport.TransportFailure | Transport.HttpStatusFailure
      >((resume) => {
        fetchWire(fiber.currentContext, fetch, url.right, wire, controller.signal).then(
          (source) => {
            if (source.redirected || Transport.isRedirect(source.status)) {
              source.body?.cancel().catch(() => {})
              resume(Effect.fail(
                new Transport.HttpStatusFailure({
                  status: source.redirected ? 0 : source.status,
                  headers: Headers.fromInput(source.headers),
                  text: ""
                })
              ))
              return
            }
            if (source.status >= 400) {
              // An error status stays that error when its body cannot be read (as an empty body).
              const failed = (text: string) =>
                resume(Effect.fail(
                  new Transport.HttpStatusFailure({
                    status: source.status,
                    headers: Headers.fromInput(source.headers),
                    text
                  })
                ))
              source.text().then(failed, () => failed(""))
              return
            }
            const body = source.body
            resume(Effect.succeed({
              headers: Headers.fromInput(source.headers),
              body: body !== null
                ? fromReadableStream(() => body, identity)
                : Stream.fail(
                  new Error(
                    `EmptyBody: can not create stream from empty body (${source.status} ${wire.method} ${wire.url})`
                  )
                )
            }))
          },
          (cause) => resume(Effect.fail(new Transport.TransportFailure({ reason: "Transport", cause })))
        )
        // Interrupted before the headers (or while reading an error body): abort the request.
        return Effect.sync(() => controller.abort())
      })
    })
})

/**
 * The fetch transport as the Promise client's core client uses it (`VisgateClient.layerUntraced`):
 * `fetch` unless the context provides `FetchHttpClient.Fetch`.
 */
export const layer = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<Transport.TransportService> =>
  Layer.succeed(Transport.TransportService, make(fetch))
