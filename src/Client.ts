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
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { toPlain } from "./internal/plain.js"
import * as Live from "./layers/Live.js"
import { AbortError, VisgateError } from "./schemas/Errors.js"
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
  iterate(options?: IterateModelsOptions & RequestOptions): AsyncIterableIterator<ModelInfo>
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

/** `client.deployments` (RunPod BYOK; set `runpodKey`). */
export interface DeploymentsResource {
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
  /** `GET /models`: the model catalog. */
  readonly models: ModelsResource
  /** `GET /usage`, `/usage/logs`, `/dashboard`; `POST /usage/downloads`. */
  readonly usage: UsageResource
  /** `/billing/*`. */
  readonly billing: BillingResource
  /** `/providers/*`: stored BYOK keys and balances. */
  readonly providers: ProvidersResource
  /** `/deployments/*`: RunPod BYOK deployments. */
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
    this.models = {
      list: (options) => run(Effect.flatMap(service(Models), (s) => s.list(withoutSignal(options))), options?.signal),
      get: (modelId, options) => run(Effect.flatMap(service(Models), (s) => s.get(modelId)), options?.signal),
      search: (query, options) =>
        run(Effect.flatMap(service(Models), (s) => s.search(query, withoutSignal(options))), options?.signal),
      iterate: (options) =>
        this.#iterate(
          Stream.unwrap(Effect.map(service(Models), (s) => s.iterate(withoutSignal(options)))),
          options?.signal
        )
    }
    this.usage = {
      get: (period, options) => run(Effect.flatMap(service(Usage), (s) => s.get(period)), options?.signal),
      logs: (options) => run(Effect.flatMap(service(Usage), (s) => s.logs(withoutSignal(options))), options?.signal),
      dashboard: (period, options) => run(Effect.flatMap(service(Usage), (s) => s.dashboard(period)), options?.signal),
      trackDownload: (requestId, url, options) =>
        run(
          Effect.flatMap(service(Usage), (s) => s.trackDownload(requestId, url, withoutSignal(options))),
          options?.signal
        )
    }
    this.billing = {
      getStats: (options) => run(Effect.flatMap(service(Billing), (s) => s.getStats()), options?.signal),
      getInfo: (options) => run(Effect.flatMap(service(Billing), (s) => s.getInfo()), options?.signal),
      getPricing: (options) => run(Effect.flatMap(service(Billing), (s) => s.getPricing()), options?.signal),
      checkout: (amount, returnUrl, options) =>
        run(
          Effect.flatMap(service(Billing), (s) => s.checkout(amount, returnUrl, withoutSignal(options))),
          options?.signal
        ),
      updateSubscription: (tier, options) =>
        run(Effect.flatMap(service(Billing), (s) => s.updateSubscription(tier)), options?.signal)
    }
    this.providers = {
      listKeys: (options) => run(Effect.flatMap(service(Providers), (s) => s.listKeys()), options?.signal),
      setKey: (provider, apiKey, options) =>
        run(Effect.flatMap(service(Providers), (s) => s.setKey(provider, apiKey)), options?.signal),
      deleteKey: (provider, options) =>
        run(Effect.flatMap(service(Providers), (s) => s.deleteKey(provider)), options?.signal),
      validateKey: (provider, apiKey, options) =>
        run(Effect.flatMap(service(Providers), (s) => s.validateKey(provider, apiKey)), options?.signal),
      balances: (options) => run(Effect.flatMap(service(Providers), (s) => s.balances()), options?.signal)
    }
    this.deployments = {
      create: (options) =>
        run(
          Effect.flatMap(service(Deployments), (s) => s.create(withoutSignal(options) as CreateDeploymentOptions)),
          options?.signal
        ),
      list: (options) => run(Effect.flatMap(service(Deployments), (s) => s.list(withoutSignal(options))), options?.signal),
      get: (id, options) => run(Effect.flatMap(service(Deployments), (s) => s.get(id)), options?.signal),
      delete: (id, options) => run(Effect.flatMap(service(Deployments), (s) => s.delete(id)), options?.signal),
      run: (id, input, options) => run(Effect.flatMap(service(Deployments), (s) => s.run(id, input)), options?.signal),
      getLogs: (id, options) => run(Effect.flatMap(service(Deployments), (s) => s.getLogs(id)), options?.signal),
      getCost: (id, options) => run(Effect.flatMap(service(Deployments), (s) => s.getCost(id)), options?.signal),
      listGpus: (options) => run(Effect.flatMap(service(Deployments), (s) => s.listGpus()), options?.signal)
    }
    this.auth = {
      me: (options) => run(Effect.flatMap(service(Account), (s) => s.me()), options?.signal)
    }
    this.apiKeys = {
      list: (options) => run(Effect.flatMap(service(Account), (s) => s.listApiKeys()), options?.signal)
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
   * Adapts a stream to an async iterator: each `next()` pulls one chunk through {@link #run}
   * (same abort and error behaviour as any call); leaving the loop early closes the stream.
   */
  #iterate<A, E>(
    stream: Stream.Stream<A, E, Live.VisgateServices>,
    signal: AbortSignal | undefined
  ): AsyncIterableIterator<A> {
    const run = <B, E2>(effect: Effect.Effect<B, E2, Live.VisgateServices>) => this.#run(effect, signal)
    return (async function*() {
      const scope = Effect.runSync(Scope.make())
      try {
        const pull = await run(Scope.extend(Stream.toPull(stream), scope))
        const next = Effect.catchAll(
          Effect.map(pull, Option.some),
          (end) => Option.isNone(end) ? Effect.succeed(Option.none()) : Effect.fail(end.value)
        )
        while (true) {
          const chunk = await run(next)
          if (Option.isNone(chunk)) return
          for (const item of chunk.value) yield toPlain(item)
        }
      } finally {
        await Effect.runPromise(Scope.close(scope, Exit.void))
      }
    })()
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
