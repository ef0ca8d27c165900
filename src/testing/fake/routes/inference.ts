/**
 * Inference jobs on ready deployments: `POST /deployments/{id}/run`, `GET /deployments/{id}/jobs`
 * and `/jobs/{job_id}`, plus the Deploy API's own `POST|GET /inference/jobs`,
 * `GET /inference/jobs/{job_id}`, `POST /inference/jobs/{job_id}/cancel` and `/retry`. Jobs are
 * owned by the RunPod key and move `queued` → `running` → `completed|failed` with the clock; a
 * `policy.ttl_ms` shorter than the queue wait makes the job `expired`, a
 * `policy.execution_timeout_ms` shorter than the run makes it `failed` (`TIMED_OUT`). The policy
 * ranges are checked as the Deploy API's schema does (422).
 *
 * @internal
 */
import type { FakeCore } from "../core.js"
import { errorResponse, fail, failValidation, isInt, isoDeploy, isRecord, json, notFound, round } from "../http.js"
import { mediaUrl } from "../media.js"
import { type Route, route, type RouteContext } from "../router.js"
import {
  type Deployment,
  findDeployment,
  gpuPriceOf,
  normalizeTask,
  runpodOwner,
  runUrl,
  statusOf
} from "./deploymentData.js"

const JOB_TERMINAL = new Set<string>(["completed", "failed", "cancelled", "expired"])
const PROVIDER_STATUS = {
  queued: "IN_QUEUE",
  running: "IN_PROGRESS",
  completed: "COMPLETED",
  failed: "FAILED",
  cancelled: "CANCELLED",
  expired: "EXPIRED"
} as const
/** The Deploy API's `policy` ranges (ms). */
const POLICY_RANGES = { execution_timeout_ms: [5_000, 604_800_000], ttl_ms: [10_000, 604_800_000] } as const
const R2 = { bucket_name: "platform-output", endpoint_url: "https://fake-r2.visgate.invalid" }

interface InferenceJob {
  readonly id: string
  readonly deploymentId: string
  readonly owner: string
  providerJobId: string
  readonly task: string
  readonly input: Record<string, unknown>
  readonly webhookUrl: string | null
  /** When the job was (re)submitted. */
  createdAt: number
  readonly fails: boolean
  readonly ttlMs: number | null
  readonly executionTimeoutMs: number | null
  /** Ended by its execution timeout (`TIMED_OUT`). */
  timedOut: boolean
  readonly mediaBase: string
  status: "queued" | "running" | "completed" | "failed" | "cancelled" | "expired"
  updatedAt: number
  completedAt: number | null
}

const destination = (job: InferenceJob) => ({
  ...R2,
  key_prefix: `inference/outputs/${job.deploymentId}/${job.id}`
})

