/**
 * The Promise client: a thin adapter over the Effect services, with no logic of its own. One
 * `ManagedRuntime` per client runs each call with the caller's `AbortSignal`
 * (`runPromiseExit`), resolves with plain objects and rejects with the squashed cause, so a
 * failure is the SDK's error class itself (`makeRuntime`, implementing `client/runtime.ts`).
 * Each resource's wiring is a file under `client/`; the class assembles them.
 *
 * (The runtime lives here rather than in `client/` so that this entry module imports
 * `effect/Stream` and friends first: that module order keeps the browser bundle about 0.4 KB
 * gzip smaller.)
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ApiKeysResource, AuthResource } from "./client/Account.js"
import type { BillingResource } from "./client/Billing.js"
import type { DeploymentsResource } from "./client/Deployments.js"
import type { DownloadFunction } from "./client/Downloads.js"
import { type ImagesResource, makeGeneration, type VideosResource } from "./client/Generation.js"
import type { JobsResource } from "./client/Jobs.js"
import { makeLazyResources } from "./client/lazyResources.js"
import { loadObserved } from "./client/loadObserved.js"
import type { ClientLogger, ClientLogLevel } from "./client/logLevel.js"
import { resolveLogLevel } from "./client/logLevel.js"
import type { ModelsResource } from "./client/Models.js"
import type { Observed } from "./client/observed.js"
import { type RequestOptions, toEffectWaitOptions, withoutSignal } from "./client/options.js"
import type { OtelTracerProvider } from "./client/otel.js"
import type { ProvidersResource } from "./client/Providers.js"
import { makeRequests, type RequestsResource } from "./client/Requests.js"
import type { ClientRuntime } from "./client/runtime.js"
import type { UsageResource } from "./client/Usage.js"
import * as FetchTransport from "./internal/fetchTransport.js"
import { toPlain } from "./internal/plain.js"
import { unwrap } from "./internal/stream.js"
import { fromConfigUntraced, type PromiseServices } from "./layers/PromiseServices.js"
import { AbortError, ValidationError, VisgateError } from "./schemas/Errors.js"
import type { GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import {
  type CallOptions,
  currentCallOptions,
  hasCallOptions,
  validate as validateCallOptions,
  withCallOptions
} from "./services/CallOptions.js"
import { Generate, type GenerateOptions } from "./services/Generate.js"
import { Health } from "./services/Health.js"
import { Images } from "./services/Images.js"
import { Videos } from "./services/Videos.js"
import * as VisgateConfig from "./services/VisgateConfig.js"

/** Options of the Promise client: those of the Effect layers, plus `fetch`, logging and OpenTelemetry. */
export interface ClientOptions extends Omit<VisgateConfig.VisgateClientOptions, "tracing"> {
  /**
   * One OpenTelemetry span per call (GenAI semantic conventions plus `visgate.*` attributes, a
   * `visgate.retry` event per retry), through the tracer provider registered with
   * `@opentelemetry/api`'s `trace.setGlobalTracerProvider` (an optional peer dependency, never
   * imported: the registration is read at each span; none registered, no spans). Off by default.
   */
  readonly tracing?: boolean | undefined
  /** An OpenTelemetry `TracerProvider` to create the spans with (implies `tracing`; no import needed). */
  readonly tracerProvider?: OtelTracerProvider | undefined
  /** A custom `fetch` (tests, edge runtimes, instrumentation). Defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * How much to log: `"off"` (default), `"error"` (failed calls), `"warn"` (also retries),
   * `"info"`, `"debug"` (one line per attempt: method, path, status, ms, retry delay). Defaults to
   * the `VISGATE_LOG` environment variable. Keys, tokens and headers are never logged.
   */
  readonly logLevel?: ClientLogLevel | undefined
  /** Where log lines go (anything shaped like `console`; default `console`). */
  readonly logger?: ClientLogger | undefined
}

/** A service tag as the Effect that reads the service. */
const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

