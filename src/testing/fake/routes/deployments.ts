/**
 * Deployments (RunPod BYOK) of the fake, following the Deploy API (§3 of the reference) at
 * the gateway paths the reference infers: `{base}/deployments...` (lifecycle, cost, logs and
 * the status and log SSE streams); inference jobs are `FakeInferenceJobs` (`inference.ts`).
 *
 * @internal
 */
import type { FakeCore } from "../core.js"
import { failValidation, isoDeploy, isRecord, json, round } from "../http.js"
import { hash32 } from "../random.js"
import { type Route, route, type RouteContext } from "../router.js"
import { sseEvent, sseResponse, type SseSource } from "../sse.js"
import {
  allocateGpu,
  type Deployment,
  type DeploymentStatus,
  findDeployment,
  gpuPriceOf,
  GPUS,
  type LogEntry,
  normalizeTask,
  PHASES,
  REMAINING,
  runpodOwner,
  runUrl,
  statusOf,
  TERMINAL,
  type Transition
} from "./deploymentData.js"
import { FakeInferenceJobs } from "./inference.js"

const errorOf = (dep: Deployment): string | null =>
  dep.fails ? `HF_MODEL_NOT_FOUND: could not download '${dep.hfModelId}' (injected failure)` : null

const readyAt = (dep: Deployment): number | null => dep.history.find((h) => h.status === "ready")?.at ?? null

const endpointUrl = (dep: Deployment): string | null => {
  const reached = dep.history.some((h) => h.status === "downloading_model" || h.status === "ready")
  return reached ? runUrl(dep) : null
}

const allocated = (dep: Deployment): boolean =>
  dep.history.some((h) => h.status === "creating_endpoint" || h.status === "ready")

const logsOf = (dep: Deployment) =>
  dep.logs.map((l) => ({ timestamp: isoDeploy(l.at), level: l.level, message: l.message }))

const transition = (dep: Deployment, status: DeploymentStatus, at: number): void => {
  dep.history.push({ status, at })
  const gpuFor = dep.gpuTier ? ` for tier ${dep.gpuTier}` : ""
  const messages: Record<string, [LogEntry["level"], string]> = {
    validating: ["INFO", `Validating model ${dep.hfModelId} (task ${dep.task})`],
    selecting_gpu: ["INFO", `Selecting GPU${gpuFor} (needs ${dep.vramGb} GB VRAM)`],
    creating_endpoint: ["INFO", `Creating RunPod endpoint on ${dep.gpuAllocated}`],
    downloading_model: ["INFO", `Endpoint ${dep.endpointId} created; downloading model weights`],
    loading_model: ["INFO", "Loading model into GPU memory"],
    ready: ["INFO", dep.path === "warm" ? "Reusing warm endpoint, deployment ready" : "Model loaded, deployment ready"],
    failed: ["ERROR", errorOf(dep) ?? "Deployment failed"],
    deleted: ["INFO", "Deployment deleted"]
  }
  const [level, message] = messages[status] ?? ["INFO", status]
  dep.logs.push({ at, level, message })
}

export class FakeDeployments {
  readonly deployments = new Map<string, Deployment>()
  private readonly inference: FakeInferenceJobs

  constructor(private readonly core: FakeCore) {
    this.inference = new FakeInferenceJobs(core, this.deployments)
    core.onSettle((now) => this.settle(now))
  }

  reset(): void {
    this.deployments.clear()
    this.inference.reset()
  }

  /** Moves every deployment and inference job to its state at `now`. */
  settle(now: number): void {
    for (const dep of this.deployments.values()) {
      while (dep.schedule.length > 0 && dep.schedule[0]!.at <= now) {
        const next = dep.schedule.shift()!
        transition(dep, next.status, next.at)
        if (next.status === "ready") this.notifyReady(dep)
      }
    }
    this.inference.settle(now)
  }

  private view(dep: Deployment, now: number): Record<string, unknown> {
    const status = statusOf(dep)
    const ready = readyAt(dep)
    const t = this.core.timings
    const cold = ready !== null && dep.path === "cold"
    return {
      deployment_id: dep.id,
      status,
      hf_model_id: dep.hfModelId,
      task: dep.task,
      runpod_endpoint_id: endpointUrl(dep) ? dep.endpointId : null,
      endpoint_url: endpointUrl(dep),
      gpu_allocated: allocated(dep) ? dep.gpuAllocated : null,
      model_vram_gb: dep.vramGb,
      logs: logsOf(dep),
      error: status === "failed" ? errorOf(dep) : status === "ready" ? dep.webhookError : null,
      estimated_remaining_seconds: REMAINING[status] ?? 60,
      phase_durations: { total_elapsed_seconds: round(((ready ?? now) - dep.createdAt) / 1000, 3) },
      t_r2_sync_s: cold ? round(t.deployment.downloading_model / 1000, 3) : null,
      t_model_load_s: cold ? round(t.deployment.loading_model / 1000, 3) : null,
      loaded_from_cache: ready !== null ? dep.path === "warm" : null,
      created_at: isoDeploy(dep.createdAt),
      ready_at: ready !== null ? isoDeploy(ready) : null
    }
  }

