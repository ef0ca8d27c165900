/**
 * `client.deployments`: RunPod BYOK deployments (set `runpodKey`), and watching them.
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import type {
  Deployment,
  DeploymentCost,
  DeploymentCreated,
  DeploymentList,
  DeploymentLogEntry,
  GpuList,
  InferenceJob
} from "../schemas/Deployments.js"
import type { DeploymentLogLine, DeploymentState } from "../schemas/DeploymentWatch.js"
import type { Progress } from "../schemas/Polling.js"
import {
  type CreateDeploymentOptions,
  Deployments,
  layer as deploymentsLayer,
  type ListDeploymentsOptions
} from "../services/Deployments.js"
import { DeploymentWatch, layer as watchLayer } from "../services/DeploymentWatch.js"
import { type RequestOptions, type WaitOptions, type WatchOptions, withoutSignal } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** One update while watching a deployment. */
export type DeploymentProgress = Progress<DeploymentState>

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

/** The Promise resource over the `Deployments` and `DeploymentWatch` services. */
export const makeDeployments = (
  { call, wait, watch, iterate }: ClientRuntime<Deployments | DeploymentWatch>
): DeploymentsResource => ({
  watch: (id, options) => watch(DeploymentWatch, options, (s, o) => s.watch(id, o)),
  logs: (id, options) => iterate(DeploymentWatch, (s) => s.logs(id), options),
  waitUntilReady: (id, options) => wait(DeploymentWatch, options, (s, o) => s.waitUntilReady(id, o)),
  create: (options) => call(Deployments, (s) => s.create(withoutSignal(options) as CreateDeploymentOptions), options),
  list: (options) => call(Deployments, (s) => s.list(withoutSignal(options)), options),
  get: (id, options) => call(Deployments, (s) => s.get(id), options),
  delete: (id, options) => call(Deployments, (s) => s.delete(id), options),
  run: (id, input, options) => call(Deployments, (s) => s.run(id, input), options),
  getLogs: (id, options) => call(Deployments, (s) => s.getLogs(id), options),
  getCost: (id, options) => call(Deployments, (s) => s.getCost(id), options),
  listGpus: (options) => call(Deployments, (s) => s.listGpus(), options)
})

/** `makeDeployments` on the client's runtime with its services added (on first use, `client/lazy.ts`). */
export const loadDeployments = async (runtime: ClientRuntime): Promise<DeploymentsResource> =>
  makeDeployments(await runtime.provide(Layer.merge(deploymentsLayer, watchLayer)))
