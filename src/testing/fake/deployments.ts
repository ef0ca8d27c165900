/**
 * Deployments (RunPod BYOK) of the fake, following the Deploy API (§3 of the reference) at
 * the gateway paths the reference infers: `{base}/deployments...`, plus the Deploy API's own
 * inference-job routes under `{base}/inference/jobs...`.
 *
 * @internal
 */
import { errorResponse, fail, failValidation, isoDeploy, isRecord, json, notFound, round } from "./http.js"
import { hash32, hashHex, type Prng } from "./random.js"
import { route, type Route, type RouteContext } from "./router.js"
import { sseEvent, sseResponse, type SseSource } from "./sse.js"
import type { DeploymentPhase, FailureQuery, FakeTimings } from "./types.js"

export type DeploymentStatus = DeploymentPhase | "ready" | "failed" | "deleted"

const PHASES: ReadonlyArray<DeploymentPhase> = ["validating", "selecting_gpu", "creating_endpoint", "downloading_model", "loading_model"]
const TERMINAL = new Set<string>(["ready", "failed", "webhook_failed", "deleted"])
const JOB_TERMINAL = new Set<string>(["completed", "failed", "cancelled", "expired"])

const REMAINING: Record<string, number> = {
  validating: 20,
  selecting_gpu: 15,
  creating_endpoint: 120,
  downloading_model: 90,
  loading_model: 45,
  ready: 0,
  failed: 0,
  webhook_failed: 0,
  deleted: 0
}

const TASK_ALIASES: Record<string, ReadonlyArray<string>> = {
  text_to_image: ["text2img", "txt2img", "text-to-image"],
  image_to_image: ["image2img", "img2img", "image-to-image"],
  text_to_video: ["text2video", "txt2video", "text-to-video"],
  video_to_video: ["video2video", "vid2vid", "video-to-video"],
  video_edit: ["prompt_video_to_video", "prompt+video-to-video", "video-edit"],
  text_to_speech: ["text2speech", "text2audio", "prompt-to-voice", "prompt_to_voice", "text-to-speech"],
  speech_to_text: ["speech2text", "audio2text", "speech-to-text"],
  audio_to_audio: ["audio2audio", "audio-to-audio"]
}

/** Canonical task name for a task or alias, or undefined. */
export const normalizeTask = (task: string): string | undefined => {
  const t = task.trim().toLowerCase().replace(/ /g, "_")
  if (t in TASK_ALIASES) return t
  for (const [canonical, aliases] of Object.entries(TASK_ALIASES)) if (aliases.includes(t)) return canonical
  return undefined
}

export interface GpuType {
  readonly id: string
  readonly display_name: string
  readonly memory_gb: number
  readonly secure_cloud: boolean
  readonly community_cloud: boolean
  readonly bid_price_per_hr: number | null
  readonly price_per_hr: number | null
}

const gpu = (id: string, display_name: string, memory_gb: number, bid: number, price: number): GpuType => ({
  id,
  display_name,
  memory_gb,
  secure_cloud: true,
  community_cloud: true,
  bid_price_per_hr: bid,
  price_per_hr: price
})

/** GPU list, sorted by memory then secure price (like the Deploy API). */
export const GPUS: ReadonlyArray<GpuType> = [
  gpu("NVIDIA RTX A4000", "RTX A4000 16GB", 16, 0.17, 0.32),
  gpu("NVIDIA GeForce RTX 3090", "RTX 3090 24GB", 24, 0.22, 0.43),
  gpu("NVIDIA GeForce RTX 4090", "RTX 4090 24GB", 24, 0.34, 0.69),
  gpu("NVIDIA RTX A5000", "RTX A5000 24GB", 24, 0.5, 0.7),
  gpu("NVIDIA A40", "A40 48GB", 48, 0.35, 0.44),
  gpu("NVIDIA RTX A6000", "RTX A6000 48GB", 48, 0.33, 0.76),
  gpu("NVIDIA L40S", "L40S 48GB", 48, 0.79, 0.86),
  gpu("NVIDIA A100 80GB PCIe", "A100 80GB", 80, 1.19, 1.64),
  gpu("NVIDIA H100 80GB HBM3", "H100 80GB", 80, 2.39, 2.99)
].sort((a, b) => a.memory_gb - b.memory_gb || (a.price_per_hr ?? 0) - (b.price_per_hr ?? 0))

