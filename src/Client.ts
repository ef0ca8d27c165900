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
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Progress } from "./internal/poll.js"
import { toPlain } from "./internal/plain.js"
import * as Live from "./layers/Live.js"
import type { DeploymentLogLine, DeploymentState } from "./schemas/DeploymentWatch.js"
import { AbortError, ValidationError, VisgateError } from "./schemas/Errors.js"
import type { ApiKeyInfo, Me } from "./schemas/Account.js"
import type {
  BillingInfo,
  BillingPricing,
  BillingStats,
  CheckoutSession,
  SubscriptionUpdate
} from "./schemas/Billing.js"
import type {
  Deployment,
  DeploymentCost,
  DeploymentCreated,
  DeploymentList,
  DeploymentLogEntry,
  GpuList,
  InferenceJob
} from "./schemas/Deployments.js"
import type { GenerateOptions, GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import type { ImageResult } from "./schemas/Images.js"
import type { ModelInfo, ModelsResponse } from "./schemas/Models.js"
import type {
  KeyValidation,
  ProviderBalances,
  ProviderKeyDeleted,
  ProviderKeyInfo,
  ProviderKeys,
  ProviderName
} from "./schemas/Providers.js"
import type { AcceptedResult, RequestStatus } from "./schemas/Requests.js"
import type { DashboardSummary, UsageLogEntry, UsagePeriod, UsageSummary } from "./schemas/Usage.js"
import type { VideoResult } from "./schemas/Videos.js"
import { Account } from "./services/Account.js"
import { Billing, type CheckoutOptions } from "./services/Billing.js"
import { type CreateDeploymentOptions, Deployments, type ListDeploymentsOptions } from "./services/Deployments.js"
import { DeploymentWatch } from "./services/DeploymentWatch.js"
import { Generate } from "./services/Generate.js"
import { Health } from "./services/Health.js"
import { type ImageGenerateOptions, Images } from "./services/Images.js"
import {
  type IterateModelsOptions,
  type ListModelsOptions,
  Models,
  type SearchModelsOptions
} from "./services/Models.js"
import { Providers } from "./services/Providers.js"
import { Requests } from "./services/Requests.js"
import { type TrackDownloadOptions, Usage, type UsageLogsOptions } from "./services/Usage.js"
import { type VideoGenerateOptions, Videos } from "./services/Videos.js"
import * as VisgateConfig from "./services/VisgateConfig.js"
import type { Secret } from "./services/VisgateConfig.js"

/** Options of `new Client(options)`. */
/**
 * Options of the Promise client: those of the Effect layers except `tracing` (spans need a tracer,
 * which only an Effect program can provide: use the `./effect` layers with `tracing: true`).
 */
export interface ClientOptions extends Omit<VisgateConfig.VisgateClientOptions, "tracing"> {
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
   * Spacing between status requests: `initialMs`, multiplied by `factor` after each request, capped
   * at `maxMs` (default `{ initialMs: 1000, factor: 1.5, maxMs: 10000 }`); the server's
   * `poll_interval_seconds` / `Retry-After` hint replaces a delay when present.
   */
  readonly schedule?: PollSchedule | undefined
}

/** Plain polling spacing for the Promise client (Effect users pass a `Schedule` to the services). */
export interface PollSchedule {
  /** First delay in ms (default 1000). */
  readonly initialMs?: number | undefined
  /** Growth per request, >= 1 (default 1.5; 1 keeps the delay fixed). */
  readonly factor?: number | undefined
  /** Upper bound of a delay in ms (default 10000). */
  readonly maxMs?: number | undefined
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

/** Long-running deployment methods, part of `client.deployments`. */
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

/** `client.models`. */
export interface ModelsResource {
  /** `GET /models`: one page of the catalog, filtered. */
  list(options?: ListModelsOptions & RequestOptions): Promise<ModelsResponse>
  /** `GET /models/{id}`: one model; ids keep their slashes (`fal-ai/flux/schnell`). */
  get(modelId: string, options?: RequestOptions): Promise<ModelInfo>
  /** `GET /models?search=`: models matching `query` (default limit 20). */
  search(query: string, options?: SearchModelsOptions & RequestOptions): Promise<ModelsResponse>
  /**
   * Every model matching the filters, fetched a page at a time as you iterate
   * (`for await (const m of client.models.iterate())`). `break` stops fetching.
   */
  iterate(options?: IterateModelsOptions & RequestOptions): AsyncIterable<ModelInfo>
}

/** `client.usage`. */
export interface UsageResource {
  /** `GET /usage`: totals for `day` | `week` | `month` (default) | `year`. */
  get(period?: UsagePeriod, options?: RequestOptions): Promise<UsageSummary>
  /** `GET /usage/logs`: recent request log entries (default 50 from offset 0). */
  logs(options?: UsageLogsOptions & RequestOptions): Promise<ReadonlyArray<UsageLogEntry>>
  /** `GET /dashboard`: dashboard figures for a period (default `month`). */
  dashboard(period?: UsagePeriod, options?: RequestOptions): Promise<DashboardSummary>
  /** `POST /usage/downloads`: records a download of a generated output. */
  trackDownload(requestId: string, url: string, options?: TrackDownloadOptions & RequestOptions): Promise<void>
}

/** `client.billing`. */
export interface BillingResource {
  /** `GET /billing/stats`: public platform figures. */
  getStats(options?: RequestOptions): Promise<BillingStats>
  /** `GET /billing/info`: your organisation's tier, balance and budget. */
  getInfo(options?: RequestOptions): Promise<BillingInfo>
  /** `GET /billing/pricing`: the model pricing list. */
  getPricing(options?: RequestOptions): Promise<BillingPricing>
  /** `POST /billing/checkout`: starts a top-up of `amount` USD; redirect to `checkoutUrl`. */
  checkout(amount: number, returnUrl: string, options?: CheckoutOptions & RequestOptions): Promise<CheckoutSession>
  /** `PUT /billing/subscription`: changes the subscription tier. */
  updateSubscription(tier: string, options?: RequestOptions): Promise<SubscriptionUpdate>
}

/** `client.providers`. */
export interface ProvidersResource {
  /** `GET /providers/keys`: your stored provider keys (masked). */
  listKeys(options?: RequestOptions): Promise<ProviderKeys>
  /** `PUT /providers/keys`: stores a provider key (held as `Redacted` until sent). */
  setKey(provider: ProviderName, apiKey: Secret, options?: RequestOptions): Promise<ProviderKeyInfo>
  /** `DELETE /providers/keys/{provider}`: removes a stored key. */
  deleteKey(provider: ProviderName, options?: RequestOptions): Promise<ProviderKeyDeleted>
  /** `POST /providers/validate`: checks a key with the provider without storing it. */
  validateKey(provider: ProviderName, apiKey: Secret, options?: RequestOptions): Promise<KeyValidation>
  /** `GET /providers/balances`: remaining credit per provider. */
  balances(options?: RequestOptions): Promise<ProviderBalances>
}

/** `client.deployments` (RunPod BYOK; set `runpodKey`), with the watch methods. */
export interface DeploymentsResource extends DeploymentsWatchResource {
  /** `POST /deployments`: starts a deployment of a Hugging Face model. */
  create(options: CreateDeploymentOptions & RequestOptions): Promise<DeploymentCreated>
  /** `GET /deployments`: your deployments, newest first. */
  list(options?: ListDeploymentsOptions & RequestOptions): Promise<DeploymentList>
  /** `GET /deployments/{id}`: status and details. */
  get(deploymentId: string, options?: RequestOptions): Promise<Deployment>
  /** `DELETE /deployments/{id}`: tears the deployment down. */
  delete(deploymentId: string, options?: RequestOptions): Promise<void>
  /** `POST /deployments/{id}/run`: runs inference with `{input}`. */
  run(deploymentId: string, input: Readonly<Record<string, unknown>>, options?: RequestOptions): Promise<InferenceJob>
  /** `GET /deployments/{id}/logs`: the stored orchestration log. */
  getLogs(deploymentId: string, options?: RequestOptions): Promise<ReadonlyArray<DeploymentLogEntry>>
  /** `GET /deployments/{id}/cost`: hours running and estimated cost (USD). */
  getCost(deploymentId: string, options?: RequestOptions): Promise<DeploymentCost>
  /** `GET /deployments/gpus`: GPU types and hourly prices (USD). */
  listGpus(options?: RequestOptions): Promise<GpuList>
}

/** `client.auth`. */
export interface AuthResource {
  /** `GET /auth/me`: the organisation and role behind the current key or session. */
  me(options?: RequestOptions): Promise<Me>
}

/** `client.apiKeys`. */
export interface ApiKeysResource {
  /** `GET /api-keys`: your organisation's Visgate API keys (prefixes only). */
  list(options?: RequestOptions): Promise<ReadonlyArray<ApiKeyInfo>>
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

/** A service tag as the Effect that reads the service. */
const service = <I, S>(tag: Context.Tag<I, S>) => tag as unknown as Effect.Effect<S, never, I>

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
  const bad = badSchedule(schedule)
  if (bad !== undefined) return Effect.fail(bad)
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
    ...(schedule !== undefined ? { schedule: toSchedule(schedule) } : {}),
    ...(onStatus !== undefined ? { onStatus: (p: P) => Effect.sync(() => onStatus(toPlain(p))) } : {})
  })
}

