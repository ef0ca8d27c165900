/**
 * Outbound webhooks of the Deploy API (reference §3.13): what the server `POST`s to your
 * `user_webhook_url`. Every event is discriminated by `event`:
 *
 * - `deployment_ready` ({@link DeploymentReadyEvent}): a deployment became `ready`;
 * - `inference_job_<status>` ({@link InferenceJobEvent}): an inference job finished, e.g.
 *   `inference_job_completed`, `inference_job_failed`, `inference_job_cancelled`,
 *   `inference_job_expired` (statuses of §5.3; a future status still decodes here);
 * - anything else ({@link UnknownWebhookEvent}, `event: "unknown"`): kept with its name
 *   (`rawEvent`) and its raw payload, so a new server event never breaks a receiver.
 *
 * Verification (the `X-Visgate-Internal-Secret` header) and parsing live in `services/Webhooks.ts`.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import { Loose, optional, preprocess, wire } from "../internal/schema.js"
import { type InferenceJobStatus, JobArtifact, JobMetrics, OutputDestination } from "./Deployments.js"

/** The header carrying the shared webhook secret (§3.13). */
export const WEBHOOK_SECRET_HEADER = "x-visgate-internal-secret"

/** Default cap on a webhook body: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BYTES = 1024 * 1024

/** `event` of a deployment that became ready. */
export const DEPLOYMENT_READY = "deployment_ready"

/** Prefix of an inference job's `event`: `inference_job_<status>`. */
export const INFERENCE_JOB_PREFIX = "inference_job_"

/** `event` of an inference job: `inference_job_<status>` (completed, failed, cancelled, expired, ...). */
export type InferenceJobEventName =
  | "inference_job_queued"
  | "inference_job_running"
  | "inference_job_completed"
  | "inference_job_failed"
  | "inference_job_cancelled"
  | "inference_job_expired"
  | `inference_job_${string}`

/** The call the server suggests for a ready deployment (its RunPod endpoint), as sent. */
export class WebhookUsageExample extends Schema.Class<WebhookUsageExample>("WebhookUsageExample")(wire({
  /** `POST`. */
  method: optional(Schema.String),
  /** The RunPod run URL. */
  url: optional(Schema.String),
  /** e.g. `{Authorization: "Bearer <YOUR_RUNPOD_API_KEY>"}` (a placeholder, not a key). */
  headers: optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** e.g. `{input: {prompt, num_inference_steps, guidance_scale, width, height}}`. */
  body: optional(Loose)
})) {}

/** `deployment_ready`: the deployment is `ready` (the webhook fires once, when it gets there). */
export class DeploymentReadyEvent extends Schema.Class<DeploymentReadyEvent>("DeploymentReadyEvent")(wire({
  event: Schema.Literal(DEPLOYMENT_READY),
  deploymentId: Schema.String,
  /** `ready`. */
  status: optional(Schema.String),
  /** `https://api.runpod.ai/v2/{endpoint}/run`. */
  endpointUrl: optional(Schema.String),
  runpodEndpointId: optional(Schema.String),
  /** The Hugging Face model id. */
  modelId: optional(Schema.String),
  /** Comma-separated candidate GPU names. */
  gpuAllocated: optional(Schema.String),
  /** ISO 8601. */
  createdAt: optional(Schema.String),
  /** ISO 8601. */
  readyAt: optional(Schema.String),
  /** Seconds from created to ready. */
  durationSeconds: optional(Schema.Number),
  tR2SyncS: optional(Schema.Number),
  tModelLoadS: optional(Schema.Number),
  loadedFromCache: optional(Schema.Boolean),
  usageExample: optional(WebhookUsageExample)
})) {}

const InferenceJobEventNameSchema = Schema.TemplateLiteral(
  Schema.Literal(INFERENCE_JOB_PREFIX),
  Schema.String
) as unknown as Schema.Schema<InferenceJobEventName, `inference_job_${string}`>

/** `inference_job_<status>`: an inference job reached `status` (its terminal status, as a rule). */
export class InferenceJobEvent extends Schema.Class<InferenceJobEvent>("InferenceJobEvent")(wire({
  event: InferenceJobEventNameSchema,
  jobId: Schema.String,
  deploymentId: optional(Schema.String),
  providerJobId: optional(Schema.String),
  /** `completed`, `failed`, `cancelled`, `expired` (§5.3); read from `event` when the payload leaves it out. */
  status: Schema.String as Schema.Schema<InferenceJobStatus, string>,
  /** RunPod's raw status, e.g. `COMPLETED`. */
  providerStatus: optional(Schema.String),
  gpuAllocated: optional(Schema.String),
  outputDestination: optional(OutputDestination),
  artifact: optional(JobArtifact),
  metrics: optional(JobMetrics),
  /** USD. */
  estimatedCostUsd: optional(Schema.Number),
  /** Worker output (compacted by the server), as sent. */
  output: optional(Schema.Unknown),
  /** Worker error, as sent. */
  error: optional(Schema.Unknown)
})) {}

/** An event this SDK does not know yet: its name and the whole payload, as sent. */
export class UnknownWebhookEvent extends Schema.Class<UnknownWebhookEvent>("UnknownWebhookEvent")({
  event: Schema.Literal("unknown"),
  /** The payload's `event`, e.g. `deployment_failed`. */
  rawEvent: Schema.String,
  /** The parsed JSON body. */
  payload: Loose
}) {}

/** Every webhook event, discriminated by `event`. */
export type WebhookEvent = DeploymentReadyEvent | InferenceJobEvent | UnknownWebhookEvent

/** `inference_job_completed` without `status` decodes with `status: "completed"`. */
export const InferenceJobEventFromWire: Schema.Schema<InferenceJobEvent, unknown> = preprocess(
  InferenceJobEvent,
  (u) =>
    (u.status === undefined || u.status === null) && typeof u.event === "string" &&
      u.event.startsWith(INFERENCE_JOB_PREFIX)
      ? { ...u, status: u.event.slice(INFERENCE_JOB_PREFIX.length) }
      : u
)
