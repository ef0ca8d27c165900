/**
 * Composition only: every resource service on the core client, from a configuration layer, for
 * the public layers (`VisgateLayer.ts`). The Promise client builds the generation path's
 * services (`PromiseServices.ts`) and adds the others on first use.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import * as Account from "../services/Account.js"
import * as Billing from "../services/Billing.js"
import * as Deployments from "../services/Deployments.js"
import * as DeploymentWatch from "../services/DeploymentWatch.js"
import * as Downloads from "../services/Downloads.js"
import * as InferenceJobs from "../services/InferenceJobs.js"
import * as Models from "../services/Models.js"
import * as Providers from "../services/Providers.js"
import * as Usage from "../services/Usage.js"
import * as VisgateClient from "../services/VisgateClient.js"
import type * as VisgateConfig from "../services/VisgateConfig.js"
import { generation, type PromiseServices } from "./PromiseServices.js"

/** Every service the SDK provides. */
export type VisgateServices =
  | PromiseServices
  | Models.Models
  | Usage.Usage
  | Billing.Billing
  | Providers.Providers
  | Deployments.Deployments
  | Account.Account
  | DeploymentWatch.DeploymentWatch
  | InferenceJobs.InferenceJobs
  | Downloads.Downloads

/** The resource services, on top of the core client. */
const services = Layer.mergeAll(
  generation,
  Models.layer,
  Usage.layer,
  Billing.layer,
  Providers.layer,
  Deployments.layer,
  Account.layer,
  DeploymentWatch.layer,
  InferenceJobs.layer
).pipe((resources) => Layer.provideMerge(Downloads.layer, resources))

/** All services from a configuration layer; needs an `HttpClient`. */
export const fromConfig = <E, R>(
  config: Layer.Layer<VisgateConfig.VisgateConfig, E, R>
): Layer.Layer<VisgateServices, E, R | HttpClient.HttpClient> =>
  services.pipe(
    Layer.provideMerge(VisgateClient.layer),
    Layer.provideMerge(config)
  )