const TIER_GPU: Record<string, string> = {
  ECONOMY: "RTX A4000 16GB",
  STANDARD: "RTX A5000 24GB",
  PRO: "RTX A6000 48GB",
  ULTIMATE: "H100 80GB",
  A4000: "RTX A4000 16GB",
  "3090": "RTX 3090 24GB",
  "4090": "RTX 4090 24GB",
  A5000: "RTX A5000 24GB",
  A6000: "RTX A6000 48GB",
  A40: "A40 48GB",
  L40S: "L40S 48GB",
  A100: "A100 80GB",
  H100: "H100 80GB"
}

interface Transition {
  readonly status: DeploymentStatus
  readonly at: number
}

interface LogEntry {
  readonly at: number
  readonly level: "INFO" | "WARNING" | "ERROR"
  readonly message: string
}

export interface Deployment {
  readonly id: string
  readonly owner: string
  readonly hfModelId: string
  readonly task: string
  readonly gpuTier: string | null
  readonly provider: string
  readonly webhookUrl: string | null
  readonly createdAt: number
  readonly path: "cold" | "warm"
  readonly fails: boolean
  readonly vramGb: number
  readonly gpuAllocated: string
  readonly endpointId: string
  readonly history: Array<Transition>
  readonly logs: Array<LogEntry>
  /** scheduled transitions not yet reached */
  schedule: Array<Transition>
}

interface InferenceJob {
  readonly id: string
  readonly deploymentId: string
  readonly owner: string
  readonly providerJobId: string
  readonly task: string
  readonly input: Record<string, unknown>
  readonly webhookUrl: string | null
  readonly createdAt: number
  readonly fails: boolean
  readonly mediaBase: string
  status: "queued" | "running" | "completed" | "failed" | "cancelled"
  updatedAt: number
  completedAt: number | null
}

export interface DeploymentsHost {
  readonly rng: () => Prng
  readonly timings: () => FakeTimings
  readonly failWhen: (q: FailureQuery) => boolean
  readonly mediaBase: (ctx: RouteContext) => string
  readonly mediaUrl: (base: string, kind: "png" | "mp4", spec: { prompt: string; width: number; height: number; seed?: number }) => string
  readonly settle: (now: number) => void
}

export class FakeDeployments {
  readonly deployments = new Map<string, Deployment>()
  readonly jobs = new Map<string, InferenceJob>()

  constructor(private readonly host: DeploymentsHost) {}

  reset(): void {
    this.deployments.clear()
    this.jobs.clear()
  }

  // ---------------------------------------------------------------- lifecycle

  /** Moves every deployment and job to its state at `now`. */
  settle(now: number): void {
    for (const dep of this.deployments.values()) {
      while (dep.schedule.length > 0 && dep.schedule[0]!.at <= now) {
        const next = dep.schedule.shift()!
        this.transition(dep, next.status, next.at)
      }
    }
    const t = this.host.timings()
    for (const job of this.jobs.values()) {
      if (JOB_TERMINAL.has(job.status)) continue
      const runningAt = job.createdAt + t.inferenceQueuedMs
      const doneAt = runningAt + t.inferenceRunningMs
      if (now >= doneAt) {
        job.status = job.fails ? "failed" : "completed"
        job.updatedAt = doneAt
        job.completedAt = doneAt
      } else if (now >= runningAt && job.status === "queued") {
        job.status = "running"
        job.updatedAt = runningAt
      }
    }
  }

  private transition(dep: Deployment, status: DeploymentStatus, at: number): void {
    dep.history.push({ status, at })
    const messages: Record<string, [LogEntry["level"], string]> = {
      validating: ["INFO", `Validating model ${dep.hfModelId} (task ${dep.task})`],
      selecting_gpu: ["INFO", `Selecting GPU${dep.gpuTier ? ` for tier ${dep.gpuTier}` : ""} (needs ${dep.vramGb} GB VRAM)`],
      creating_endpoint: ["INFO", `Creating RunPod endpoint on ${dep.gpuAllocated}`],
      downloading_model: ["INFO", `Endpoint ${dep.endpointId} created; downloading model weights`],
      loading_model: ["INFO", "Loading model into GPU memory"],
      ready: ["INFO", dep.path === "warm" ? "Reusing warm endpoint, deployment ready" : "Model loaded, deployment ready"],
      failed: ["ERROR", this.errorOf(dep) ?? "Deployment failed"],
      deleted: ["INFO", "Deployment deleted"]
    }
    const [level, message] = messages[status] ?? ["INFO", status]
    dep.logs.push({ at, level, message })
  }