  /** `deployment_ready` to the deployment's webhook URL (§3.13); a failed delivery sets `error`, `ready` stays. */
  private notifyReady(dep: Deployment): void {
    if (dep.webhookUrl === null) return
    const ready = readyAt(dep) ?? dep.createdAt
    const cold = dep.path === "cold"
    const t = this.core.timings.deployment
    const endpoint = runUrl(dep)
    this.core.webhooks.deliver(dep.webhookUrl, {
      event: "deployment_ready",
      deployment_id: dep.id,
      status: "ready",
      endpoint_url: endpoint,
      runpod_endpoint_id: dep.endpointId,
      model_id: dep.hfModelId,
      gpu_allocated: dep.gpuAllocated,
      created_at: isoDeploy(dep.createdAt),
      ready_at: isoDeploy(ready),
      duration_seconds: round((ready - dep.createdAt) / 1000, 3),
      t_r2_sync_s: cold ? round(t.downloading_model / 1000, 3) : null,
      t_model_load_s: cold ? round(t.loading_model / 1000, 3) : null,
      loaded_from_cache: !cold,
      usage_example: {
        method: "POST",
        url: endpoint,
        headers: { Authorization: "Bearer <YOUR_RUNPOD_API_KEY>" },
        body: {
          input: { prompt: "a photo of a cat", num_inference_steps: 4, guidance_scale: 0, width: 1024, height: 1024 }
        }
      }
    }, () => {
      dep.webhookError = "User webhook delivery failed after retries"
      dep.logs.push({ at: this.core.clock.now(), level: "WARNING", message: dep.webhookError })
    })
  }

  private find(ctx: RouteContext, owner: string): Deployment {
    return findDeployment(this.deployments, ctx.params.id!, owner)
  }

  routes(): ReadonlyArray<Route> {
    return [
      route("GET", "/deployments/gpus", (ctx) => {
        runpodOwner(ctx)
        return json(200, { gpus: GPUS })
      }),
      route("POST", "/deployments", (ctx) => this.create(ctx)),
      route("GET", "/deployments", (ctx) => this.list(ctx)),
      route("GET", "/deployments/:id", (ctx) => json(200, this.view(this.find(ctx, runpodOwner(ctx)), ctx.now))),
      route("DELETE", "/deployments/:id", (ctx) => {
        const dep = this.find(ctx, runpodOwner(ctx))
        if (statusOf(dep) !== "deleted") {
          dep.schedule = []
          transition(dep, "deleted", ctx.now)
        }
        return new Response(null, { status: 204 })
      }),
      route("GET", "/deployments/:id/cost", (ctx) => this.cost(ctx)),
      route("GET", "/deployments/:id/logs", (ctx) => {
        const dep = this.find(ctx, runpodOwner(ctx))
        return json(200, { deployment_id: dep.id, logs: logsOf(dep) })
      }),
      route("GET", "/deployments/:id/stream", (ctx) => this.statusStream(ctx), { stream: true }),
      route("GET", "/deployments/:id/logs/stream", (ctx) => this.logStream(ctx), { stream: true }),
      ...this.inference.routes()
    ]
  }

  private create(ctx: RouteContext): Response {
    const owner = runpodOwner(ctx)
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
      if (typeof v !== "string" || v.length > max) {
        return failValidation(field, `${field} must be a string of at most ${max} characters`)
      }
      return v
    }
    const gpuTier = optionalString("gpu_tier", 64)
    optionalString("region", 32)
    const provider = optionalString("provider", 32) ?? "runpod"
    if (provider !== "runpod" && provider !== "vast") {
      return failValidation("provider", "provider must be 'runpod' or 'vast'")
    }
    const webhook = optionalString("user_webhook_url", 2048)
    if (webhook !== null && !/^https?:\/\/[^\s]+$/.test(webhook)) {
      return failValidation("user_webhook_url", "user_webhook_url must be a valid URL")
    }

