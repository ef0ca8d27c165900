/**
 * Deployments: RunPod BYOK model deployments (reference §3).
 *
 * The Deploy API's own routes and shapes are evidenced ([E]); how the Visgate gateway exposes
 * them is not. Every inferred [I] choice lives in exactly one place here: the paths in
 * {@link DEPLOYMENT_PATHS}, the `run` body in {@link runBody}, the `getLogs` response in
 * {@link DeploymentLogsFromWire}, the `run` response in {@link InferenceJob}.
 *
 * Money: `pricePerHourUsd`, `estimatedCostUsd`, `bidPricePerHr`, `pricePerHr` are USD floats.
 *
 * The status vocabulary and the server-sent event payloads (`DeploymentState`,
 * `DeploymentLogLine`) live in `DeploymentWatch.ts`, with the streaming helpers; the stream paths
 * live here with the others.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Loose, NonBlank, optional, withDefault, withFallbacks } from "../internal/schema.js"
import { bareOrWrappedArray } from "../internal/wire.js"
import type { DeploymentStatusValue } from "./DeploymentWatch.js"

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
  /** [I] `POST` inference (reference §3.11, most plausible gateway shape). */
  run: (id: string) => `/deployments/${seg(id)}/run`,
  /** SSE status stream (`event: status | error`). */
  statusStream: (id: string) => `/deployments/${seg(id)}/stream`,
  /** SSE log stream (`event: log | done`). */
  logsStream: (id: string) => `/deployments/${seg(id)}/logs/stream`
} as const

/** [I] The `run` body: the caller's input wrapped RunPod-style, `{input: {...}}`. */
export const runBody = (input: Readonly<Record<string, unknown>>): { readonly input: Readonly<Record<string, unknown>> } => ({
  input
})

/** Wire name of the list filter (the Deploy API reads `deployment_status`, not `status`). */
export const LIST_STATUS_QUERY = "deployment_status"

// -----------------------------------------------------------------------------
// Status vocabularies
// -----------------------------------------------------------------------------

/**
 * Deployment status (reference §5.2), shared with the watch helpers: `accepted_cold` /
 * `warm_ready` appear only in the create response; unknown future values are kept as strings.
 */
export type DeploymentStatus = DeploymentStatusValue

export { isTerminalDeploymentStatus, TERMINAL_DEPLOYMENT_STATUSES } from "./DeploymentWatch.js"

/** Inference job status (reference §5.3); unknown future values are kept as strings. */
export type InferenceJobStatus = "queued" | "running" | "completed" | "failed" | "cancelled" | "expired" | (string & {})

/** Terminal inference job statuses. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled", "expired"])

/** Whether an inference job status is terminal. Unknown values are not. */
export const isTerminalJobStatus = (status: string): boolean => TERMINAL_JOB_STATUSES.has(status)

const DeploymentStatusSchema = Schema.String as Schema.Schema<DeploymentStatus, string>
const JobStatusSchema = Schema.String as Schema.Schema<InferenceJobStatus, string>

// -----------------------------------------------------------------------------
// Resources
// -----------------------------------------------------------------------------

/** One stored orchestration log line. */
export class DeploymentLogEntry extends Schema.Class<DeploymentLogEntry>("DeploymentLogEntry")({
  /** ISO 8601, as sent. */
  timestamp: withDefault(Schema.String, "timestamp", () => ""),
  /** `INFO` | `WARNING` | `ERROR`. */
  level: withDefault(Schema.String, "level", () => "INFO"),
  message: withDefault(Schema.String, "message", () => "")
}) {}

/** `POST /deployments` 202. */
export class DeploymentCreated extends Schema.Class<DeploymentCreated>("DeploymentCreated")({
  /** `dep_<YYYY>_<8 hex>`. */
  deploymentId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("deployment_id")),
  /** `accepted_cold` (cold path) or `warm_ready` (an endpoint was reused; already `ready`). */
  status: DeploymentStatusSchema,
  /** The Hugging Face model id. */
  modelId: optional(Schema.String, "model_id"),
  estimatedReadySeconds: optional(Schema.Number, "estimated_ready_seconds"),
  /** ISO 8601. */
  estimatedReadyAt: optional(Schema.String, "estimated_ready_at"),
  /** Server hint: poll this often (1..30 s). */
  pollIntervalSeconds: optional(Schema.Number, "poll_interval_seconds"),
  /** Relative SSE status path (Deploy API form, e.g. `/v1/deployments/{id}/stream`). */
  streamUrl: optional(Schema.String, "stream_url"),
  /** The webhook you gave, or `""`. */
  webhookUrl: optional(Schema.String, "webhook_url"),
  /** Set on the warm path: the RunPod run URL. */
  endpointUrl: optional(Schema.String, "endpoint_url"),
  path: optional(Schema.String as Schema.Schema<"cold" | "warm" | (string & {}), string>, "path"),
  /** ISO 8601. */
  createdAt: optional(Schema.String, "created_at")
}) {}

