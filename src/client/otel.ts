/**
 * OpenTelemetry for the Promise client (`tracing: true` or `tracerProvider`): an Effect `Tracer`
 * whose spans are OpenTelemetry spans, so the core's per-call span (`internal/spans.ts`: GenAI
 * names and attributes, `visgate.*`, a `visgate.retry` event per retry) is exported as is.
 *
 * `@opentelemetry/api` is an optional peer dependency, and never imported: with a
 * `tracerProvider` the provider is used as given; with `tracing: true` alone, the global provider
 * is read where `@opentelemetry/api` registers it (`fromGlobal`). The types here are structural,
 * so the published types do not need the package either. The Promise client loads this module
 * (with `client/observed.ts`) only when tracing is on.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { VERSION } from "../internal/version.js"

/** What the client needs of an OpenTelemetry span (`@opentelemetry/api`'s `Span`). */
export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown
  addEvent(name: string, attributes?: Record<string, string | number | boolean>, time?: [number, number]): unknown
  setStatus(status: { code: number; message?: string }): unknown
  end(endTime?: [number, number]): void
  spanContext(): { traceId: string; spanId: string; traceFlags: number }
}

/** What the client needs of an OpenTelemetry tracer (`@opentelemetry/api`'s `Tracer`). */
export interface OtelTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: Record<string, string | number | boolean>; startTime?: [number, number] }
  ): OtelSpan
}

/** An OpenTelemetry `TracerProvider` (e.g. the SDK's `BasicTracerProvider`, or `trace.getTracerProvider()`). */
export interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer
}

/** The instrumentation scope name of the client's spans. */
export const TRACER_NAME = "@visgate_ai/client"

const KINDS = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 } as const
const STATUS_ERROR = 2

const hrTime = (nanos: bigint): [number, number] => [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)]

type Primitive = string | number | boolean

const primitive = (value: unknown): Primitive | undefined =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? value
    : typeof value === "bigint"
    ? Number(value)
    : undefined

const primitives = (attributes: Record<string, unknown> | undefined): Record<string, Primitive> | undefined => {
  if (attributes === undefined) return undefined
  const out: Record<string, Primitive> = {}
  for (const key in attributes) {
    const value = primitive(attributes[key])
    if (value !== undefined) out[key] = value
  }
  return out
}

/** An Effect span that is an OpenTelemetry span. */
class BridgeSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled: boolean
  readonly attributes = new Map<string, unknown>()
  status: Tracer.SpanStatus
  links: Array<Tracer.SpanLink>
  constructor(
    readonly span: OtelSpan,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    const ctx = span.spanContext()
    this.spanId = ctx.spanId
    this.traceId = ctx.traceId
    this.sampled = (ctx.traceFlags & 1) === 1
    this.status = { _tag: "Started", startTime }
    this.links = [...links]
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    const p = primitive(value)
    if (p !== undefined) this.span.setAttribute(key, p)
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.addEvent(name, primitives(attributes), hrTime(startTime))
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    if (exit._tag === "Failure") {
      const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      const message = failure instanceof Error
        ? failure.message
        : exit.cause._tag === "Interrupt"
        ? "interrupted"
        : undefined
      this.span.setStatus(message !== undefined ? { code: STATUS_ERROR, message } : { code: STATUS_ERROR })
    }
    this.span.end(hrTime(endTime))
  }
}

/** A span that records nothing: where no OpenTelemetry tracer provider is registered. */
const noopSpan: OtelSpan = {
  setAttribute: () => undefined,
  addEvent: () => undefined,
  setStatus: () => undefined,
  end: () => undefined,
  spanContext: () => ({ traceId: "00000000000000000000000000000000", spanId: "0000000000000000", traceFlags: 0 })
}

/** An Effect `Tracer` over an OpenTelemetry tracer (read per span: `undefined` records nothing). */
export const makeTracer = (otel: () => OtelTracer | undefined): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const attributes = primitives(options?.attributes as Record<string, unknown> | undefined)
      const tracer = otel()
      const span = tracer === undefined ? noopSpan : tracer.startSpan(name, {
        kind: KINDS[kind],
        startTime: hrTime(startTime),
        ...(attributes !== undefined ? { attributes } : {})
      })
      return new BridgeSpan(span, name, parent, context, links, startTime, kind)
    },
    context: (f) => f()
  })

/** The tracer from a provider. */
export const fromProvider = (provider: OtelTracerProvider): Tracer.Tracer => {
  const tracer = provider.getTracer(TRACER_NAME, VERSION)
  return makeTracer(() => tracer)
}

/**
 * Where `@opentelemetry/api` (every 1.x) keeps what `trace.setGlobalTracerProvider` registers:
 * `globalThis[Symbol.for("opentelemetry.js.api.1")].trace`. Read there, the package need not be
 * imported (no dynamic import for bundlers or Workers to trip on).
 */
const OTEL_API_GLOBAL = Symbol.for("opentelemetry.js.api.1")

/**
 * A tracer over the global tracer provider of `@opentelemetry/api`, looked up at each span (so a
 * provider registered after the client was made is used); no provider, no spans.
 */
export const fromGlobal = (): Tracer.Tracer => {
  let provider: OtelTracerProvider | undefined
  let tracer: OtelTracer | undefined
  return makeTracer(() => {
    const current = (globalThis as { [OTEL_API_GLOBAL]?: { readonly trace?: OtelTracerProvider } })[OTEL_API_GLOBAL]
      ?.trace
    if (current !== provider) {
      provider = current
      tracer = typeof current?.getTracer === "function" ? current.getTracer(TRACER_NAME, VERSION) : undefined
    }
    return tracer
  })
}
