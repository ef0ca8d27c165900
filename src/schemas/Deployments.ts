/**
 * Deployments: RunPod BYOK model deployments (reference §3).
 *
 * The Deploy API's own routes and shapes are evidenced ([E]); how the Visgate gateway exposes
 * them is not. Every inferred [I] choice lives in exactly one place here: the paths in
 * {@link DEPLOYMENT_PATHS}, the `run` body in {@link runBody}, the `getLogs` response in
 * {@link DeploymentLogsFromWire}. What `run` returns is the inference job record, whose one home is
 * `InferenceJobs.ts` (re-exported here).
 *
 * Money: `pricePerHourUsd`, `estimatedCostUsd`, `bidPricePerHr`, `pricePerHr` are USD floats.
 *
 * The status vocabulary ({@link DeploymentStatus}, {@link isTerminalDeploymentStatus}) lives here,
 * once; the server-sent event payloads (`DeploymentState`, `DeploymentLogLine`) live in
 * `DeploymentWatch.ts`; the stream paths live here with the others.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NonBlank, optional, wire, withDefault } from "../internal/schema.js"
import { bareOrWrappedArray } from "../internal/wire.js"

// The job record is defined once, in InferenceJobs.ts; these names stay reachable from here.
export {
  InferenceJob,
  InferenceJobFromWire,
  type InferenceJobStatus,
  isTerminalJobStatus,
  JobArtifact,
  JobMetrics,
  OutputDestination,
  TERMINAL_JOB_STATUSES
} from "./InferenceJobs.js"

// -----------------------------------------------------------------------------
// Paths
// -----------------------------------------------------------------------------

const seg = (id: string): string => encodeURIComponent(id)

/**
 * Deployment routes, relative to the deployments base URL (`deploymentsBaseUrl`, default the API
 * base URL). [I] The gateway paths drop the Deploy API's `/v1` (the base already ends in
 * `/api/v1`); `logs` and `run` have no evidenced route at all. Each is a one-line change here.
 */
export const DEPLOYMENT_PATHS = {
  /** `POST` create, `GET` list. */
  collection: "/deployments",
  /** `GET` details, `DELETE`. */
  one: (id: string) => `/deployments/${seg(id)}`,
  /** `GET` cost estimate. */
  cost: (id: string) => `/deployments/${seg(id)}/cost`,
  /** `GET` GPU types and prices. */
  gpus: "/deployments/gpus",
  /** [I] `GET` logs: no non-streaming route is evidenced (reference §3.10, option 2). */
  logs: (id: string) => `/deployments/${seg(id)}/logs`,
  /**
   * [I] `POST` inference (reference §3.11, most plausible gateway shape). The evidenced Deploy API
   * route for the same thing is `POST /inference/jobs` (`InferenceJobs.create`, `client.jobs`).
   */
  run: (id: string) => `/deployments/${seg(id)}/run`,
  /** SSE status stream (`event: status | error`). */
  statusStream: (id: string) => `/deployments/${seg(id)}/stream`,
  /** SSE log stream (`event: log | done`). */
  logsStream: (id: string) => `/deployments/${seg(id)}/logs/stream`
} as const

/** [I] The `run` body: the caller's input wrapped RunPod-style, `{input: {...}}`. */
export const runBody = (
  input: Readonly<Record<string, unknown>>
): { readonly input: Readonly<Record<string, unknown>> } => ({
  input
})

/** Wire name of the list filter (the Deploy API reads `deployment_status`, not `status`). */
export const LIST_STATUS_QUERY = "deployment_status"

// -----------------------------------------------------------------------------
// Status vocabularies
// -----------------------------------------------------------------------------

/**
 * Deployment status (reference §5.2), shared with the watch helpers: `accepted_cold` /
 * `warm_ready` appear only in the create response; unknown future values are kept as strings
 * and treated as not terminal.
 */
export type DeploymentStatus =
  | "accepted_cold"
  | "warm_ready"
  | "validating"
  | "selecting_gpu"
  | "creating_endpoint"
  | "downloading_model"
  | "loading_model"
  | "ready"
  | "failed"
  | "webhook_failed"
  | "deleted"
  | (string & {})

/** Where watching a deployment stops. */
export const TERMINAL_DEPLOYMENT_STATUSES: ReadonlySet<string> = new Set([
  "ready",
  "failed",
  "webhook_failed",
  "deleted"
])

/** Whether a deployment status is terminal (`ready`, `failed`, `webhook_failed`, `deleted`). */
export const isTerminalDeploymentStatus = (status: string): boolean => TERMINAL_DEPLOYMENT_STATUSES.has(status)

const DeploymentStatusSchema = Schema.String as Schema.Schema<DeploymentStatus, string>

// -----------------------------------------------------------------------------
// Resources
// -----------------------------------------------------------------------------

/** One stored orchestration log line. */
export class DeploymentLogEntry extends Schema.Class<DeploymentLogEntry>("DeploymentLogEntry")(wire({
  /** ISO 8601, as sent. */
  timestamp: withDefault(Schema.String, () => ""),
  /** `INFO` | `WARNING` | `ERROR`. */
  level: withDefault(Schema.String, () => "INFO"),
  message: withDefault(Schema.String, () => "")
})) {}

