/**
 * The Promise client's observability, loaded (a chunk of its own in the bundle) only by a client
 * made with `logLevel` (or `VISGATE_LOG`) or tracing: the core's observer (`CallObserver.ts`: a
 * line per attempt, a span per call), the logger (`logging.ts`), the OpenTelemetry tracer
 * (`otel.ts`) and a line per failed call. A client without them never loads it, so none of this
 * is in what a browser downloads first or in what Node parses at import.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { VisgateError } from "../schemas/Errors.js"
import * as CallObserver from "../services/CallObserver.js"
import { loggingLayer } from "./logging.js"
import type { ClientLogger, ClientLogLevel } from "./logLevel.js"
import { fromGlobal, fromProvider, type OtelTracerProvider } from "./otel.js"

/** What the client asked for. */
export interface ObservedOptions {
  readonly level: ClientLogLevel
  readonly logger: ClientLogger | undefined
  /** Tracing: through this provider, or `"global"` for the one `@opentelemetry/api` registers. */
  readonly tracing: OtelTracerProvider | "global" | undefined
}

/** What the client's runtime does with it. */
export interface Observed {
  /** The client's services (`base`) observed, with the runtime's logger and tracer. */
  readonly layer: <A, E, R>(base: Layer.Layer<A, E, R>) => Layer.Layer<A, E, Exclude<R, CallObserver.CallObserver>>
  /** A call, with a line at `error` level when it fails (when logging is on). */
  readonly call: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** A failed call's line at `error` level (the error's own message: never a key or header). */
const logFailure = (error: unknown): Effect.Effect<void> =>
  error instanceof VisgateError
    ? Effect.annotateLogs(Effect.logError(`${error._tag}: ${error.message}`), {
      "visgate.error_code": error.errorCode,
      ...(error.statusCode !== undefined ? { "visgate.status": error.statusCode } : {}),
      ...(error.requestId !== undefined ? { "visgate.request_id": error.requestId } : {})
    })
    : Effect.void

/** The observability of a client with these options. */
export const observed = (options: ObservedOptions): Observed => {
  const tracer = options.tracing === undefined
    ? undefined
    : options.tracing === "global"
    ? fromGlobal()
    : fromProvider(options.tracing)
  // The runtime's tracer: OpenTelemetry's with tracing (one span per call, no HTTP spans under
  // it); off otherwise, so no span bookkeeping on any call.
  const tracerLayer = tracer === undefined
    ? Layer.setTracerEnabled(false)
    : Layer.merge(Layer.setTracer(tracer), Layer.setTracerEnabled(true))
  const observer = Layer.succeed(CallObserver.CallObserver, CallObserver.make(tracer !== undefined))
  const logs = options.level !== "off"
  return {
    layer: (base) =>
      Layer.mergeAll(Layer.provide(base, observer), loggingLayer(options.level, options.logger), tracerLayer),
    call: (effect) => logs ? Effect.tapError(effect, logFailure) : effect
  }
}