  private errorOf(dep: Deployment): string | null {
    return dep.fails ? `HF_MODEL_NOT_FOUND: could not download '${dep.hfModelId}' (injected failure)` : null
  }

  statusOf(dep: Deployment): DeploymentStatus {
    return dep.history[dep.history.length - 1]?.status ?? "validating"
  }

  private readyAt(dep: Deployment): number | null {
    return dep.history.find((h) => h.status === "ready")?.at ?? null
  }

  private endpointUrl(dep: Deployment): string | null {
    const reached = dep.history.some((h) => h.status === "downloading_model" || h.status === "ready")
    return reached ? `https://api.runpod.ai/v2/${dep.endpointId}/run` : null
  }

  private view(dep: Deployment, now: number): Record<string, unknown> {
    const status = this.statusOf(dep)
    const readyAt = this.readyAt(dep)
    const allocated = dep.history.some((h) => h.status === "creating_endpoint" || h.status === "ready")
    const t = this.host.timings()
    return {
      deployment_id: dep.id,
      status,
      hf_model_id: dep.hfModelId,
      task: dep.task,
      runpod_endpoint_id: this.endpointUrl(dep) ? dep.endpointId : null,
      endpoint_url: this.endpointUrl(dep),
      gpu_allocated: allocated ? dep.gpuAllocated : null,
      model_vram_gb: dep.vramGb,
      logs: dep.logs.map((l) => ({ timestamp: isoDeploy(l.at), level: l.level, message: l.message })),
      error: status === "failed" ? this.errorOf(dep) : null,
      estimated_remaining_seconds: REMAINING[status] ?? 60,
      phase_durations: { total_elapsed_seconds: round(((readyAt ?? now) - dep.createdAt) / 1000, 3) },
      t_r2_sync_s: readyAt !== null && dep.path === "cold" ? round(t.deployment.downloading_model / 1000, 3) : null,
      t_model_load_s: readyAt !== null && dep.path === "cold" ? round(t.deployment.loading_model / 1000, 3) : null,
      loaded_from_cache: readyAt !== null ? dep.path === "warm" : null,
      created_at: isoDeploy(dep.createdAt),
      ready_at: readyAt !== null ? isoDeploy(readyAt) : null
    }
  }

  // ---------------------------------------------------------------- helpers

  private owner(ctx: RouteContext): string {
    const key = ctx.headers.get("x-runpod-key") || ctx.headers.get("x-runpod-api-key")
    if (!key) {
      return fail(errorResponse(401, "UNAUTHORIZED", "Missing or invalid Runpod API key (send X-Runpod-Key)"))
    }
    return hashHex(`runpod:${key}`, 16)
  }

  private find(ctx: RouteContext, owner: string): Deployment {
    const id = ctx.params.id!
    const dep = this.deployments.get(id)
    if (!dep || dep.owner !== owner) {
      return fail(notFound("DEPLOYMENT_NOT_FOUND", `Deployment not found: ${id}`, { deployment_id: id }))
    }
    return dep
  }

  private allocate(tier: string | null, vramGb: number): string {
    const named = tier ? TIER_GPU[tier.toUpperCase()] : undefined
    if (named) return named
    return GPUS.filter((g) => g.memory_gb >= vramGb)
      .slice()
      .sort((a, b) => (a.bid_price_per_hr ?? 99) - (b.bid_price_per_hr ?? 99))
      .slice(0, 3)
      .map((g) => g.display_name)
      .join(", ")
  }

  private priceOf(gpuAllocated: string): number | null {
    const first = gpuAllocated.split(",")[0]!.trim()
    const g = GPUS.find((x) => x.display_name === first || first.includes(x.display_name) || x.display_name.includes(first))
    return g ? g.bid_price_per_hr ?? g.price_per_hr : null
  }

  // ---------------------------------------------------------------- routes