/** `POST /deployments` 202. */
export class DeploymentCreated extends Schema.Class<DeploymentCreated>("DeploymentCreated")(wire({
  /** `dep_<YYYY>_<8 hex>`. */
  deploymentId: Schema.propertySignature(Schema.String),
  /** `accepted_cold` (cold path) or `warm_ready` (an endpoint was reused; already `ready`). */
  status: DeploymentStatusSchema,
  /** The Hugging Face model id. */
  modelId: optional(Schema.String),
  estimatedReadySeconds: optional(Schema.Number),
  /** ISO 8601. */
  estimatedReadyAt: optional(Schema.String),
  /** Server hint: poll this often (1..30 s). */
  pollIntervalSeconds: optional(Schema.Number),
  /** Relative SSE status path (Deploy API form, e.g. `/v1/deployments/{id}/stream`). */
  streamUrl: optional(Schema.String),
  /** The webhook you gave, or `""`. */
  webhookUrl: optional(Schema.String),
  /** Set on the warm path: the RunPod run URL. */
  endpointUrl: optional(Schema.String),
  path: optional(Schema.String as Schema.Schema<"cold" | "warm" | (string & {}), string>),
  /** ISO 8601. */
  createdAt: optional(Schema.String)
})) {}

/** `GET /deployments/{id}` 200 (also the items of the list). */
export class Deployment extends Schema.Class<Deployment>("Deployment")(wire({
  deploymentId: Schema.propertySignature(Schema.String),
  status: DeploymentStatusSchema,
  hfModelId: withDefault(Schema.String, () => ""),
  /** Canonical task, e.g. `text_to_image`. */
  task: optional(Schema.String),
  runpodEndpointId: optional(Schema.String),
  /** Once ready: `https://api.runpod.ai/v2/{endpoint}/run`. */
  endpointUrl: optional(Schema.String),
  /** Comma-separated candidate GPU names, e.g. `RTX A5000 24GB, RTX 3090 24GB`. */
  gpuAllocated: optional(Schema.String),
  modelVramGb: optional(Schema.Number),
  logs: withDefault(Schema.Array(DeploymentLogEntry), () => []),
  /** Failure reason; also set on a `ready` deployment whose webhook failed. */
  error: optional(Schema.String),
  estimatedRemainingSeconds: optional(Schema.Number),
  /** Seconds per phase; currently `total_elapsed_seconds` (keys kept as sent). */
  phaseDurations: withDefault(
    Schema.Record({ key: Schema.String, value: Schema.Number }),
    () => ({})
  ),
  tR2SyncS: optional(Schema.Number),
  tModelLoadS: optional(Schema.Number),
  loadedFromCache: optional(Schema.Boolean),
  /** ISO 8601. */
  createdAt: optional(Schema.String),
  /** ISO 8601, once ready. */
  readyAt: optional(Schema.String)
})) {}

/** `GET /deployments` 200, newest first. */
export class DeploymentList extends Schema.Class<DeploymentList>("DeploymentList")(wire({
  deployments: Schema.Array(Deployment),
  /** Number of items in this response (not an overall count). */
  total: optional(Schema.Number),
  limit: optional(Schema.Number)
})) {}

/** `GET /deployments/{id}/cost` 200. */
export class DeploymentCost extends Schema.Class<DeploymentCost>("DeploymentCost")(wire({
  deploymentId: Schema.propertySignature(Schema.String),
  status: DeploymentStatusSchema,
  gpuAllocated: optional(Schema.String),
  /** Hours since ready (0 for deleted or failed deployments). */
  hoursRunning: optional(Schema.Number),
  /** USD per hour. */
  pricePerHourUsd: optional(Schema.Number),
  /** USD. */
  estimatedCostUsd: optional(Schema.Number),
  /** Why a price is missing, when it is. */
  note: optional(Schema.String)
})) {}

/** One GPU type. Prices are USD per hour. */
export class GpuType extends Schema.Class<GpuType>("GpuType")(wire({
  /** RunPod GPU id, e.g. `NVIDIA RTX A5000`. */
  id: Schema.String,
  displayName: withDefault(Schema.String, () => ""),
  memoryGb: optional(Schema.Number),
  secureCloud: withDefault(Schema.Boolean, () => false),
  communityCloud: withDefault(Schema.Boolean, () => false),
  /** Community-cloud price, USD per hour. */
  bidPricePerHr: optional(Schema.Number),
  /** Secure-cloud price, USD per hour. */
  pricePerHr: optional(Schema.Number)
})) {}

/** `GET /deployments/gpus` 200, sorted by memory then price. */
export class GpuList extends Schema.Class<GpuList>("GpuList")({
  gpus: Schema.Array(GpuType)
}) {}

/** [I] `GET /deployments/{id}/logs`: `{logs: [...]}` or a bare array, decoded to the array. */
export const DeploymentLogsFromWire: Schema.Schema<ReadonlyArray<DeploymentLogEntry>, unknown> = bareOrWrappedArray(
  DeploymentLogEntry,
  "logs"
)

// -----------------------------------------------------------------------------
// Request bodies
// -----------------------------------------------------------------------------

/** The `POST /deployments` body: camelCase in, snake_case on the wire (reference §3.3). */
export const CreateDeploymentBody = Schema.Struct(wire({
  hfModelId: Schema.propertySignature(NonBlank),
  hfToken: Schema.optional(NonBlank),
  gpuTier: Schema.optional(NonBlank),
  task: Schema.optional(NonBlank),
  region: Schema.optional(NonBlank),
  provider: Schema.optional(NonBlank),
  webhookUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("user_webhook_url"))
}))
