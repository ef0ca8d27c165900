/**
 * `VisgateLayer` (in `@visgate_ai/client/effect`): every SDK service as one layer, configured
 * from options (`layer`) or from Effect `Config` (`layerConfig`), on an `HttpClient` you provide,
 * or ready to run over `fetch` (`layerFetch`). Composition only.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as FetchClient from "../internal/fetchClient.js"
import type { AuthenticationError, ValidationError } from "../schemas/Errors.js"
import * as VisgateConfig from "../services/VisgateConfig.js"
import { fromConfig, type VisgateServices } from "./VisgateServices.js"

export type { VisgateServices } from "./VisgateServices.js"

/** All services from explicit options; needs an `HttpClient` (provide one, or use {@link layerFetch}). */
export const layer = (
  options: VisgateConfig.VisgateEffectOptions = {}
): Layer.Layer<VisgateServices, AuthenticationError | ValidationError, HttpClient.HttpClient> =>
  fromConfig(VisgateConfig.layer(options))

/**
 * All services from Effect `Config`: any option may be a `Config`
 * (`layerConfig({ apiKey: Config.redacted("VISGATE_API_KEY") })`); unset ones read
 * `VISGATE_API_KEY`, `VISGATE_BASE_URL`, ...; needs an `HttpClient`.
 */
export const layerConfig = (
  options: VisgateConfig.VisgateConfigOptions = {}
): Layer.Layer<
  VisgateServices,
  AuthenticationError | ValidationError | ConfigError.ConfigError,
  HttpClient.HttpClient
> => fromConfig(VisgateConfig.layerConfig(options))

/**
 * Ready to run: all services from options, over `fetch` (`options.fetch`, else the global one at
 * call time). The `HttpClient` is our lean fetch client (`internal/fetchClient.ts`: one `fetch`
 * per attempt, deadlines through its abort signal, no HTTP spans); with `tracing: true`, the
 * platform's `FetchHttpClient`, for its HTTP spans and trace propagation.
 */
export const layerFetch = (
  options: VisgateConfig.VisgateEffectOptions & { readonly fetch?: typeof globalThis.fetch | undefined } = {}
): Layer.Layer<VisgateServices, AuthenticationError | ValidationError> =>
  layer(options).pipe(Layer.provide(httpClientFetch(options.fetch, options.tracing === true)))

const httpClientFetch = (
  fetch: typeof globalThis.fetch | undefined,
  tracing: boolean
): Layer.Layer<HttpClient.HttpClient> =>
  !tracing
    ? FetchClient.layer(fetch)
    : fetch === undefined
    ? FetchHttpClient.layer
    : FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
