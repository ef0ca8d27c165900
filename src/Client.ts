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
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { makeApiKeys, makeAuth, type ApiKeysResource, type AuthResource } from "./client/Account.js"
import { type BillingResource, makeBilling } from "./client/Billing.js"
import { type DeploymentsResource, makeDeployments } from "./client/Deployments.js"
import { type DownloadFunction, makeDownload } from "./client/Downloads.js"
import { type ImagesResource, makeGeneration, type VideosResource } from "./client/Generation.js"
import { type JobsResource, makeJobs } from "./client/Jobs.js"
import { makeModels, type ModelsResource } from "./client/Models.js"
import { type RequestOptions, toEffectWaitOptions, withoutSignal } from "./client/options.js"
import { makeProviders, type ProvidersResource } from "./client/Providers.js"
import { makeRequests, type RequestsResource } from "./client/Requests.js"
import type { ClientRuntime } from "./client/runtime.js"
import { makeUsage, type UsageResource } from "./client/Usage.js"
import * as FetchTransport from "./internal/fetchTransport.js"
import { toPlain } from "./internal/plain.js"
import { fromConfigUntraced, type VisgateServices } from "./layers/VisgateServices.js"
import { AbortError, VisgateError } from "./schemas/Errors.js"
import type { GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import { Generate, type GenerateOptions } from "./services/Generate.js"
import { Health } from "./services/Health.js"
import { Images } from "./services/Images.js"
import { Videos } from "./services/Videos.js"
import * as VisgateConfig from "./services/VisgateConfig.js"
import { unwrap } from "./internal/stream.js"

/**
 * Options of the Promise client: those of the Effect layers except `tracing` (spans need a tracer,
 * which only an Effect program can provide: use the `./effect` layers with `tracing: true`).
 */
export interface ClientOptions extends Omit<VisgateConfig.VisgateClientOptions, "tracing"> {
  /** A custom `fetch` (tests, edge runtimes, instrumentation). Defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** A service tag as the Effect that reads the service. */
const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

const closedError = () => new VisgateError({ message: "This client has been closed", errorCode: "CLIENT_CLOSED" })

/**
 * The client runtime over `runtime`. Every call resolves with plain objects (`toPlain`) and
 * rejects with the squashed cause; interruption by the caller's signal is `AbortError`.
 */
/**
 * The error's stack re-taken here, after the await: V8-family runtimes then list the awaiting
 * caller's frames (`at async main (app.ts:12)`) instead of the fiber's scheduler frames.
 */
const withCallerStack = (error: unknown): unknown => {
  const capture = (Error as { captureStackTrace?: (e: object, above?: Function) => void }).captureStackTrace
  if (capture !== undefined && error instanceof Error) capture(error, withCallerStack)
  return error
}

const makeRuntime = (runtime: ManagedRuntime.ManagedRuntime<VisgateServices, never>): ClientRuntime => {
  let closing: Promise<void> | undefined
  // Everything running on the runtime (calls, iterator pulls and scope closes), with the
  // controller that interrupts it: `close()` interrupts all of it and waits for it to end.
  const running = new Set<readonly [AbortController, Promise<unknown>]>()
  const exec = <A, E>(effect: Effect.Effect<A, E, VisgateServices>, controller = new AbortController()) => {
    const done = runtime.runPromiseExit(effect, { signal: controller.signal })
    const entry = [controller, done] as const
    running.add(entry)
    return done.finally(() => running.delete(entry))
  }

  const run = async <A, E>(effect: Effect.Effect<A, E, VisgateServices>, signal: AbortSignal | undefined): Promise<A> => {
    if (closing !== undefined) throw closedError()
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    signal?.addEventListener("abort", onAbort, { once: true })
    const exit = await exec(effect, controller)
    signal?.removeEventListener("abort", onAbort)
    if (Exit.isSuccess(exit)) return toPlain(exit.value)
    if (Cause.isInterruptedOnly(exit.cause)) {
      // Interrupted by `close()` (not by the caller): the client-closed error.
      if (closing !== undefined && !signal?.aborted) throw closedError()
      throw new AbortError(undefined, signal?.aborted ? { cause: signal.reason } : undefined)
    }
    // Aborted, and a finalizer failed too (e.g. `jobs.wait`'s remote cancel): still `AbortError`,
    // with that failure as its cause.
    if (signal?.aborted && Cause.isInterrupted(exit.cause)) throw new AbortError(undefined, { cause: Cause.squash(exit.cause) })
    throw withCallerStack(Cause.squash(exit.cause))
  }

  const toAsyncIterable = <A, E>(
    stream: Stream.Stream<A, E, VisgateServices>,
    signal: AbortSignal | undefined
  ): AsyncIterable<A> => ({
    [Symbol.asyncIterator](): AsyncIterator<A> {
      let scope: Scope.CloseableScope | undefined
      let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, VisgateServices> | undefined
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

  return {
    call: (tag, f, options) => run(Effect.flatMap(service(tag), f), options?.signal),
    wait: (tag, options, f) =>
      run(Effect.flatMap(Effect.zip(service(tag), toEffectWaitOptions(options)), ([s, wait]) => f(s, wait)), options?.signal),
    watch: (tag, options, f) =>
      toAsyncIterable(unwrap(Effect.zipWith(service(tag), toEffectWaitOptions(options), f)), options?.signal),
    iterate: (tag, f, options) => toAsyncIterable(unwrap(Effect.map(service(tag), f)), options?.signal),
    // Interrupts everything in flight (each pending call and `next()` rejects with CLIENT_CLOSED)
    // and waits for it to stop, so no request goes out after `close()` resolves.
    close: () =>
      (closing ??= (async () => {
        while (running.size > 0) {
          for (const [controller] of running) controller.abort()
          await Promise.all(Array.from(running, ([, done]) => done))
        }
        await runtime.dispose()
      })())
  }
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
    // `tracing` is not a Promise option; a stray one from untyped code is ignored.
    const config = VisgateConfig.resolve({ ...options, tracing: false })
    if (Either.isLeft(config)) throw config.left
    const resolved = config.right
    this.#describe = `Client { url: ${JSON.stringify(resolved.url)}, auth: ${
      resolved.proxyUrl !== undefined ? "proxy" : "apiKey <redacted>"
    } }`
    const layer = fromConfigUntraced(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
      Layer.provide(FetchTransport.layer(options.fetch))
    )
    // The runtime's tracer is off: no span bookkeeping on any call.
    const runtime = makeRuntime(ManagedRuntime.make(Layer.merge(layer, Layer.setTracerEnabled(false))))
    this.#runtime = runtime
    this.images = makeGeneration(runtime, Images)
    this.videos = makeGeneration(runtime, Videos, true)
    this.requests = makeRequests(runtime)
    this.models = makeModels(runtime)
    this.usage = makeUsage(runtime)
    this.billing = makeBilling(runtime)
    this.providers = makeProviders(runtime)
    this.deployments = makeDeployments(runtime)
    this.jobs = makeJobs(runtime)
    this.auth = makeAuth(runtime)
    this.apiKeys = makeApiKeys(runtime)
    this.download = makeDownload(runtime)
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
