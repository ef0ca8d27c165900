/**
 * The Promise client: a thin adapter over the Effect services. It holds no logic of its own:
 * each method runs the matching service call on one `ManagedRuntime` per client, passing the
 * caller's `AbortSignal`, and rejects with the SDK's error classes themselves.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Progress } from "./internal/poll.js"
import { toPlain } from "./internal/plain.js"
import * as Live from "./layers/Live.js"
import type { DeploymentLogLine, DeploymentState } from "./schemas/DeploymentWatch.js"
import { AbortError, ValidationError, VisgateError } from "./schemas/Errors.js"
import type { GenerateOptions, GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import type { ImageResult } from "./schemas/Images.js"
import type { AcceptedResult, RequestStatus } from "./schemas/Requests.js"
import type { VideoResult } from "./schemas/Videos.js"
import { DeploymentWatch } from "./services/DeploymentWatch.js"
import { Generate } from "./services/Generate.js"
import { Health } from "./services/Health.js"
import { type ImageGenerateOptions, Images } from "./services/Images.js"
import { Requests } from "./services/Requests.js"
import { type VideoGenerateOptions, Videos } from "./services/Videos.js"
import * as VisgateConfig from "./services/VisgateConfig.js"

/** Options of `new Client(options)`. */
export interface ClientOptions extends VisgateConfig.VisgateClientOptions {
  /** A custom `fetch` (tests, edge runtimes, instrumentation). Defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** Accepted by every method: an `AbortSignal` that cancels the call (rejecting with `AbortError`). */
export interface RequestOptions {
  readonly signal?: AbortSignal | undefined
}

/** `client.images`. */
export interface ImagesResource {
  /** `POST /images/generate` in async mode: the result, or `{ status: "accepted", requestId }`. */
  generate(
    model: string,
    prompt: string,
    options: ImageGenerateOptions & RequestOptions & { readonly preferAsync: true }
  ): Promise<ImageResult | AcceptedResult>
  /** `POST /images/generate`. */
  generate(
    model: string,
    prompt: string,
    options?: ImageGenerateOptions & RequestOptions & { readonly preferAsync?: false | null | undefined }
  ): Promise<ImageResult>
  generate(
    model: string,
    prompt: string,
    options?: ImageGenerateOptions & RequestOptions
  ): Promise<ImageResult | AcceptedResult>
  /**
   * Submits in async mode and waits: the `ImageResult` when the server answers 200, else (after
   * a 202) the final `RequestStatus` polled from `GET /requests/{id}` (`"requestId" in result`).
   * Rejects with `GenerationFailedError`, `WaitTimeoutError` past `timeout`, `AbortError`.
   */
  generateAndWait(
    model: string,
    prompt: string,
    options?: Omit<ImageGenerateOptions, "preferAsync"> & WaitOptions<RequestProgress>
  ): Promise<ImageResult | RequestStatus>
}

/** `client.videos`. */
export interface VideosResource {
  /** `POST /videos/generate` in async mode: the result, or `{ status: "accepted", requestId }`. */
  generate(
    model: string,
    prompt: string,
    options: VideoGenerateOptions & RequestOptions & { readonly preferAsync: true }
  ): Promise<VideoResult | AcceptedResult>
  /** `POST /videos/generate`. */
  generate(
    model: string,
    prompt: string,
    options?: VideoGenerateOptions & RequestOptions & { readonly preferAsync?: false | null | undefined }
  ): Promise<VideoResult>
  generate(
    model: string,
    prompt: string,
    options?: VideoGenerateOptions & RequestOptions
  ): Promise<VideoResult | AcceptedResult>
  /**
   * Submits in async mode and waits: the `VideoResult` when the server answers 200, else (after
   * a 202) the final `RequestStatus` polled from `GET /requests/{id}` (`"requestId" in result`).
   * Rejects with `GenerationFailedError`, `WaitTimeoutError` past `timeout`, `AbortError`.
   */
  generateAndWait(
    model: string,
    prompt: string,
    options?: Omit<VideoGenerateOptions, "preferAsync"> & WaitOptions<RequestProgress>
  ): Promise<VideoResult | RequestStatus>
}

/** One update while polling a request: `status`, `elapsedMs`, `estimatedRemainingSeconds?`, `polls`, `value`. */
export type RequestProgress = Progress<RequestStatus>

/** One update while watching a deployment. */
export type DeploymentProgress = Progress<DeploymentState>

/** Options of the Promise `watch` methods. */
export interface WatchOptions extends RequestOptions {
  /** Overall deadline in ms; past it the iteration rejects with `WaitTimeoutError`. */
  readonly timeout?: number | undefined
  /**
   * Spacing between status requests (an Effect `Schedule`); default 1 s growing x1.5 to 10 s,
   * replaced by the server's `poll_interval_seconds` / `Retry-After` hint when present.
   */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
}

/** Options of the Promise `wait` methods. */
export interface WaitOptions<P> extends WatchOptions {
  /** Called with each status change (elapsed time and the server's estimate included). */
  readonly onStatus?: ((progress: P) => void) | undefined
}

/** `client.requests`. */
export interface RequestsResource {
  /** `GET /requests/{id}`: status of an async generation. */
  get(requestId: string, options?: RequestOptions): Promise<RequestStatus>
  /**
   * Polls until `completed` (resolved) or `failed` (rejects with `GenerationFailedError`, the
   * server's `error_message` in its message). Past `timeout` rejects with `WaitTimeoutError`;
   * aborting `signal` stops polling at once (no request after it) and rejects with `AbortError`.
   */
  wait(requestId: string, options?: WaitOptions<RequestProgress>): Promise<RequestStatus>
  /**
   * Each status change as an async iterable (`for await`), ending after the terminal one (a
   * `failed` status is yielded, not thrown). Polling runs only while you iterate; `break` or
   * aborting `signal` stops it at once (aborting rejects the pending `next()` with `AbortError`).
   */
  watch(requestId: string, options?: WatchOptions): AsyncIterable<RequestProgress>
}

/**
 * Long-running deployment methods. To merge with the issue-3 `client.deployments` resource
 * (create/list/get/...), spread these three into it.
 */
export interface DeploymentsWatchResource {
  /**
   * Status changes until `ready`, `failed`, `webhook_failed` or `deleted`: server-sent events
   * when offered (reconnecting on drop), polling `GET /deployments/{id}` otherwise.
   */
  watch(deploymentId: string, options?: WatchOptions): AsyncIterable<DeploymentProgress>
  /** Live log lines until the server's `done` event. */
  logs(deploymentId: string, options?: RequestOptions): AsyncIterable<DeploymentLogLine>
  /**
   * Resolves with the state once `ready` (or `webhook_failed`); rejects with
   * `DeploymentFailedError` on `failed` / `deleted`, `WaitTimeoutError` past `timeout`,
   * `AbortError` on abort.
   */
  waitUntilReady(deploymentId: string, options?: WaitOptions<DeploymentProgress>): Promise<DeploymentState>
}

type Run = <A, E>(
  effect: Effect.Effect<A, E, Live.VisgateServices>,
  signal: AbortSignal | undefined
) => Promise<A>

const withoutSignal = <O extends RequestOptions>(options: O | undefined): Omit<O, "signal"> | undefined => {
  if (options === undefined) return undefined
  const { signal: _signal, ...rest } = options
  return rest
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/** Promise wait/watch options to the Effect ones (ms to `Duration`; the callback made an Effect). */
const toPollOptions = <P>(
  options: WaitOptions<P> | undefined
): Effect.Effect<
  {
    readonly timeout?: Duration.Duration
    readonly schedule?: Schedule.Schedule<unknown, unknown>
    readonly onStatus?: (p: P) => Effect.Effect<void>
  },
  ValidationError
> => {
  if (options === undefined) return Effect.succeed({})
  const { onStatus, schedule, timeout } = options
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0)) {
    return Effect.fail(
      new ValidationError({
        message: `timeout must be a positive number of milliseconds, got ${String(timeout)}`,
        errorCode: "INVALID_ARGUMENT",
        field: "timeout"
      })
    )
  }
  return Effect.succeed({
    ...(timeout !== undefined ? { timeout: Duration.millis(timeout) } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    ...(onStatus !== undefined ? { onStatus: (p: P) => Effect.sync(() => onStatus(toPlain(p))) } : {})
  })
}

const withoutWaitOptions = <O extends WaitOptions<never>>(
  options: O | undefined
): Omit<O, "signal" | "timeout" | "schedule" | "onStatus"> | undefined => {
  if (options === undefined) return undefined
  const { onStatus: _o, schedule: _s, signal: _signal, timeout: _t, ...rest } = options
  return rest
}

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
  /** Watching deployments (status stream, logs, wait until ready). */
  readonly deployments: DeploymentsWatchResource

