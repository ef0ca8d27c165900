/**
 * `Deployments`: RunPod BYOK deployments of Hugging Face models. Requests go to the deployments
 * base URL (`deploymentsBaseUrl`, default the API base URL) and carry the RunPod key from
 * `runpodKey` as `X-Runpod-Key` (sent by the core client).
 *
 * Streaming helpers (status watch, live logs) build on the schemas and paths in
 * `schemas/Deployments.ts`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { badInt, bodyEncoder, invalid, omitNullish, pathId } from "../internal/body.js"
import {
  CreateDeploymentBody,
  Deployment,
  DEPLOYMENT_PATHS,
  DeploymentCost,
  DeploymentCreated,
  DeploymentList,
  type DeploymentLogEntry,
  DeploymentLogsFromWire,
  type DeploymentStatus,
  GpuList,
  type InferenceJob,
  InferenceJobFromWire,
  LIST_STATUS_QUERY,
  runBody
} from "../schemas/Deployments.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import type { Decoder, RequestSpec } from "./VisgateClient.js"
import { VisgateClient } from "./VisgateClient.js"
import type { Secret } from "./VisgateConfig.js"

/** GPU tiers the Deploy API recognises (case-insensitive); unknown values pick the cheapest GPU that fits. */
export type GpuTier =
  | "ECONOMY"
  | "STANDARD"
  | "PRO"
  | "ULTIMATE"
  | "A4000"
  | "3090"
  | "4090"
  | "A5000"
  | "A6000"
  | "A40"
  | "L40S"
  | "A100"
  | "H100"
  | (string & {})

/** Deployment tasks: canonical names; aliases such as `text2img` are accepted by the server too. */
export type DeploymentTask =
  | "text_to_image"
  | "image_to_image"
  | "text_to_video"
  | "video_to_video"
  | "video_edit"
  | "text_to_speech"
  | "speech_to_text"
  | "audio_to_audio"
  | (string & {})

/** Options of `deployments.create(options)`; `null` means unset. */
export interface CreateDeploymentOptions {
  /** Hugging Face model id, e.g. `stabilityai/sdxl-turbo` (required). */
  readonly hfModelId: string
  /** GPU tier, e.g. `STANDARD` or `A100`; automatic when unset. */
  readonly gpuTier?: GpuTier | null | undefined
  /** Task (default `text_to_image`); aliases like `text2img` are accepted. */
  readonly task?: DeploymentTask | null | undefined
  /** Hugging Face token (held as `Redacted`); the Deploy API rejects a create without one unless the gateway adds it. */
  readonly hfToken?: Secret | null | undefined
  readonly region?: string | null | undefined
  /** `runpod` (default) or `vast`. */
  readonly provider?: "runpod" | "vast" | (string & {}) | null | undefined
  /** Called when the deployment is ready (wire `user_webhook_url`). */
  readonly webhookUrl?: string | null | undefined
}

/** Options of `deployments.list(options)`. */
export interface ListDeploymentsOptions {
  /** Only deployments in this status (wire `deployment_status`). */
  readonly status?: DeploymentStatus | null | undefined
  /** At most this many (server default 20, clamped to 1..100). */
  readonly limit?: number | null | undefined
}

/** The `Deployments` service. */
export interface Service {
  /** `POST /deployments` (202): starts a deployment; poll `get` until `ready`. */
  readonly create: (options: CreateDeploymentOptions) => Effect.Effect<DeploymentCreated, VisgateApiError>
  /** `GET /deployments`: your deployments, newest first. */
  readonly list: (options?: ListDeploymentsOptions) => Effect.Effect<DeploymentList, VisgateApiError>
  /** `GET /deployments/{id}`: status and details. */
  readonly get: (deploymentId: string) => Effect.Effect<Deployment, VisgateApiError>
  /** `DELETE /deployments/{id}`: tears the deployment down (204, idempotent). */
  readonly delete: (deploymentId: string) => Effect.Effect<void, VisgateApiError>
  /** `POST /deployments/{id}/run` [I] with `{input}`: runs inference on a ready deployment. */
  readonly run: (
    deploymentId: string,
    input: Readonly<Record<string, unknown>>
  ) => Effect.Effect<InferenceJob, VisgateApiError>
  /** `GET /deployments/{id}/logs` [I]: the stored orchestration log. */
  readonly getLogs: (deploymentId: string) => Effect.Effect<ReadonlyArray<DeploymentLogEntry>, VisgateApiError>
  /** `GET /deployments/{id}/cost`: hours running and estimated cost (USD). */
  readonly getCost: (deploymentId: string) => Effect.Effect<DeploymentCost, VisgateApiError>
  /** `GET /deployments/gpus`: GPU types and hourly prices (USD) for your RunPod key. */
  readonly listGpus: () => Effect.Effect<GpuList, VisgateApiError>
}