  routes(): ReadonlyArray<Route> {
    return [
      route("GET", "/deployments/gpus", (ctx) => {
        this.owner(ctx)
        return json(200, { gpus: GPUS })
      }),
      route("POST", "/deployments", (ctx) => this.create(ctx)),
      route("GET", "/deployments", (ctx) => this.list(ctx)),
      route("GET", "/deployments/:id", (ctx) => json(200, this.view(this.find(ctx, this.owner(ctx)), ctx.now))),
      route("DELETE", "/deployments/:id", (ctx) => {
        const dep = this.find(ctx, this.owner(ctx))
        if (this.statusOf(dep) !== "deleted") {
          dep.schedule = []
          this.transition(dep, "deleted", ctx.now)
        }
        return new Response(null, { status: 204 })
      }),
      route("GET", "/deployments/:id/cost", (ctx) => this.cost(ctx)),
      route("GET", "/deployments/:id/logs", (ctx) => {
        const dep = this.find(ctx, this.owner(ctx))
        return json(200, {
          deployment_id: dep.id,
          logs: dep.logs.map((l) => ({ timestamp: isoDeploy(l.at), level: l.level, message: l.message }))
        })
      }),
      route("GET", "/deployments/:id/stream", (ctx) => this.statusStream(ctx), { stream: true }),
      route("GET", "/deployments/:id/logs/stream", (ctx) => this.logStream(ctx), { stream: true }),
      route("POST", "/deployments/:id/run", (ctx) => {
        const owner = this.owner(ctx)
        const dep = this.find(ctx, owner)
        return this.submit(ctx, owner, dep, ctx.body)
      }),
      route("GET", "/deployments/:id/jobs", (ctx) => {
        const owner = this.owner(ctx)
        const dep = this.find(ctx, owner)
        return this.listJobs(ctx, owner, dep.id)
      }),
      route("GET", "/deployments/:id/jobs/:job", (ctx) => {
        const owner = this.owner(ctx)
        this.find(ctx, owner)
        return json(200, this.jobView(this.findJob(ctx, owner)))
      }),
      route("POST", "/inference/jobs", (ctx) => {
        const owner = this.owner(ctx)
        const body = isRecord(ctx.body) ? ctx.body : failValidation("body", "Request body must be a JSON object")
        const depId = typeof body.deployment_id === "string" && body.deployment_id !== ""
          ? body.deployment_id
          : failValidation("deployment_id", "deployment_id is required")
        const dep = this.deployments.get(depId)
        if (!dep || dep.owner !== owner) {
          return fail(notFound("DEPLOYMENT_NOT_FOUND", `Deployment not found: ${depId}`, { deployment_id: depId }))
        }
        return this.submit(ctx, owner, dep, body)
      }),
      route("GET", "/inference/jobs", (ctx) => this.listJobs(ctx, this.owner(ctx), ctx.query.get("deployment_id"))),
      route("GET", "/inference/jobs/:job", (ctx) => json(200, this.jobView(this.findJob(ctx, this.owner(ctx))))),
      route("POST", "/inference/jobs/:job/cancel", (ctx) => {
        const job = this.findJob(ctx, this.owner(ctx))
        if (!JOB_TERMINAL.has(job.status)) {
          job.status = "cancelled"
          job.updatedAt = ctx.now
          job.completedAt = ctx.now
        }
        return json(200, this.jobView(job))
      })
    ]
  }

