/**
 * The Promise client: a thin adapter over the Effect services. It holds no logic of its own:
 * each method runs the matching service call on one `ManagedRuntime` per client, passing the
 * caller's `AbortSignal`, and rejects with the SDK's error classes themselves.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { toPlain } from "./internal/plain.js"
import * as Live from "./layers/Live.js"
import { AbortError, VisgateError } from "./schemas/Errors.js"
import type { GenerateOptions, GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import type { ImageResult } from "./schemas/Images.js"
import type { AcceptedResult, RequestStatus } from "./schemas/Requests.js"
import type { VideoResult } from "./schemas/Videos.js"
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
}

/** `client.requests`. */
export interface RequestsResource {
  /** `GET /requests/{id}`: status of an async generation. */
  get(requestId: string, options?: RequestOptions): Promise<RequestStatus>
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
  /** `GET /requests/{id}`. */
  readonly requests: RequestsResource

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
    const layer = Live.fromConfig(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
      Layer.provide(Live.httpClientFetch(options.fetch))
    )
    // Without `tracing`, the runtime's tracer is off: no span bookkeeping on any call.
    this.#runtime = ManagedRuntime.make(
      resolved.tracing ? layer : Layer.merge(layer, Layer.setTracerEnabled(false))
    )
    const run: Run = (effect, signal) => this.#run(effect, signal)
    const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

    this.images = {
      generate: (model: string, prompt: string, options?: ImageGenerateOptions & RequestOptions) =>
        run(Effect.flatMap(service(Images), (s) => s.generate(model, prompt, withoutSignal(options))), options?.signal)
    } as ImagesResource
    this.videos = {
      generate: (model: string, prompt: string, options?: VideoGenerateOptions & RequestOptions) =>
        run(Effect.flatMap(service(Videos), (s) => s.generate(model, prompt, withoutSignal(options))), options?.signal)
    } as VideosResource
    this.requests = {
      get: (requestId, options) => run(Effect.flatMap(service(Requests), (s) => s.get(requestId)), options?.signal)
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

  /** `await using client = new Client()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
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

/** Same interface as {@link Client} (every method returns a Promise); for parity with the Python SDK. */
export class AsyncClient extends Client {}