    const now = ctx.now
    const rng = this.core.rng
    const id = `dep_${new Date(now).getUTCFullYear()}_${rng.hex(8)}`
    const vramGb = 10 + (hash32(model) % 15)
    const warmFrom = provider === "runpod"
      ? [...this.deployments.values()].find((d) =>
        d.owner === owner && d.hfModelId === model && statusOf(d) === "ready"
      )
      : undefined
    const fails = this.core.fails({ kind: "deployment", model, prompt: model })
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
      gpuAllocated: warmFrom ? warmFrom.gpuAllocated : allocateGpu(gpuTier, vramGb),
      endpointId: warmFrom ? warmFrom.endpointId : `ep_${rng.hex(12)}`,
      history: [],
      logs: [],
      schedule: [],
      webhookError: null
    }
    this.deployments.set(id, dep)
    const timings = this.core.timings.deployment
    let total = 0
    if (warmFrom) {
      // like the Deploy API, the ready webhook fires before the 202 returns (sent, not awaited)
      transition(dep, "ready", now)
      this.notifyReady(dep)
    } else {
      transition(dep, "validating", now)
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
      // the ready webhook goes out when the fake's clock gets there, with or without a request
      const last = dep.schedule[dep.schedule.length - 1]
      if (webhook !== null && last?.status === "ready") {
        this.core.webhooks.at(last.at, () => this.core.settle(this.core.clock.now()))
      }
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
      endpoint_url: warmFrom ? runUrl(dep) : null,
      path: dep.path,
      created_at: isoDeploy(now)
    })
  }

  private list(ctx: RouteContext): Response {
    const owner = runpodOwner(ctx)
    const rawLimit = ctx.query.get("limit")
    const parsed = rawLimit === null ? 20 : Number(rawLimit)
    if (!Number.isInteger(parsed)) return failValidation("limit", "limit must be an integer")
    const limit = Math.min(100, Math.max(1, parsed))
    const filter = ctx.query.get("deployment_status")
    const items = [...this.deployments.values()]
      .filter((d) => d.owner === owner && (filter === null || statusOf(d) === filter))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map((d) => this.view(d, ctx.now))
    return json(200, { deployments: items, total: items.length, limit })
  }

  private cost(ctx: RouteContext): Response {
    const dep = this.find(ctx, runpodOwner(ctx))
    const status = statusOf(dep)
    const ready = readyAt(dep)
    const isAllocated = allocated(dep)
    const base = { deployment_id: dep.id, status, gpu_allocated: isAllocated ? dep.gpuAllocated : null }
    if (!isAllocated || ready === null) {
      return json(200, {
        ...base,
        hours_running: null,
        price_per_hour_usd: null,
        estimated_cost_usd: null,
        note: "GPU not yet allocated (deployment may be starting or failed)"
      })
    }
    // like the Deploy API: deleted and failed deployments count 0 hours
    const hours = status === "deleted" || status === "failed" ? 0 : round((ctx.now - ready) / 3_600_000, 4)
    const price = gpuPriceOf(dep.gpuAllocated)
    return json(200, {
      ...base,
      hours_running: hours,
      price_per_hour_usd: price,
      estimated_cost_usd: price === null ? null : round(hours * price, 6),
      note: price === null ? `GPU type '${dep.gpuAllocated}' not found in current pricing list` : null
    })
  }

  private statusStream(ctx: RouteContext): Response {
    const owner = runpodOwner(ctx)
    const id = ctx.params.id!
    const dep = this.deployments.get(id)
    if (!dep || dep.owner !== owner) {
      const notFound = sseEvent("error", { deployment_id: id, error: "not_found" })
      return sseResponse(ctx.sseDriver({ poll: () => ({ chunks: [notFound], done: true }) }))
    }
    let cursor = -1
    const event = (t: Transition) =>
      sseEvent("status", {
        deployment_id: dep.id,
        status: t.status,
        endpoint_url: t.status === "ready" || t.status === "loading_model" || t.status === "downloading_model"
          ? runUrl(dep)
          : null,
        error: t.status === "failed" ? errorOf(dep) : null,
        estimated_remaining_seconds: REMAINING[t.status] ?? 60,
        timestamp: isoDeploy(t.at)
      })
    const source: SseSource = {
      poll: (now) => {
        this.core.settle(now)
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
    const dep = this.find(ctx, runpodOwner(ctx))
    let cursor = 0
    const source: SseSource = {
      poll: (now) => {
        this.core.settle(now)
        const chunks: Array<string> = []
        while (cursor < dep.logs.length) {
          const l = dep.logs[cursor++]!
          const data = { deployment_id: dep.id, timestamp: l.at / 1000, level: l.level, message: l.message }
          chunks.push(sseEvent("log", data))
        }
        const status = statusOf(dep)
        const done = TERMINAL.has(status)
        if (done) chunks.push(sseEvent("done", { deployment_id: dep.id, status }))
        return { chunks, done }
      }
    }
    return sseResponse(ctx.sseDriver(source))
  }
}