  private create(ctx: RouteContext): Response {
    const owner = this.owner(ctx)
    const body = isRecord(ctx.body) ? ctx.body : failValidation("body", "Request body must be a JSON object")
    const model = body.hf_model_id
    if (typeof model !== "string" || model.trim() === "" || model.length > 256) {
      return failValidation("hf_model_id", "hf_model_id is required (1-256 characters)")
    }
    let task = "text_to_image"
    if (body.task !== undefined && body.task !== null) {
      const t = typeof body.task === "string" ? normalizeTask(body.task) : undefined
      if (!t) return failValidation("task", `Unknown task: ${String(body.task)}`)
      task = t
    }
    const optionalString = (field: string, max: number): string | null => {
      const v = body[field]
      if (v === undefined || v === null) return null
      if (typeof v !== "string" || v.length > max) return failValidation(field, `${field} must be a string of at most ${max} characters`)
      return v
    }
    const gpuTier = optionalString("gpu_tier", 64)
    optionalString("region", 32)
    const provider = optionalString("provider", 32) ?? "runpod"
    if (provider !== "runpod" && provider !== "vast") return failValidation("provider", "provider must be 'runpod' or 'vast'")
    const webhook = optionalString("user_webhook_url", 2048)
    if (webhook !== null && !/^https?:\/\/[^\s]+$/.test(webhook)) {
      return failValidation("user_webhook_url", "user_webhook_url must be a valid URL")
    }

    const now = ctx.now
    const rng = this.host.rng()
    const id = `dep_${new Date(now).getUTCFullYear()}_${rng.hex(8)}`
    const vramGb = 10 + (hash32(model) % 15)
    const warmFrom = provider === "runpod"
      ? [...this.deployments.values()].find((d) => d.owner === owner && d.hfModelId === model && this.statusOf(d) === "ready")
      : undefined
    const fails = this.host.failWhen({ kind: "deployment", model, prompt: model })
    const dep: Deployment = {
      id,
      owner,
      hfModelId: model,
      task,
      gpuTier,
      provider,
      webhookUrl: webhook,
      createdAt: now,
      path: warmFrom ? "warm" : "cold",
      fails: warmFrom ? false : fails,
      vramGb,
      gpuAllocated: warmFrom ? warmFrom.gpuAllocated : this.allocate(gpuTier, vramGb),
      endpointId: warmFrom ? warmFrom.endpointId : `ep_${rng.hex(12)}`,
      history: [],
      logs: [],
      schedule: []
    }
    this.deployments.set(id, dep)
    const timings = this.host.timings().deployment
    let total = 0
    if (warmFrom) {
      this.transition(dep, "ready", now)
    } else {
      this.transition(dep, "validating", now)
      let at = now
      for (let i = 0; i < PHASES.length; i++) {
        at += timings[PHASES[i]!]
        const next: DeploymentStatus = i + 1 < PHASES.length ? PHASES[i + 1]! : "ready"
        if (dep.fails && PHASES[i] === "downloading_model") {
          dep.schedule.push({ status: "failed", at })
          break
        }
        dep.schedule.push({ status: next, at })
      }
      total = PHASES.reduce((s, p) => s + timings[p], 0)
    }
    const estimated = Math.min(600, Math.max(0, Math.ceil(total / 1000)))
    return json(202, {
      deployment_id: id,
      status: warmFrom ? "warm_ready" : "accepted_cold",
      model_id: model,
      estimated_ready_seconds: estimated,
      estimated_ready_at: isoDeploy(now + estimated * 1000),
      poll_interval_seconds: warmFrom ? 1 : Math.max(1, Math.min(30, Math.round(total / 1000 / 10) || 1)),
      stream_url: `/v1/deployments/${id}/stream`,
      webhook_url: webhook ?? "",
      endpoint_url: warmFrom ? `https://api.runpod.ai/v2/${dep.endpointId}/run` : null,
      path: dep.path,
      created_at: isoDeploy(now)
    })
  }

  private list(ctx: RouteContext): Response {
    const owner = this.owner(ctx)
    const rawLimit = ctx.query.get("limit")
    const parsed = rawLimit === null ? 20 : Number(rawLimit)
    if (!Number.isInteger(parsed)) return failValidation("limit", "limit must be an integer")
    const limit = Math.min(100, Math.max(1, parsed))
    const filter = ctx.query.get("deployment_status")
    const items = [...this.deployments.values()]
      .filter((d) => d.owner === owner && (filter === null || this.statusOf(d) === filter))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map((d) => this.view(d, ctx.now))
    return json(200, { deployments: items, total: items.length, limit })
  }

  private cost(ctx: RouteContext): Response {
    const dep = this.find(ctx, this.owner(ctx))
    const status = this.statusOf(dep)
    const readyAt = this.readyAt(dep)
    const allocated = dep.history.some((h) => h.status === "creating_endpoint" || h.status === "ready")
    const base = { deployment_id: dep.id, status, gpu_allocated: allocated ? dep.gpuAllocated : null }
    if (!allocated || readyAt === null) {
      return json(200, {
        ...base,
        hours_running: null,
        price_per_hour_usd: null,
        estimated_cost_usd: null,
        note: "GPU not yet allocated (deployment may be starting or failed)"
      })
    }
    // like the Deploy API: deleted and failed deployments count 0 hours
    const hours = status === "deleted" || status === "failed" ? 0 : round((ctx.now - readyAt) / 3_600_000, 4)
    const price = this.priceOf(dep.gpuAllocated)
    return json(200, {
      ...base,
      hours_running: hours,
      price_per_hour_usd: price,
      estimated_cost_usd: price === null ? null : round(hours * price, 6),
      note: price === null ? `GPU type '${dep.gpuAllocated}' not found in current pricing list` : null
    })
  }

