/**
 * The Promise client: a thin adapter over the Effect services. It holds no logic of its own: it
 * resolves its options, builds one runtime (`client/runtime.ts`: a `ManagedRuntime` run with the
 * caller's `AbortSignal`, rejecting with the SDK's error classes themselves) and assembles the
 * resources, each wired in its own file under `client/`.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { makeApiKeys, makeAuth, type ApiKeysResource, type AuthResource } from "./client/Account.js"
import { type BillingResource, makeBilling } from "./client/Billing.js"
import { type DeploymentsResource, makeDeployments } from "./client/Deployments.js"
import { type ImagesResource, makeGeneration, type VideosResource } from "./client/Generation.js"
import { makeModels, type ModelsResource } from "./client/Models.js"
import { type RequestOptions, withoutSignal } from "./client/options.js"
import { makeProviders, type ProvidersResource } from "./client/Providers.js"
import { makeRequests, type RequestsResource } from "./client/Requests.js"
import * as ClientRuntime from "./client/runtime.js"
import { makeUsage, type UsageResource } from "./client/Usage.js"
import * as FetchClient from "./internal/fetchClient.js"
import { fromConfig } from "./layers/VisgateServices.js"
import type { GenerateOptions, GenerateResult } from "./schemas/Generate.js"
import type { HealthStatus } from "./schemas/Health.js"
import { Generate } from "./services/Generate.js"
import { Health } from "./services/Health.js"
import { Images } from "./services/Images.js"
import { Videos } from "./services/Videos.js"
import * as VisgateConfig from "./services/VisgateConfig.js"

/**
 * Options of the Promise client: those of the Effect layers except `tracing` (spans need a tracer,
 * which only an Effect program can provide: use the `./effect` layers with `tracing: true`).
 */
export interface ClientOptions extends Omit<VisgateConfig.VisgateClientOptions, "tracing"> {
  /** A custom `fetch` (tests, edge runtimes, instrumentation). Defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
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
  /** `GET /auth/me`. */
  readonly auth: AuthResource
  /** `GET /api-keys`. */
  readonly apiKeys: ApiKeysResource

  readonly #runtime: ClientRuntime.ClientRuntime
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
    const layer = fromConfig(Layer.succeed(VisgateConfig.VisgateConfig, resolved)).pipe(
      Layer.provide(FetchClient.layer(options.fetch))
    )
    // The runtime's tracer is off: no span bookkeeping on any call.
    const runtime = ClientRuntime.make(ManagedRuntime.make(Layer.merge(layer, Layer.setTracerEnabled(false))))
    this.#runtime = runtime
    this.images = makeGeneration(runtime, Images)
    this.videos = makeGeneration(runtime, Videos)
    this.requests = makeRequests(runtime)
    this.models = makeModels(runtime)
    this.usage = makeUsage(runtime)
    this.billing = makeBilling(runtime)
    this.providers = makeProviders(runtime)
    this.deployments = makeDeployments(runtime)
    this.auth = makeAuth(runtime)
    this.apiKeys = makeApiKeys(runtime)
  }

  /** `POST /generate`: quick image generation (default model `fal-ai/flux/schnell`). */
  generate(prompt: string, options?: GenerateOptions & RequestOptions): Promise<GenerateResult> {
    return this.#runtime.call(Generate, (s) => s.generate(prompt, withoutSignal(options)), options)
  }

  /** `GET /health`. */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.#runtime.call(Health, (s) => s.check(), options)
  }

  /** Releases the client's resources. Idempotent; calls made afterwards reject. */
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