/** `GET /deployments/{id}` 200 (also the items of the list). */
export class Deployment extends Schema.Class<Deployment>("Deployment")({
  deploymentId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("deployment_id")),
  status: DeploymentStatusSchema,
  hfModelId: withDefault(Schema.String, "hf_model_id", () => ""),
  /** Canonical task, e.g. `text_to_image`. */
  task: optional(Schema.String, "task"),
  runpodEndpointId: optional(Schema.String, "runpod_endpoint_id"),
  /** Once ready: `https://api.runpod.ai/v2/{endpoint}/run`. */
  endpointUrl: optional(Schema.String, "endpoint_url"),
  /** Comma-separated candidate GPU names, e.g. `RTX A5000 24GB, RTX 3090 24GB`. */
  gpuAllocated: optional(Schema.String, "gpu_allocated"),
  modelVramGb: optional(Schema.Number, "model_vram_gb"),
  logs: withDefault(Schema.Array(DeploymentLogEntry), "logs", () => []),
  /** Failure reason; also set on a `ready` deployment whose webhook failed. */
  error: optional(Schema.String, "error"),
  estimatedRemainingSeconds: optional(Schema.Number, "estimated_remaining_seconds"),
  /** Seconds per phase; currently `total_elapsed_seconds` (keys kept as sent). */
  phaseDurations: withDefault(
    Schema.Record({ key: Schema.String, value: Schema.Number }),
    "phase_durations",
    () => ({})
  ),
  tR2SyncS: optional(Schema.Number, "t_r2_sync_s"),
  tModelLoadS: optional(Schema.Number, "t_model_load_s"),
  loadedFromCache: optional(Schema.Boolean, "loaded_from_cache"),
  /** ISO 8601. */
  createdAt: optional(Schema.String, "created_at"),
  /** ISO 8601, once ready. */
  readyAt: optional(Schema.String, "ready_at")
}) {}

/** `GET /deployments` 200, newest first. */
export class DeploymentList extends Schema.Class<DeploymentList>("DeploymentList")({
  deployments: Schema.Array(Deployment),
  /** Number of items in this response (not an overall count). */
  total: optional(Schema.Number, "total"),
  limit: optional(Schema.Number, "limit")
}) {}

/** `GET /deployments/{id}/cost` 200. */
export class DeploymentCost extends Schema.Class<DeploymentCost>("DeploymentCost")({
  deploymentId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("deployment_id")),
  status: DeploymentStatusSchema,
  gpuAllocated: optional(Schema.String, "gpu_allocated"),
  /** Hours since ready (0 for deleted or failed deployments). */
  hoursRunning: optional(Schema.Number, "hours_running"),
  /** USD per hour. */
  pricePerHourUsd: optional(Schema.Number, "price_per_hour_usd"),
  /** USD. */
  estimatedCostUsd: optional(Schema.Number, "estimated_cost_usd"),
  /** Why a price is missing, when it is. */
  note: optional(Schema.String, "note")
}) {}

/** One GPU type. Prices are USD per hour. */
export class GpuType extends Schema.Class<GpuType>("GpuType")({
  /** RunPod GPU id, e.g. `NVIDIA RTX A5000`. */
  id: Schema.String,
  displayName: withDefault(Schema.String, "display_name", () => ""),
  memoryGb: optional(Schema.Number, "memory_gb"),
  secureCloud: withDefault(Schema.Boolean, "secure_cloud", () => false),
  communityCloud: withDefault(Schema.Boolean, "community_cloud", () => false),
  /** Community-cloud price, USD per hour. */
  bidPricePerHr: optional(Schema.Number, "bid_price_per_hr"),
  /** Secure-cloud price, USD per hour. */
  pricePerHr: optional(Schema.Number, "price_per_hr")
}) {}

/** `GET /deployments/gpus` 200, sorted by memory then price. */
export class GpuList extends Schema.Class<GpuList>("GpuList")({
  gpus: Schema.Array(GpuType)
}) {}