  private statusStream(ctx: RouteContext): Response {
    const owner = this.owner(ctx)
    const id = ctx.params.id!
    const dep = this.deployments.get(id)
    if (!dep || dep.owner !== owner) {
      return sseResponse(ctx.sseDriver({ poll: () => ({ chunks: [sseEvent("error", { deployment_id: id, error: "not_found" })], done: true }) }))
    }
    let cursor = -1
    const event = (t: Transition) =>
      sseEvent("status", {
        deployment_id: dep.id,
        status: t.status,
        endpoint_url: t.status === "ready" || t.status === "loading_model" || t.status === "downloading_model" ? `https://api.runpod.ai/v2/${dep.endpointId}/run` : null,
        error: t.status === "failed" ? this.errorOf(dep) : null,
        estimated_remaining_seconds: REMAINING[t.status] ?? 60,
        timestamp: isoDeploy(t.at)
      })
    const source: SseSource = {
      poll: (now) => {
        this.host.settle(now)
        const chunks: Array<string> = []
        if (cursor === -1) {
          cursor = dep.history.length - 1
          chunks.push(event(dep.history[cursor]!))
        } else {
          while (cursor < dep.history.length - 1) chunks.push(event(dep.history[++cursor]!))
        }
        return { chunks, done: TERMINAL.has(dep.history[cursor]!.status) }
      }
    }
    return sseResponse(ctx.sseDriver(source))
  }

  private logStream(ctx: RouteContext): Response {
    const dep = this.find(ctx, this.owner(ctx))
    let cursor = 0
    const source: SseSource = {
      poll: (now) => {
        this.host.settle(now)
        const chunks: Array<string> = []
        while (cursor < dep.logs.length) {
          const l = dep.logs[cursor++]!
          chunks.push(sseEvent("log", { deployment_id: dep.id, timestamp: l.at / 1000, level: l.level, message: l.message }))
        }
        const status = this.statusOf(dep)
        const done = TERMINAL.has(status)
        if (done) chunks.push(sseEvent("done", { deployment_id: dep.id, status }))
        return { chunks, done }
      }
    }
    return sseResponse(ctx.sseDriver(source))
  }

  // ---------------------------------------------------------------- inference jobs

