/**
 * Composition only: every resource service on the core client, from a configuration layer.
 * Shared by the public layers (`VisgateLayer.ts`) and the Promise client, which resolves its
 * options itself (to throw from the constructor) and brings its own `HttpClient`.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import type { TransportService } from "../internal/transport.js"
import * as Account from "../services/Account.js"
import * as Billing from "../services/Billing.js"
import * as Deployments from "../services/Deployments.js"
import * as DeploymentWatch from "../services/DeploymentWatch.js"
import * as Downloads from "../services/Downloads.js"
import * as Generate from "../services/Generate.js"
import * as Health from "../services/Health.js"
import * as Images from "../services/Images.js"
import * as Models from "../services/Models.js"
import * as Providers from "../services/Providers.js"
import * as Requests from "../services/Requests.js"
import * as Usage from "../services/Usage.js"
import * as Videos from "../services/Videos.js"
import * as VisgateClient from "../services/VisgateClient.js"
import type * as VisgateConfig from "../services/VisgateConfig.js"

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
  | Downloads.Downloads

/** The resource services, on top of the core client. */
const services = Layer.mergeAll(
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
).pipe((resources) => Layer.provideMerge(Downloads.layer, resources))

/** All services from a configuration layer; needs an `HttpClient`. */
export const fromConfig = <E, R>(
  config: Layer.Layer<VisgateConfig.VisgateConfig, E, R>
): Layer.Layer<VisgateServices, E, R | HttpClient.HttpClient> =>
  services.pipe(
    Layer.provideMerge(VisgateClient.layer),
    Layer.provideMerge(config)
  )

/**
 * {@link fromConfig} for the Promise client: the core client straight on the fetch transport,
 * without tracing (`VisgateClient.layerUntraced`), which keeps the platform's client and the
 * span code out of its bundle.
 */
export const fromConfigUntraced = <E, R>(
  config: Layer.Layer<VisgateConfig.VisgateConfig, E, R>
): Layer.Layer<VisgateServices, E, R | TransportService> =>
  services.pipe(
    Layer.provideMerge(VisgateClient.layerUntraced),
    Layer.provideMerge(config)
  )