const closedError = () => new VisgateError({ message: "This client has been closed", errorCode: "CLIENT_CLOSED" })

/**
 * The error's stack re-taken here, after the await: V8-family runtimes then list the awaiting
 * caller's frames (`at async main (app.ts:12)`) instead of the fiber's scheduler frames.
 */
const withCallerStack = (error: unknown): unknown => {
  const capture = (Error as { captureStackTrace?: (e: object, above?: Function) => void }).captureStackTrace
  if (capture !== undefined && error instanceof Error) capture(error, withCallerStack)
  return error
}

/**
 * The client runtime over `runtime`. Every call resolves with plain objects (`toPlain`) and
 * rejects with the squashed cause; interruption by the caller's signal is `AbortError`. With
 * `observe` (logging or tracing on), each call also goes through `client/observed.ts`.
 */
const makeRuntime = (
  runtime: ManagedRuntime.ManagedRuntime<PromiseServices, never>,
  observe: (() => Promise<Observed>) | undefined
): ClientRuntime => {
  let closing: Promise<void> | undefined
  // Everything running on the runtime (calls, iterator pulls and scope closes), with the
  // controller that interrupts it: `close()` interrupts all of it and waits for it to end.
  const running = new Set<readonly [AbortController, Promise<unknown>]>()
  const exec = <A, E>(effect: Effect.Effect<A, E, PromiseServices>, controller = new AbortController()) => {
    const done = runtime.runPromiseExit(effect, { signal: controller.signal })
    const entry = [controller, done] as const
    running.add(entry)
    return done.finally(() => running.delete(entry))
  }
  const run = async <A, E>(
    effect: Effect.Effect<A, E, PromiseServices>,
    signal: AbortSignal | undefined
  ): Promise<A> => {
    if (closing !== undefined) throw closedError()
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    signal?.addEventListener("abort", onAbort, { once: true })
    const exit = await exec(observe === undefined ? effect : (await observe()).call(effect), controller)
    signal?.removeEventListener("abort", onAbort)
    if (Exit.isSuccess(exit)) return toPlain(exit.value)
    if (Cause.isInterruptedOnly(exit.cause)) {
      // Interrupted by `close()` (not by the caller): the client-closed error.
      if (closing !== undefined && !signal?.aborted) throw closedError()
      throw new AbortError(undefined, signal?.aborted ? { cause: signal.reason } : undefined)
    }
    // Aborted, and a finalizer failed too (e.g. `jobs.wait`'s remote cancel): still `AbortError`,
    // with that failure as its cause.
    if (signal?.aborted && Cause.isInterrupted(exit.cause)) {
      throw new AbortError(undefined, { cause: Cause.squash(exit.cause) })
    }
    throw withCallerStack(Cause.squash(exit.cause))
  }

  const toAsyncIterable = <A, E>(
    stream: Stream.Stream<A, E, PromiseServices>,
    signal: AbortSignal | undefined,
    overrides: CallOptions | undefined
  ): AsyncIterable<A> => ({
    [Symbol.asyncIterator](): AsyncIterator<A> {
      let scope: Scope.CloseableScope | undefined
      let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, PromiseServices> | undefined
      let buffer: Array<A> = []
      let finished = false
      let inFlight: AbortController | undefined
      const close = () => {
        finished = true
        signal?.removeEventListener("abort", onAbort)
        const s = scope
        scope = undefined
        if (s !== undefined) exec(Scope.close(s, Exit.void))
      }
      const onAbort = () => {
        if (inFlight !== undefined) inFlight.abort() // `next()` closes once the pull has stopped
        else close()
      }
      const aborted = () => new AbortError(undefined, { cause: signal?.reason })
      signal?.addEventListener("abort", onAbort, { once: true })
      return {
        async next(): Promise<IteratorResult<A>> {
          if (buffer.length > 0) return { done: false, value: toPlain(buffer.shift()!) }
          if (signal?.aborted) {
            close()
            throw aborted()
          }
          if (finished) return { done: true, value: undefined }
          if (closing !== undefined) {
            close()
            throw closedError()
          }
          if (pull === undefined) {
            const s = await runtime.runPromise(Scope.make())
            scope = s
            pull = await runtime.runPromise(Scope.extend(Stream.toPull(stream), s))
            if (overrides !== undefined) pull = Effect.locally(pull, currentCallOptions, overrides)
          }
          for (;;) {
            const controller = new AbortController()
            inFlight = controller
            const exit = await exec(pull, controller)
            inFlight = undefined
            if (signal?.aborted) {
              close()
              throw aborted()
            }
            if (closing !== undefined && Exit.isFailure(exit)) {
              close()
              throw closedError()
            }
            if (Exit.isSuccess(exit)) {
              const values = Array.from(exit.value)
              if (values.length === 0) continue
              buffer = values.slice(1)
              return { done: false, value: toPlain(values[0]!) }
            }
            close()
            const failure = Cause.failureOption(exit.cause)
            if (Option.isSome(failure)) {
              if (Option.isNone(failure.value)) return { done: true, value: undefined }
              throw failure.value.value
            }
            if (Cause.isInterruptedOnly(exit.cause)) throw aborted()
            throw Cause.squash(exit.cause)
          }
        },
        async return(): Promise<IteratorResult<A>> {
          inFlight?.abort()
          close()
          return { done: true, value: undefined }
        }
      }
    }
  })

  // Per-call options (`timeout`, `maxRetries`, `headers`, `onResponse`) are a `CallOptions` scope
  // around the call; on the waiting methods `timeout` is the overall deadline, not per attempt.
  const scoped = <A, E>(
    effect: Effect.Effect<A, E, PromiseServices>,
    options: CallOptions | undefined,
    waiting: boolean
  ) =>
    hasCallOptions(options)
      ? withCallOptions(effect, waiting ? { ...options, timeout: undefined } : options)
      : effect
  // Streams: each pull runs in a fiber of its own, so the checked options are set on every pull.
  const streamScoped = <A, E>(
    stream: Stream.Stream<A, E, PromiseServices>,
    options: CallOptions | undefined,
    waiting: boolean
  ): AsyncIterable<A> => {
    const signal = (options as RequestOptions | undefined)?.signal
    if (!hasCallOptions(options)) return toAsyncIterable(stream, signal, undefined)
    const checked = validateCallOptions(waiting ? { ...options, timeout: undefined } : options)
    return Either.isLeft(checked)
      ? toAsyncIterable(Stream.fail(checked.left), signal, undefined)
      : toAsyncIterable(stream, signal, checked.right)
  }

  // Interrupts everything in flight (each pending call and `next()` rejects with CLIENT_CLOSED)
  // and waits for it to stop, so no request goes out after `close()` resolves.
  const close = () => (closing ??= (async () => {
    while (running.size > 0) {
      for (const [controller] of running) controller.abort()
      await Promise.all(Array.from(running, ([, done]) => done))
    }
    await runtime.dispose()
  })())

  // The runtime's services plus `added`: the services `provide` built for a resource loaded on
  // first use (`client/lazy.ts`), given to each of that resource's calls.
  const withServices = <R>(added: Context.Context<never> | undefined): ClientRuntime<R> => {
    const effect = <A, E>(self: Effect.Effect<A, E, R>) =>
      (added === undefined ? self : Effect.provide(self, added)) as Effect.Effect<A, E, PromiseServices>
    const stream = <A, E>(self: Stream.Stream<A, E, R>) =>
      (added === undefined ? self : Stream.provideSomeContext(self, added)) as Stream.Stream<A, E, PromiseServices>
    return {
      call: (tag, f, options) => run(scoped(effect(Effect.flatMap(service(tag), f)), options, false), options?.signal),
      wait: (tag, options, f) =>
        run(
          scoped(
            effect(Effect.flatMap(Effect.zip(service(tag), toEffectWaitOptions(options)), ([s, wait]) => f(s, wait))),
            options,
            true
          ),
          options?.signal
        ),
      watch: (tag, options, f) =>
        streamScoped(stream(unwrap(Effect.zipWith(service(tag), toEffectWaitOptions(options), f))), options, true),
      iterate: (tag, f, options) => streamScoped(stream(unwrap(Effect.map(service(tag), f))), options, false),
      close,
      provide: async <R2>(layer: Layer.Layer<R2, never, R>) => {
        if (closing !== undefined) throw closedError()
        const exit = await exec(effect(Effect.scoped(Layer.build(layer))))
        if (Exit.isSuccess(exit)) {
          return withServices<R | R2>(added === undefined ? exit.value : Context.merge(added, exit.value))
        }
        throw closing !== undefined ? closedError() : Cause.squash(exit.cause)
      }
    }
  }
  return withServices<PromiseServices>(undefined)
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * The Visgate client.
 *
 * ```ts
 * const client = new Client() // VISGATE_API_KEY from the environment (Node)
 * const result = await client.generate("a sunset over Istanbul")
 * console.log(result.imageUrl, result.cost, result.provider)
 * await client.close()
 * ```
 */
export class Client {
  /** `POST /images/generate`. */
  readonly images: ImagesResource
  /** `POST /videos/generate`. */
  readonly videos: VideosResource
  /** `GET /requests/{id}`, and waiting on async generations. */
  readonly requests: RequestsResource
  /** `GET /models`: the model catalog. */
  readonly models: ModelsResource
  /** `GET /usage`, `/usage/logs`, `/dashboard`; `POST /usage/downloads`. */
  readonly usage: UsageResource
  /** `/billing/*`. */
  readonly billing: BillingResource
  /** `/providers/*`: stored BYOK keys and balances. */
  readonly providers: ProvidersResource
  /** `/deployments/*`: RunPod BYOK deployments, and watching them (status stream, logs, wait until ready). */
  readonly deployments: DeploymentsResource
  /** `/inference/jobs/*`: inference jobs on ready deployments (create, wait with remote cancel, ...). */
  readonly jobs: JobsResource
  /** `GET /auth/me`. */
  readonly auth: AuthResource
  /** `GET /api-keys`. */
  readonly apiKeys: ApiKeysResource
  /**
   * Downloads a generated output: `source` is a URL or a result (image, video, request status).
   * With `to` (Node, Deno, Bun) it streams to that file (a temporary file renamed at the end) and
   * resolves with `{ path, size, contentType, url }`; without, it resolves with the `bytes`.
   * Fails with `DownloadError` past `maxBytes` (default 100 MiB) or when the body is not an image
   * or a video. `track: true` records the download (`usage.trackDownload`).
   */
  readonly download: DownloadFunction

  readonly #runtime: ClientRuntime
  readonly #describe: string

  /**
   * Throws `AuthenticationError` when there is neither an API key (option or `VISGATE_API_KEY`)
   * nor a `proxyUrl`, and `ValidationError` for invalid options, before any request.
   */
  constructor(options: ClientOptions = {}) {
    if (
      options.tracerProvider !== undefined &&
      (typeof options.tracerProvider !== "object" || options.tracerProvider === null ||
        typeof options.tracerProvider.getTracer !== "function")
    ) {
      throw new ValidationError({
        message: "tracerProvider must be an OpenTelemetry TracerProvider (with getTracer)",
        errorCode: "INVALID_OPTION",
        field: "tracerProvider"
      })
    }
    // Tracing here is OpenTelemetry's: one span per call, no HTTP spans under it.
    const tracing = options.tracerProvider !== undefined || options.tracing === true
    // `retrySchedule` and `transformClient` are Effect-only (`VisgateEffectOptions`); stray ones are ignored.
    const config = VisgateConfig.resolve({ ...options, tracing, retrySchedule: undefined, transformClient: undefined })
    if (Either.isLeft(config)) throw config.left
    const resolved = config.right
    const logLevel = resolveLogLevel(options.logLevel)
    if (Either.isLeft(logLevel)) throw logLevel.left
    const logger = options.logger
    if (
      logger !== undefined &&
      (typeof logger !== "object" || logger === null ||
        !(["debug", "info", "warn", "error"] as const).every((m) => typeof logger[m] === "function"))
    ) {
      throw new ValidationError({
        message: "logger must have debug, info, warn and error methods (like console)",
        errorCode: "INVALID_OPTION",
        field: "logger"
      })
    }
    this.#describe = `Client { url: ${JSON.stringify(resolved.url)}, auth: ${
      resolved.proxyUrl !== undefined ? "proxy" : "apiKey <redacted>"
    } }`
    const services = fromConfigUntraced(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
      Layer.provide(FetchTransport.layer(options.fetch))
    )
    // Logging or tracing on: `client/observed.ts` (its own chunk), loaded once, on the first call.
    // Off (the default): the runtime's tracer and logs are off, and that module is never loaded.
    let loading: Promise<Observed> | undefined
    const observe = !tracing && logLevel.right === "off" ?
      undefined :
      () => (loading ??= loadObserved().then((m) =>
        m.observed({
          level: logLevel.right,
          logger,
          tracing: options.tracerProvider ?? (tracing ? "global" : undefined)
        })
      ))
    const runtime = makeRuntime(
      ManagedRuntime.make(
        observe === undefined
          ? Layer.mergeAll(services, Layer.setTracerEnabled(false), Logger.minimumLogLevel(LogLevel.None))
          : Layer.unwrapEffect(Effect.map(Effect.promise(observe), (m) => m.layer(services)))
      ),
      observe
    )
    this.#runtime = runtime
    this.images = makeGeneration(runtime, Images)
    this.videos = makeGeneration(runtime, Videos, true)
    this.requests = makeRequests(runtime)
    // The other resources load their wiring, services and wire models on first use.
    const lazy = makeLazyResources(runtime)
    this.models = lazy.models
    this.usage = lazy.usage
    this.billing = lazy.billing
    this.providers = lazy.providers
    this.deployments = lazy.deployments
    this.jobs = lazy.jobs
    this.auth = lazy.auth
    this.apiKeys = lazy.apiKeys
    this.download = lazy.download
  }

  /** `POST /generate`: quick image generation (default model `fal-ai/flux/schnell`). */
  generate(prompt: string, options?: GenerateOptions & RequestOptions): Promise<GenerateResult> {
    return this.#runtime.call(Generate, (s) => s.generate(prompt, withoutSignal(options)), options)
  }

  /** `GET /health`. */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.#runtime.call(Health, (s) => s.check(), options)
  }

  /**
   * Releases the client's resources. Idempotent. Everything in flight (a request, a retry's
   * backoff, a `wait`, a pending `watch` / `logs` `next()`) is stopped and rejects with
   * `VisgateError` `CLIENT_CLOSED`; once the promise resolves no request goes out, and calls made
   * afterwards reject the same way.
   */
  close(): Promise<void> {
    return this.#runtime.close()
  }

  /** Never shows secrets. */
  toString(): string {
    return this.#describe
  }

  /** Never shows secrets. */
  toJSON(): string {
    return this.#describe
  }

  /** Never shows secrets. */
  [inspectSymbol](): string {
    return this.#describe
  }
}

// The type of the method defined below (where the runtime has the symbol).
export interface Client {
  /** `await using client = new Client()` closes the client at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>
}

// `await using client = new Client()` closes the client at the end of the block, where the runtime
// has `Symbol.asyncDispose` (Node 20+, modern browsers). Defined at run time: Node 18 has no such symbol.
const asyncDispose = (Symbol as { readonly asyncDispose?: symbol }).asyncDispose
if (asyncDispose !== undefined) {
  Object.defineProperty(Client.prototype, asyncDispose, {
    value(this: Client) {
      return this.close()
    },
    configurable: true,
    writable: true
  })
}

/** Same interface as {@link Client} (every method returns a Promise); for parity with the Python SDK. */
export class AsyncClient extends Client {}