  private submit(ctx: RouteContext, owner: string, dep: Deployment, rawBody: unknown): Response {
    const body = isRecord(rawBody) ? rawBody : failValidation("body", "Request body must be a JSON object")
    const input = body.input === undefined ? failValidation("input", "input is required: {\"input\": {...}}") : body.input
    if (!isRecord(input)) return failValidation("input", "input must be an object")
    let task = dep.task
    if (body.task !== undefined && body.task !== null) {
      const t = typeof body.task === "string" ? normalizeTask(body.task) : undefined
      if (!t) return failValidation("task", `Unknown task: ${String(body.task)}`)
      task = t
    }
    const status = this.statusOf(dep)
    if (status !== "ready") {
      return fail(errorResponse(400, "INVALID_INFERENCE_JOB_REQUEST", "Deployment is not ready for inference jobs", {
        deployment_id: dep.id,
        status
      }))
    }
    const rng = this.host.rng()
    const d = new Date(ctx.now)
    const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`
    const prompt = typeof input.prompt === "string" ? input.prompt : ""
    const job: InferenceJob = {
      id: `job_${ymd}_${rng.hex(8)}`,
      deploymentId: dep.id,
      owner,
      providerJobId: `rp_${rng.hex(12)}`,
      task,
      input,
      webhookUrl: typeof body.user_webhook_url === "string" ? body.user_webhook_url : null,
      createdAt: ctx.now,
      fails: this.host.failWhen({ kind: "inference", model: dep.hfModelId, prompt }),
      mediaBase: this.host.mediaBase(ctx),
      status: "queued",
      updatedAt: ctx.now,
      completedAt: null
    }
    this.jobs.set(job.id, job)
    return json(202, {
      job_id: job.id,
      deployment_id: dep.id,
      provider: "runpod",
      provider_job_id: job.providerJobId,
      status: "queued",
      provider_status: "IN_QUEUE",
      output_destination: this.destination(job)
    })
  }

  private destination(job: InferenceJob) {
    return {
      bucket_name: "platform-output",
      endpoint_url: "https://fake-r2.visgate.invalid",
      key_prefix: `inference/outputs/${job.deploymentId}/${job.id}`
    }
  }

  private findJob(ctx: RouteContext, owner: string): InferenceJob {
    const id = ctx.params.job!
    const job = this.jobs.get(id)
    if (!job || job.owner !== owner) return fail(notFound("INFERENCE_JOB_NOT_FOUND", `Inference job not found: ${id}`, { job_id: id }))
    return job
  }

  private listJobs(ctx: RouteContext, owner: string, deploymentId: string | null): Response {
    const limit = Number(ctx.query.get("limit") ?? "20")
    const jobs = [...this.jobs.values()]
      .filter((j) => j.owner === owner && (deploymentId === null || j.deploymentId === deploymentId))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, Number.isFinite(limit) && limit > 0 ? limit : 20)
      .map((j) => this.jobView(j))
    return json(200, { jobs, total: jobs.length })
  }

  private jobView(job: InferenceJob): Record<string, unknown> {
    const dep = this.deployments.get(job.deploymentId)
    const t = this.host.timings()
    const providerStatus = { queued: "IN_QUEUE", running: "IN_PROGRESS", completed: "COMPLETED", failed: "FAILED", cancelled: "CANCELLED" }[job.status]
    const video = job.task.includes("video")
    const width = typeof job.input.width === "number" ? job.input.width : 1024
    const height = typeof job.input.height === "number" ? job.input.height : 1024
    const seed = typeof job.input.seed === "number" ? job.input.seed : 42
    const prompt = typeof job.input.prompt === "string" ? job.input.prompt : job.task
    const url = job.status === "completed"
      ? this.host.mediaUrl(job.mediaBase, video ? "mp4" : "png", { prompt, width, height, seed })
      : null
    const price = dep ? this.priceOf(dep.gpuAllocated) : null
    const executionMs = job.status === "completed" || job.status === "failed" ? t.inferenceRunningMs : null
    return {
      job_id: job.id,
      deployment_id: job.deploymentId,
      provider: "runpod",
      provider_job_id: job.providerJobId,
      task: job.task,
      status: job.status,
      provider_status: providerStatus,
      endpoint_url: dep ? `https://api.runpod.ai/v2/${dep.endpointId}/run` : null,
      input: job.input,
      output_destination: this.destination(job),
      artifact: url === null ? null : {
        bucket_name: "platform-output",
        endpoint_url: "https://fake-r2.visgate.invalid",
        key: `inference/outputs/${job.deploymentId}/${job.id}/output.${video ? "mp4" : "png"}`,
        url,
        content_type: video ? "video/mp4" : "image/png",
        bytes: null
      },
      metrics: executionMs === null
        ? { queue_ms: null, execution_ms: null, wall_clock_ms: null }
        : { queue_ms: t.inferenceQueuedMs, execution_ms: executionMs, wall_clock_ms: t.inferenceQueuedMs + executionMs },
      estimated_cost_usd: executionMs !== null && price !== null ? round((executionMs / 3_600_000) * price, 6) : null,
      output: url === null
        ? null
        : video
        ? { video: url, model_id: dep?.hfModelId ?? null, seed, execution_duration_ms: executionMs }
        : { image: url, model_id: dep?.hfModelId ?? null, seed, width, height, execution_duration_ms: executionMs },
      output_preview: null,
      error: job.status === "failed" ? { error: "Worker failed: injected failure", model_id: dep?.hfModelId ?? null } : null,
      progress: null,
      created_at: isoDeploy(job.createdAt),
      updated_at: isoDeploy(job.updatedAt),
      completed_at: job.completedAt === null ? null : isoDeploy(job.completedAt),
      user_webhook_url: job.webhookUrl
    }
  }
}