/** Tag of the `Deployments` service. */
export class Deployments extends Context.Tag("@visgate_ai/client/Deployments")<Deployments, Service>() {}

const decodeCreated = Schema.decodeUnknown(DeploymentCreated)
const decodeList = Schema.decodeUnknown(DeploymentList)
const decodeOne = Schema.decodeUnknown(Deployment)
const decodeCost = Schema.decodeUnknown(DeploymentCost)
const decodeGpus = Schema.decodeUnknown(GpuList)
const decodeLogs = Schema.decodeUnknown(DeploymentLogsFromWire)
const decodeJob = Schema.decodeUnknown(InferenceJobFromWire)
const encodeCreate = bodyEncoder(CreateDeploymentBody, "deployments.create options")

const checkId = (deploymentId: unknown): Effect.Effect<string, VisgateApiError> => pathId("deploymentId", deploymentId)

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const request = <A>(spec: Omit<RequestSpec, "base">, decoder: Decoder<A>) =>
    client.request({ ...spec, base: "deployments" }, decoder)

  return {
    create: (options) => {
      if (!isPlainObject(options)) {
        return invalid("options", "deployments.create needs an options object with hfModelId")
      }
      const hfToken = options.hfToken == null
        ? undefined
        : Redacted.isRedacted(options.hfToken)
        ? Redacted.value(options.hfToken)
        : options.hfToken
      return Effect.flatMap(
        encodeCreate(omitNullish({
          hfModelId: typeof options.hfModelId === "string" ? options.hfModelId.trim() : options.hfModelId,
          hfToken,
          gpuTier: options.gpuTier,
          task: options.task,
          region: options.region,
          provider: options.provider,
          webhookUrl: options.webhookUrl
        })),
        (body) =>
          request({ method: "POST", path: DEPLOYMENT_PATHS.collection, body, idempotencyKey: true }, decodeCreated)
      )
    },
    list: (options = {}) => {
      const limit = options.limit
      const bad = badInt("limit", limit, 1)
      if (bad !== undefined) return bad
      return request({
        method: "GET",
        path: DEPLOYMENT_PATHS.collection,
        query: { [LIST_STATUS_QUERY]: options.status ?? undefined, limit: limit ?? undefined }
      }, decodeList)
    },
    get: (deploymentId) =>
      Effect.flatMap(
        checkId(deploymentId),
        (id) => request({ method: "GET", path: DEPLOYMENT_PATHS.one(id) }, decodeOne)
      ),
    delete: (deploymentId) =>
      Effect.flatMap(checkId(deploymentId), (id) =>
        // 204 with no body is the evidenced answer; a JSON body is accepted and ignored.
        Effect.asVoid(client.send({ method: "DELETE", path: DEPLOYMENT_PATHS.one(id), base: "deployments" }))),
    run: (deploymentId, input) =>
      Effect.flatMap(checkId(deploymentId), (id) =>
        isPlainObject(input)
          ? request(
            { method: "POST", path: DEPLOYMENT_PATHS.run(id), body: runBody(input), idempotencyKey: true },
            decodeJob
          )
          : invalid("input", "input must be an object, e.g. { prompt: \"...\" }")),
    getLogs: (deploymentId) =>
      Effect.flatMap(
        checkId(deploymentId),
        (id) => request({ method: "GET", path: DEPLOYMENT_PATHS.logs(id) }, decodeLogs)
      ),
    getCost: (deploymentId) =>
      Effect.flatMap(
        checkId(deploymentId),
        (id) => request({ method: "GET", path: DEPLOYMENT_PATHS.cost(id) }, decodeCost)
      ),
    listGpus: () => request({ method: "GET", path: DEPLOYMENT_PATHS.gpus }, decodeGpus)
  }
})

/** The `Deployments` layer. */
export const layer: Layer.Layer<Deployments, never, VisgateClient> = Layer.effect(Deployments, make)
