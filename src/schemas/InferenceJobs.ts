/**
 * Inference jobs on a ready deployment (Deploy API, reference §3.11, statuses §5.3): the one home
 * of the job record ({@link InferenceJob}, also what `deployments.run` returns), its status
 * vocabulary, the list response, the routes and the documented `policy` ranges.
 *
 * Routes are relative to the deployments base URL (`deploymentsBaseUrl`); like every deployments
 * path they drop the Deploy API's `/v1` (reference §3.1) and are one-line changes here.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Loose, NonBlank, optional, wire, withFallbacks } from "../internal/schema.js"

// -----------------------------------------------------------------------------
// Paths and limits
// -----------------------------------------------------------------------------

const seg = (id: string): string => encodeURIComponent(id)

/** Inference job routes, relative to the deployments base URL (Deploy API `/v1/inference/jobs...`). */
export const JOB_PATHS = {
  /** `POST` create (202), `GET` list (`?deployment_id=&limit=`). */
  collection: "/inference/jobs",
  /** `GET` one (`?refresh=`). */
  one: (id: string) => `/inference/jobs/${seg(id)}`,
  /** `POST` cancel. */
  cancel: (id: string) => `/inference/jobs/${seg(id)}/cancel`,
  /** `POST` retry. */
  retry: (id: string) => `/inference/jobs/${seg(id)}/retry`
} as const

/** The documented `policy` ranges, in ms (reference §3.11). */
export const JOB_POLICY_LIMITS = {
  executionTimeoutMs: { min: 5_000, max: 604_800_000 },
  ttlMs: { min: 10_000, max: 604_800_000 }
} as const

// -----------------------------------------------------------------------------
// Status vocabulary
// -----------------------------------------------------------------------------

/** Inference job status (reference §5.3); unknown future values are kept as strings. */
export type InferenceJobStatus = "queued" | "running" | "completed" | "failed" | "cancelled" | "expired" | (string & {})

/** Terminal inference job statuses: `completed`, `failed`, `cancelled`, `expired`. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled", "expired"])

/** Whether an inference job status is terminal. Unknown values are not. */
export const isTerminalJobStatus = (status: string): boolean => TERMINAL_JOB_STATUSES.has(status)

const JobStatusSchema = Schema.String as Schema.Schema<InferenceJobStatus, string>

// -----------------------------------------------------------------------------
// Resources
// -----------------------------------------------------------------------------

/** Where a job's output goes (platform storage). */
export class OutputDestination extends Schema.Class<OutputDestination>("OutputDestination")(wire({
  bucketName: optional(Schema.String),
  endpointUrl: optional(Schema.String),
  keyPrefix: optional(Schema.String)
})) {}

/** A stored job output. `bytes` is the size. */
export class JobArtifact extends Schema.Class<JobArtifact>("JobArtifact")(wire({
  bucketName: optional(Schema.String),
  endpointUrl: optional(Schema.String),
  key: optional(Schema.String),
  url: optional(Schema.String),
  contentType: optional(Schema.String),
  bytes: optional(Schema.Number)
})) {}

/** Job timings in ms. */
export class JobMetrics extends Schema.Class<JobMetrics>("JobMetrics")(wire({
  queueMs: optional(Schema.Number),
  executionMs: optional(Schema.Number),
  wallClockMs: optional(Schema.Number)
})) {}

/**
 * An inference job: the 202 of `POST /inference/jobs` (`job_id`, `deployment_id`, `provider`,
 * `provider_job_id`, `status`, `provider_status`, `output_destination`; no `created_at`) and the
 * full record of `GET`, `cancel` and `retry`. `jobId` and `status` are required; the rest is
 * decoded loosely. Also what `deployments.run` returns, where a RunPod-style `{id, status, output}`
 * decodes too (`id` fills `jobId`; `status` then carries RunPod's raw value, e.g. `IN_QUEUE`).
 */
export class InferenceJob extends Schema.Class<InferenceJob>("InferenceJob")(wire({
  /** `job_<YYYYMMDD>_<8 hex>`. */
  jobId: Schema.propertySignature(Schema.String),
  status: JobStatusSchema,
  deploymentId: optional(Schema.String),
  provider: optional(Schema.String),
  providerJobId: optional(Schema.String),
  task: optional(Schema.String),
  /** RunPod's raw status, e.g. `IN_QUEUE`, `COMPLETED`, `TIMED_OUT`. */
  providerStatus: optional(Schema.String),
  endpointUrl: optional(Schema.String),
  input: optional(Loose),
  outputDestination: optional(OutputDestination),
  artifact: optional(JobArtifact),
  metrics: optional(JobMetrics),
  /** USD. */
  estimatedCostUsd: optional(Schema.Number),
  /** Worker output (compacted by the server), as sent. */
  output: optional(Schema.Unknown),
  outputPreview: optional(Schema.Unknown),
  /** The worker's or provider's error (any JSON), as sent. */
  error: optional(Schema.Unknown),
  progress: optional(Schema.Unknown),
  /** ISO 8601. */
  createdAt: optional(Schema.String),
  /** ISO 8601. */
  updatedAt: optional(Schema.String),
  /** ISO 8601. */
  completedAt: optional(Schema.String),
  userWebhookUrl: optional(Schema.String)
})) {}

/** Decodes a job; `job_id` falls back to RunPod's `id` (for `deployments.run`). */
export const InferenceJobFromWire = withFallbacks(InferenceJob, { job_id: ["id"] })

/** `GET /inference/jobs` 200: `{jobs, total}`, newest first. */
export class InferenceJobList extends Schema.Class<InferenceJobList>("InferenceJobList")({
  jobs: Schema.Array(InferenceJob),
  total: optional(Schema.Number)
}) {}

// -----------------------------------------------------------------------------
// Request body
// -----------------------------------------------------------------------------

/** An integer from `min` to `max` (ms). */
const msBetween = ({ max, min }: { readonly min: number; readonly max: number }) =>
  Schema.Number.pipe(
    Schema.filter((n) => Number.isInteger(n) && n >= min && n <= max, {
      message: (issue) => `must be an integer from ${min} to ${max} (ms), got ${String(issue.actual)}`
    })
  )

/** An http(s) URL. */
const HttpUrl = Schema.String.pipe(
  Schema.filter((s) => /^https?:\/\/[^\s/]+/i.test(s), { message: () => "must be an http(s) URL" })
)

/**
 * The `POST /inference/jobs` body: camelCase in, snake_case on the wire (`webhookUrl` as
 * `user_webhook_url`); the `policy` ranges of reference §3.11, checked before any request.
 */
export const CreateJobBody = Schema.Struct(wire({
  deploymentId: Schema.propertySignature(NonBlank),
  input: Loose,
  task: Schema.optional(NonBlank),
  webhookUrl: Schema.optional(HttpUrl).pipe(Schema.fromKey("user_webhook_url")),
  policy: Schema.optional(Schema.Struct(wire({
    executionTimeoutMs: Schema.optional(msBetween(JOB_POLICY_LIMITS.executionTimeoutMs)),
    ttlMs: Schema.optional(msBetween(JOB_POLICY_LIMITS.ttlMs)),
    lowPriority: Schema.optional(Schema.Boolean)
  })))
}))