  readonly #runtime: ManagedRuntime.ManagedRuntime<Live.VisgateServices, never>
  readonly #describe: string
  #closing: Promise<void> | undefined

  /**
   * Throws `AuthenticationError` when there is neither an API key (option or `VISGATE_API_KEY`)
   * nor a `proxyUrl`, and `ValidationError` for invalid options, before any request.
   */
  constructor(options: ClientOptions = {}) {
    const config = VisgateConfig.resolve(options)
    if (Either.isLeft(config)) throw config.left
    const resolved = config.right
    this.#describe = `Client { url: ${JSON.stringify(resolved.url)}, auth: ${
      resolved.proxyUrl !== undefined ? "proxy" : "apiKey <redacted>"
    } }`
    this.#runtime = ManagedRuntime.make(
      Live.fromConfig(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
        Layer.provide(Live.httpClientFetch(options.fetch))
      )
    )
    const run: Run = (effect, signal) => this.#run(effect, signal)
    const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

    const iterate = <A, E>(stream: Stream.Stream<A, E, Live.VisgateServices>, signal: AbortSignal | undefined) =>
      this.#iterate(stream, signal)

    this.images = {
      generate: (model: string, prompt: string, options?: ImageGenerateOptions & RequestOptions) =>
        run(Effect.flatMap(service(Images), (s) => s.generate(model, prompt, withoutSignal(options))), options?.signal),
      generateAndWait: (
        model: string,
        prompt: string,
        options?: Omit<ImageGenerateOptions, "preferAsync"> & WaitOptions<RequestProgress>
      ) =>
        run(
          Effect.flatMap(Effect.zip(service(Images), toPollOptions(options)), ([s, wait]) =>
            s.generateAndWait(model, prompt, { ...withoutWaitOptions(options), ...wait })),
          options?.signal
        )
    } as ImagesResource
    this.videos = {
      generate: (model: string, prompt: string, options?: VideoGenerateOptions & RequestOptions) =>
        run(Effect.flatMap(service(Videos), (s) => s.generate(model, prompt, withoutSignal(options))), options?.signal),
      generateAndWait: (
        model: string,
        prompt: string,
        options?: Omit<VideoGenerateOptions, "preferAsync"> & WaitOptions<RequestProgress>
      ) =>
        run(
          Effect.flatMap(Effect.zip(service(Videos), toPollOptions(options)), ([s, wait]) =>
            s.generateAndWait(model, prompt, { ...withoutWaitOptions(options), ...wait })),
          options?.signal
        )
    } as VideosResource
    this.requests = {
      get: (requestId, options) => run(Effect.flatMap(service(Requests), (s) => s.get(requestId)), options?.signal),
      wait: (requestId, options) =>
        run(
          Effect.flatMap(Effect.zip(service(Requests), toPollOptions(options)), ([s, wait]) => s.wait(requestId, wait)),
          options?.signal
        ),
      watch: (requestId, options) =>
        iterate(
          Stream.unwrap(Effect.zipWith(service(Requests), toPollOptions(options), (s, o) => s.poll(requestId, o))),
          options?.signal
        )
    }
    this.deployments = {
      watch: (deploymentId, options) =>
        iterate(
          Stream.unwrap(
            Effect.zipWith(service(DeploymentWatch), toPollOptions(options), (s, o) => s.watch(deploymentId, o))
          ),
          options?.signal
        ),
      logs: (deploymentId, options) =>
        iterate(Stream.unwrap(Effect.map(service(DeploymentWatch), (s) => s.logs(deploymentId))), options?.signal),
      waitUntilReady: (deploymentId, options) =>
        run(
          Effect.flatMap(
            Effect.zip(service(DeploymentWatch), toPollOptions(options)),
            ([s, wait]) => s.waitUntilReady(deploymentId, wait)
          ),
          options?.signal
        )
    }
  }

  /** `POST /generate`: quick image generation (default model `fal-ai/flux/schnell`). */
  generate(prompt: string, options?: GenerateOptions & RequestOptions): Promise<GenerateResult> {
    return this.#run(
      Effect.flatMap(Generate, (s) => s.generate(prompt, withoutSignal(options))),
      options?.signal
    )
  }

  /** `GET /health`. */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.#run(Effect.flatMap(Health, (s) => s.check()), options?.signal)
  }

  /** Releases the client's resources. Idempotent; calls made afterwards reject. */
  close(): Promise<void> {
    this.#closing ??= this.#runtime.dispose()
    return this.#closing
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

  /**
   * A `Stream` as an async iterable on this client's runtime. Pull-based: the stream runs only
   * while `next()` is pending (nothing is polled ahead of the consumer). Aborting `signal`
   * interrupts the pull in flight (a sleep or a request) and closes the stream, so no request is
   * made after it; the pending or next `next()` rejects with `AbortError`. `break` / `return()`
   * closes it too. Failures reject with the SDK's error classes, as `#run` does.
   */
  #iterate<A, E>(stream: Stream.Stream<A, E, Live.VisgateServices>, signal: AbortSignal | undefined): AsyncIterable<A> {
    const runtime = this.#runtime
    const isClosing = () => this.#closing !== undefined
    return {
      [Symbol.asyncIterator](): AsyncIterator<A> {
        let scope: Scope.CloseableScope | undefined
        let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, Live.VisgateServices> | undefined
        let buffer: Array<A> = []
        let finished = false
        let inFlight: AbortController | undefined
        const close = () => {
          finished = true
          signal?.removeEventListener("abort", onAbort)
          const s = scope
          scope = undefined
          if (s !== undefined) runtime.runFork(Scope.close(s, Exit.void))
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
            if (isClosing()) {
              close()
              throw new VisgateError({ message: "This client has been closed", errorCode: "CLIENT_CLOSED" })
            }
            if (pull === undefined) {
              const s = await runtime.runPromise(Scope.make())
              scope = s
              pull = await runtime.runPromise(Scope.extend(Stream.toPull(stream), s))
            }
            for (;;) {
              const controller = new AbortController()
              inFlight = controller
              const exit = await runtime.runPromiseExit(pull, { signal: controller.signal })
              inFlight = undefined
              if (signal?.aborted) {
                close()
                throw aborted()
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
    }
  }

  async #run<A, E>(effect: Effect.Effect<A, E, Live.VisgateServices>, signal: AbortSignal | undefined): Promise<A> {
    if (this.#closing !== undefined) {
      throw new VisgateError({ message: "This client has been closed", errorCode: "CLIENT_CLOSED" })
    }
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
    const exit = await this.#runtime.runPromiseExit(effect, signal !== undefined ? { signal } : undefined)
    if (Exit.isSuccess(exit)) return toPlain(exit.value)
    if (Cause.isInterruptedOnly(exit.cause)) {
      throw new AbortError(undefined, signal?.aborted ? { cause: signal.reason } : undefined)
    }
    throw Cause.squash(exit.cause)
  }
}

// `await using client = new Client()` closes the client at the end of the block, where the runtime
// has `Symbol.asyncDispose` (Node 20+, modern browsers). Defined at run time so the published types
// do not require the `esnext.disposable` lib.
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