const badSchedule = (s: PollSchedule | undefined): ValidationError | undefined => {
  for (const [k, min] of [["initialMs", 0], ["factor", 1], ["maxMs", 0]] as const) {
    const v = s?.[k]
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < min || (min === 0 && v === 0))) {
      const want = min === 1 ? "a finite number >= 1" : "a positive number of milliseconds"
      const message = `schedule.${k} must be ${want}, got ${String(v)}`
      return new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field: `schedule.${k}` })
    }
  }
  return undefined
}

/** The Promise `schedule` as the Effect one the services poll with (defaults: the services' own). */
const toSchedule = ({ factor = 1.5, initialMs = 1000, maxMs = 10_000 }: PollSchedule): Schedule.Schedule<unknown> =>
  Schedule.exponential(Duration.millis(initialMs), factor).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(maxMs)))
  )

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
  /** `GET /auth/me`. */
  readonly auth: AuthResource
  /** `GET /api-keys`. */
  readonly apiKeys: ApiKeysResource

  readonly #runtime: ManagedRuntime.ManagedRuntime<Live.VisgateServices, never>
  readonly #describe: string
  #closing: Promise<void> | undefined

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
    const layer = Live.fromConfig(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
      Layer.provide(Live.leanHttpClientFetch(options.fetch))
    )
    // The runtime's tracer is off: no span bookkeeping on any call.
    this.#runtime = ManagedRuntime.make(Layer.merge(layer, Layer.setTracerEnabled(false)))
    const run: Run = (effect, signal) => this.#run(effect, signal)
    /** Runs `f` on one of the client's services, cancelled by `options.signal`. */
    const call = this.#call.bind(this)

    const iterate = <A, E>(stream: Stream.Stream<A, E, Live.VisgateServices>, signal: AbortSignal | undefined) =>
      this.#iterate(stream, signal)

    this.images = {
      generate: (model: string, prompt: string, options?: ImageGenerateOptions & RequestOptions) =>
        call(Images, (s) => s.generate(model, prompt, withoutSignal(options)), options),
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
        call(Videos, (s) => s.generate(model, prompt, withoutSignal(options)), options),
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
      get: (requestId, options) => call(Requests, (s) => s.get(requestId), options),
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
    const watchDeployments: DeploymentsWatchResource = {
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
    this.models = {
      list: (options) => call(Models, (s) => s.list(withoutSignal(options)), options),
      get: (modelId, options) => call(Models, (s) => s.get(modelId), options),
      search: (query, options) =>
        call(Models, (s) => s.search(query, withoutSignal(options)), options),
      iterate: (options) =>
        iterate(Stream.unwrap(Effect.map(service(Models), (s) => s.iterate(withoutSignal(options)))), options?.signal)
    }
    this.usage = {
      get: (period, options) => call(Usage, (s) => s.get(period), options),
      logs: (options) => call(Usage, (s) => s.logs(withoutSignal(options)), options),
      dashboard: (period, options) => call(Usage, (s) => s.dashboard(period), options),
      trackDownload: (requestId, url, options) =>
        call(Usage, (s) => s.trackDownload(requestId, url, withoutSignal(options)), options)
    }
    this.billing = {
      getStats: (options) => call(Billing, (s) => s.getStats(), options),
      getInfo: (options) => call(Billing, (s) => s.getInfo(), options),
      getPricing: (options) => call(Billing, (s) => s.getPricing(), options),
      checkout: (amount, returnUrl, options) =>
        call(Billing, (s) => s.checkout(amount, returnUrl, withoutSignal(options)), options),
      updateSubscription: (tier, options) =>
        call(Billing, (s) => s.updateSubscription(tier), options)
    }
    this.providers = {
      listKeys: (options) => call(Providers, (s) => s.listKeys(), options),
      setKey: (provider, apiKey, options) =>
        call(Providers, (s) => s.setKey(provider, apiKey), options),
      deleteKey: (provider, options) =>
        call(Providers, (s) => s.deleteKey(provider), options),
      validateKey: (provider, apiKey, options) =>
        call(Providers, (s) => s.validateKey(provider, apiKey), options),
      balances: (options) => call(Providers, (s) => s.balances(), options)
    }
    this.deployments = {
      ...watchDeployments,
      create: (options) =>
        call(Deployments, (s) => s.create(withoutSignal(options) as CreateDeploymentOptions), options),
      list: (options) => call(Deployments, (s) => s.list(withoutSignal(options)), options),
      get: (id, options) => call(Deployments, (s) => s.get(id), options),
      delete: (id, options) => call(Deployments, (s) => s.delete(id), options),
      run: (id, input, options) => call(Deployments, (s) => s.run(id, input), options),
      getLogs: (id, options) => call(Deployments, (s) => s.getLogs(id), options),
      getCost: (id, options) => call(Deployments, (s) => s.getCost(id), options),
      listGpus: (options) => call(Deployments, (s) => s.listGpus(), options)
    }
    this.auth = {
      me: (options) => call(Account, (s) => s.me(), options)
    }
    this.apiKeys = {
      list: (options) => call(Account, (s) => s.listApiKeys(), options)
    }
  }

  /** `POST /generate`: quick image generation (default model `fal-ai/flux/schnell`). */
  generate(prompt: string, options?: GenerateOptions & RequestOptions): Promise<GenerateResult> {
    return this.#call(Generate, (s) => s.generate(prompt, withoutSignal(options)), options)
  }

  /** `GET /health`. */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.#call(Health, (s) => s.check(), options)
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

  /** Runs `f` on one of the client's services, cancelled by `options.signal`. */
  #call<I extends Live.VisgateServices, S, A, E>(
    tag: Context.Tag<I, S>,
    f: (service: S) => Effect.Effect<A, E, Live.VisgateServices>,
    options: RequestOptions | undefined
  ): Promise<A> {
    return this.#run(Effect.flatMap(service(tag), f), options?.signal)
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
    throw withCallerStack(Cause.squash(exit.cause))
  }
}

/**
 * The error's stack re-taken here, after the await: V8-family runtimes then list the awaiting
 * caller's frames (`at async main (app.ts:12)`) instead of the fiber's scheduler frames.
 */
const withCallerStack = (error: unknown): unknown => {
  const capture = (Error as { captureStackTrace?: (e: object, above?: Function) => void }).captureStackTrace
  if (capture !== undefined && error instanceof Error) capture(error, withCallerStack)
  return error
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
