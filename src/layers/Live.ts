/**
 * Composition only: the resource services on the core client, with configuration from
 * options or from Effect `Config`, and optionally the platform's fetch-based `HttpClient`.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as FetchClient from "../internal/fetchClient.js"
import type { AuthenticationError, ValidationError } from "../schemas/Errors.js"
import * as Account from "../services/Account.js"
import * as Billing from "../services/Billing.js"
import * as Deployments from "../services/Deployments.js"
import * as DeploymentWatch from "../services/DeploymentWatch.js"
import * as Generate from "../services/Generate.js"
import * as Health from "../services/Health.js"
import * as Images from "../services/Images.js"
import * as Models from "../services/Models.js"
import * as Providers from "../services/Providers.js"
import * as Requests from "../services/Requests.js"
import * as Usage from "../services/Usage.js"
import * as Videos from "../services/Videos.js"
import * as VisgateClient from "../services/VisgateClient.js"
import * as VisgateConfig from "../services/VisgateConfig.js"

/** Every service the SDK provides. */
export type VisgateServices =
  | VisgateConfig.VisgateConfig
  | VisgateClient.VisgateClient
  | Generate.Generate
  | Images.Images
  | Videos.Videos
  | Requests.Requests
  | Health.Health
  | Models.Models
  | Usage.Usage
  | Billing.Billing
  | Providers.Providers
  | Deployments.Deployments
  | Account.Account
  | DeploymentWatch.DeploymentWatch

/** The resource services, on top of the core client. */
export const services = Layer.mergeAll(
  Generate.layer,
  Images.layer,
  Videos.layer,
  Requests.layer,
  Health.layer,
  Models.layer,
  Usage.layer,
  Billing.layer,
  Providers.layer,
  Deployments.layer,
  Account.layer,
  DeploymentWatch.layer
)

/** All services from a configuration layer; needs an `HttpClient`. */
export const fromConfig = <E, R>(
  config: Layer.Layer<VisgateConfig.VisgateConfig, E, R>
): Layer.Layer<VisgateServices, E, R | HttpClient.HttpClient> =>
  services.pipe(
    Layer.provideMerge(VisgateClient.layer),
    Layer.provideMerge(config)
  )

/** All services from explicit options; needs an `HttpClient` (provide one, or use {@link layerFetch}). */
export const layer = (
  options: VisgateConfig.VisgateClientOptions = {}
): Layer.Layer<VisgateServices, AuthenticationError | ValidationError, HttpClient.HttpClient> =>
  fromConfig(VisgateConfig.layer(options))

/** All services from Effect `Config` (`VISGATE_API_KEY`, `VISGATE_BASE_URL`, ...); needs an `HttpClient`. */
export const layerConfig = (
  options: VisgateConfig.VisgateClientOptions = {}
): Layer.Layer<
  VisgateServices,
  AuthenticationError | ValidationError | ConfigError.ConfigError,
  HttpClient.HttpClient
> => fromConfig(VisgateConfig.layerConfig(options))

/**
 * Our lean fetch `HttpClient` (`internal/fetchClient.ts`: one `fetch` per attempt, deadlines
 * through its abort signal), using `fetch` when given (else `FetchHttpClient.Fetch` from the
 * context, else the global one at call time). No HTTP spans: the Promise client's layer.
 */
export const leanHttpClientFetch = (fetch?: typeof globalThis.fetch | undefined): Layer.Layer<HttpClient.HttpClient> =>
  FetchClient.layer(fetch)

/**
 * The fetch `HttpClient` of the ready layers: {@link leanHttpClientFetch}, or with
 * `tracing: true` the platform's `FetchHttpClient`, for its HTTP spans and trace propagation.
 */
export const httpClientFetch = (
  fetch?: typeof globalThis.fetch | undefined,
  options: { readonly tracing?: boolean | undefined } = {}
): Layer.Layer<HttpClient.HttpClient> =>
  options.tracing === true
    ? fetch === undefined
      ? FetchHttpClient.layer
      : FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
    : leanHttpClientFetch(fetch)

/** Ready to run: all services from options, over `fetch`. */
export const layerFetch = (
  options: VisgateConfig.VisgateClientOptions & { readonly fetch?: typeof globalThis.fetch | undefined } = {}
): Layer.Layer<VisgateServices, AuthenticationError | ValidationError> =>
  layer(options).pipe(Layer.provide(httpClientFetch(options.fetch, options)))