/** [I] `GET /deployments/{id}/logs`: `{logs: [...]}` or a bare array, decoded to the array. */
export const DeploymentLogsFromWire: Schema.Schema<ReadonlyArray<DeploymentLogEntry>, unknown> = bareOrWrappedArray(
  DeploymentLogEntry,
  "logs"
)

/** Where a job's output goes (platform storage). */
export class OutputDestination extends Schema.Class<OutputDestination>("OutputDestination")({
  bucketName: optional(Schema.String, "bucket_name"),
  endpointUrl: optional(Schema.String, "endpoint_url"),
  keyPrefix: optional(Schema.String, "key_prefix")
}) {}

/** A stored job output. `bytes` is the size. */
export class JobArtifact extends Schema.Class<JobArtifact>("JobArtifact")({
  bucketName: optional(Schema.String, "bucket_name"),
  endpointUrl: optional(Schema.String, "endpoint_url"),
  key: optional(Schema.String, "key"),
  url: optional(Schema.String, "url"),
  contentType: optional(Schema.String, "content_type"),
  bytes: optional(Schema.Number, "bytes")
}) {}

/** Job timings in ms. */
export class JobMetrics extends Schema.Class<JobMetrics>("JobMetrics")({
  queueMs: optional(Schema.Number, "queue_ms"),
  executionMs: optional(Schema.Number, "execution_ms"),
  wallClockMs: optional(Schema.Number, "wall_clock_ms")
}) {}

/**
 * [I] What `deployments.run` returns: the Deploy API inference-job record (202 or refreshed),
 * decoded loosely since the gateway response is not shown. A RunPod-style `{id, status, output}`
 * also decodes (`id` fills `jobId`; `status` then carries RunPod's raw value, e.g. `IN_QUEUE`).
 */
export class InferenceJob extends Schema.Class<InferenceJob>("InferenceJob")({
  /** `job_<YYYYMMDD>_<8 hex>`. */
  jobId: optional(Schema.String, "job_id"),
  deploymentId: optional(Schema.String, "deployment_id"),
  provider: optional(Schema.String, "provider"),
  providerJobId: optional(Schema.String, "provider_job_id"),
  task: optional(Schema.String, "task"),
  status: optional(JobStatusSchema, "status"),
  /** RunPod's raw status, e.g. `IN_QUEUE`, `COMPLETED`. */
  providerStatus: optional(Schema.String, "provider_status"),
  endpointUrl: optional(Schema.String, "endpoint_url"),
  input: optional(Loose, "input"),
  outputDestination: optional(OutputDestination, "output_destination"),
  artifact: optional(JobArtifact, "artifact"),
  metrics: optional(JobMetrics, "metrics"),
  /** USD. */
  estimatedCostUsd: optional(Schema.Number, "estimated_cost_usd"),
  /** Worker output (compacted by the server), as sent. */
  output: optional(Schema.Unknown, "output"),
  outputPreview: optional(Schema.Unknown, "output_preview"),
  error: optional(Schema.Unknown, "error"),
  progress: optional(Schema.Unknown, "progress"),
  /** ISO 8601. */
  createdAt: optional(Schema.String, "created_at"),
  /** ISO 8601. */
  updatedAt: optional(Schema.String, "updated_at"),
  /** ISO 8601. */
  completedAt: optional(Schema.String, "completed_at"),
  userWebhookUrl: optional(Schema.String, "user_webhook_url")
}) {}

/** Decodes a `run` response; `job_id` falls back to RunPod's `id`. */
export const InferenceJobFromWire = withFallbacks(InferenceJob, { job_id: ["id"] })

// -----------------------------------------------------------------------------
// Request bodies
// -----------------------------------------------------------------------------

/** The `POST /deployments` body: camelCase in, snake_case on the wire (reference §3.3). */
export const CreateDeploymentBody = Schema.Struct({
  hfModelId: Schema.propertySignature(NonBlank).pipe(Schema.fromKey("hf_model_id")),
  hfToken: Schema.optional(NonBlank).pipe(Schema.fromKey("hf_token")),
  gpuTier: Schema.optional(NonBlank).pipe(Schema.fromKey("gpu_tier")),
  task: Schema.optional(NonBlank),
  region: Schema.optional(NonBlank),
  provider: Schema.optional(NonBlank),
  webhookUrl: Schema.optional(NonBlank).pipe(Schema.fromKey("user_webhook_url"))
})