const ymdOf = (ms: number): string => {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, "0")
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`
}

export class FakeInferenceJobs {
  private readonly jobs = new Map<string, InferenceJob>()

  constructor(private readonly core: FakeCore, private readonly deployments: ReadonlyMap<string, Deployment>) {}

  reset(): void {
    this.jobs.clear()
  }

  /** Moves every job to its state at `now`. */
  settle(now: number): void {
    const t = this.core.timings
    for (const job of this.jobs.values()) {
      if (JOB_TERMINAL.has(job.status)) continue
      const runningAt = job.createdAt + t.inferenceQueuedMs
      const expiresAt = job.ttlMs !== null && job.ttlMs < t.inferenceQueuedMs ? job.createdAt + job.ttlMs : null
      const timesOutAt = job.executionTimeoutMs !== null && job.executionTimeoutMs < t.inferenceRunningMs
        ? runningAt + job.executionTimeoutMs
        : null
      const doneAt = timesOutAt ?? runningAt + t.inferenceRunningMs
      if (expiresAt !== null && now >= expiresAt) {
        job.status = "expired"
        job.updatedAt = expiresAt
        job.completedAt = expiresAt
        this.notify(job)
      } else if (now >= doneAt) {
        job.timedOut = timesOutAt !== null
        job.status = job.fails || job.timedOut ? "failed" : "completed"
        job.updatedAt = doneAt
        job.completedAt = doneAt
        this.notify(job)
      } else if (now >= runningAt && job.status === "queued") {
        job.status = "running"
        job.updatedAt = runningAt
      }
    }
  }

  routes(): ReadonlyArray<Route> {
    const find = (ctx: RouteContext, owner: string) => findDeployment(this.deployments, ctx.params.id!, owner)
    return [
      route("POST", "/deployments/:id/run", (ctx) => {
        const owner = runpodOwner(ctx)
        const dep = find(ctx, owner)
        return this.submit(ctx, owner, dep, ctx.body)
      }),
      route("GET", "/deployments/:id/jobs", (ctx) => {
        const owner = runpodOwner(ctx)
        const dep = find(ctx, owner)
        return this.list(ctx, owner, dep.id)
      }),
      route("GET", "/deployments/:id/jobs/:job", (ctx) => {
        const owner = runpodOwner(ctx)
        find(ctx, owner)
        return json(200, this.view(this.find(ctx, owner)))
      }),
      route("POST", "/inference/jobs", (ctx) => {
        const owner = runpodOwner(ctx)
        const body = isRecord(ctx.body) ? ctx.body : failValidation("body", "Request body must be a JSON object")
        const depId = typeof body.deployment_id === "string" && body.deployment_id !== ""
          ? body.deployment_id
          : failValidation("deployment_id", "deployment_id is required")
        return this.submit(ctx, owner, findDeployment(this.deployments, depId, owner), body)
      }),
      route("GET", "/inference/jobs", (ctx) => this.list(ctx, runpodOwner(ctx), ctx.query.get("deployment_id"))),
      route("GET", "/inference/jobs/:job", (ctx) => json(200, this.view(this.find(ctx, runpodOwner(ctx))))),
      route("POST", "/inference/jobs/:job/cancel", (ctx) => {
        const job = this.find(ctx, runpodOwner(ctx))
        if (!JOB_TERMINAL.has(job.status)) {
          job.status = "cancelled"
          job.updatedAt = ctx.now
          job.completedAt = ctx.now
          this.notify(job)
        }
        return json(200, this.view(job))
      }),
      route("POST", "/inference/jobs/:job/retry", (ctx) => {
        const job = this.find(ctx, runpodOwner(ctx))
        // A finished job that did not complete is resubmitted to the provider; others are returned as they are.
        if (JOB_TERMINAL.has(job.status) && job.status !== "completed") {
          job.providerJobId = `rp_${this.core.rng.hex(12)}`
          job.status = "queued"
          job.timedOut = false
          job.createdAt = ctx.now
          job.updatedAt = ctx.now
          job.completedAt = null
        }
        return json(200, this.view(job))
      })
    ]
  }

  private submit(ctx: RouteContext, owner: string, dep: Deployment, rawBody: unknown): Response {
    const body = isRecord(rawBody) ? rawBody : failValidation("body", "Request body must be a JSON object")
    const input = body.input === undefined
      ? failValidation("input", "input is required: {\"input\": {...}}")
      : body.input
    if (!isRecord(input)) return failValidation("input", "input must be an object")
    let task = dep.task
    if (body.task !== undefined && body.task !== null) {
      const t = typeof body.task === "string" ? normalizeTask(body.task) : undefined
      if (!t) return failValidation("task", `Unknown task: ${String(body.task)}`)
      task = t
    }
    const hook = body.user_webhook_url
    if (hook !== undefined && hook !== null && (typeof hook !== "string" || !/^https?:\/\/[^\s]+$/.test(hook))) {
      return failValidation("user_webhook_url", "user_webhook_url must be a valid URL")
    }
    const policy = body.policy === undefined || body.policy === null
      ? {}
      : isRecord(body.policy)
      ? body.policy
      : failValidation("policy", "policy must be an object")
    for (const [key, [min, max]] of Object.entries(POLICY_RANGES)) {
      const v = policy[key]
      if (v !== undefined && v !== null && !(isInt(v) && v >= min && v <= max)) {
        failValidation(`policy.${key}`, `${key} must be an integer from ${min} to ${max}`)
      }
    }
    const status = statusOf(dep)
    if (status !== "ready") {
      const message = "Deployment is not ready for inference jobs"
      return fail(errorResponse(400, "INVALID_INFERENCE_JOB_REQUEST", message, { deployment_id: dep.id, status }))
    }
    const rng = this.core.rng
    const ymd = ymdOf(ctx.now)
    const prompt = typeof input.prompt === "string" ? input.prompt : ""
    const job: InferenceJob = {
      id: `job_${ymd}_${rng.hex(8)}`,
      deploymentId: dep.id,
      owner,
      providerJobId: `rp_${rng.hex(12)}`,
      task,
      input,
      webhookUrl: typeof hook === "string" ? hook : null,
      createdAt: ctx.now,
      ttlMs: isInt(policy.ttl_ms) ? policy.ttl_ms : null,
      executionTimeoutMs: isInt(policy.execution_timeout_ms) ? policy.execution_timeout_ms : null,
      timedOut: false,
      fails: this.core.fails({ kind: "inference", model: dep.hfModelId, prompt }),
      mediaBase: this.core.mediaBase(ctx),
      status: "queued",
      updatedAt: ctx.now,
      completedAt: null
    }
    this.jobs.set(job.id, job)
    if (job.webhookUrl !== null) {
      // the finished webhook goes out when the fake's clock gets there, with or without a request
      const t = this.core.timings
      this.core.webhooks.at(
        job.createdAt + t.inferenceQueuedMs + t.inferenceRunningMs,
        () => this.core.settle(this.core.clock.now())
      )
    }
    return json(202, {
      job_id: job.id,
      deployment_id: dep.id,
      provider: "runpod",
      provider_job_id: job.providerJobId,
      status: "queued",
      provider_status: "IN_QUEUE",
      output_destination: destination(job)
    })
  }

  /** `inference_job_<status>` to the job's webhook URL (§3.13), once it is terminal. */
  private notify(job: InferenceJob): void {
    if (job.webhookUrl === null) return
    const view = this.view(job)
    const dep = this.deployments.get(job.deploymentId)
    this.core.webhooks.deliver(job.webhookUrl, {
      event: `inference_job_${job.status}`,
      job_id: job.id,
      deployment_id: job.deploymentId,
      provider_job_id: job.providerJobId,
      status: job.status,
      provider_status: view.provider_status,
      gpu_allocated: dep?.gpuAllocated ?? null,
      output_destination: view.output_destination,
      artifact: view.artifact,
      metrics: view.metrics,
      estimated_cost_usd: view.estimated_cost_usd,
      output: view.output,
      error: view.error
    })
  }

  private find(ctx: RouteContext, owner: string): InferenceJob {
    const id = ctx.params.job!
    const job = this.jobs.get(id)
    if (!job || job.owner !== owner) {
      return fail(notFound("INFERENCE_JOB_NOT_FOUND", `Inference job not found: ${id}`, { job_id: id }))
    }
    return job
  }

  private list(ctx: RouteContext, owner: string, deploymentId: string | null): Response {
    const limit = Number(ctx.query.get("limit") ?? "20")
    const jobs = [...this.jobs.values()]
      .filter((j) => j.owner === owner && (deploymentId === null || j.deploymentId === deploymentId))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, Number.isFinite(limit) && limit > 0 ? limit : 20)
      .map((j) => this.view(j))
    return json(200, { jobs, total: jobs.length })
  }

  private view(job: InferenceJob): Record<string, unknown> {
    const dep = this.deployments.get(job.deploymentId)
    const t = this.core.timings
    const video = job.task.includes("video")
    const width = typeof job.input.width === "number" ? job.input.width : 1024
    const height = typeof job.input.height === "number" ? job.input.height : 1024
    const seed = typeof job.input.seed === "number" ? job.input.seed : 42
    const prompt = typeof job.input.prompt === "string" ? job.input.prompt : job.task
    const url = job.status === "completed"
      ? mediaUrl(job.mediaBase, video ? "mp4" : "png", { prompt, width, height, seed })
      : null
    const price = dep ? gpuPriceOf(dep.gpuAllocated) : null
    const executionMs = job.status === "completed" || job.status === "failed"
      ? job.timedOut ? job.executionTimeoutMs : t.inferenceRunningMs
      : null
    const modelId = dep?.hfModelId ?? null
    return {
      job_id: job.id,
      deployment_id: job.deploymentId,
      provider: "runpod",
      provider_job_id: job.providerJobId,
      task: job.task,
      status: job.status,
      provider_status: job.timedOut ? "TIMED_OUT" : PROVIDER_STATUS[job.status],
      endpoint_url: dep ? runUrl(dep) : null,
      input: job.input,
      output_destination: destination(job),
      artifact: url === null ? null : {
        ...R2,
        key: `inference/outputs/${job.deploymentId}/${job.id}/output.${video ? "mp4" : "png"}`,
        url,
        content_type: video ? "video/mp4" : "image/png",
        bytes: null
      },
      metrics: executionMs === null
        ? { queue_ms: null, execution_ms: null, wall_clock_ms: null }
        : {
          queue_ms: t.inferenceQueuedMs,
          execution_ms: executionMs,
          wall_clock_ms: t.inferenceQueuedMs + executionMs
        },
      estimated_cost_usd: executionMs !== null && price !== null ? round((executionMs / 3_600_000) * price, 6) : null,
      output: url === null
        ? null
        : video
        ? { video: url, model_id: modelId, seed, execution_duration_ms: executionMs }
        : { image: url, model_id: modelId, seed, width, height, execution_duration_ms: executionMs },
      output_preview: null,
      error: job.status !== "failed"
        ? null
        : job.timedOut
        ? { error: `Execution timed out after ${job.executionTimeoutMs} ms`, model_id: modelId }
        : { error: "Worker failed: injected failure", model_id: modelId },
      progress: null,
      created_at: isoDeploy(job.createdAt),
      updated_at: isoDeploy(job.updatedAt),
      completed_at: job.completedAt === null ? null : isoDeploy(job.completedAt),
      user_webhook_url: job.webhookUrl
    }
  }
}
