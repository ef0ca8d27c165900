/**
 * Async generation (`Prefer: respond-async`): jobs accepted with 202, moved through `pending`
 * and `processing` by the clock, billed when they complete, and `GET /requests/{id}`.
 *
 * @internal
 */
import { providerOfModel } from "../catalog.js"
import type { FakeCore } from "../core.js"
import { isoMain, json, notFound } from "../http.js"
import type { AsyncJob, OrgState } from "../orgs.js"
import { type Route, route, type RouteContext } from "../router.js"
import { failedRecord, modeOf } from "./pricing.js"

export class FakeRequests {
  constructor(private readonly core: FakeCore) {
    core.onSettle((now) => {
      for (const org of core.orgs.values()) {
        for (const job of org.jobs.values()) this.settleJob(org, job, now)
      }
    })
  }

  routes(): ReadonlyArray<Route> {
    return [route("GET", "/requests/:id", (rc) => this.status(rc))]
  }

  /** Accepts `rc` as an async job (202 with `Location`); `complete` builds its result when it completes. */
  accept(
    rc: RouteContext,
    endpoint: string,
    mediaType: "image" | "video",
    model: string,
    prompt: string,
    complete: AsyncJob["complete"]
  ): Response {
    const { rng, timings } = this.core
    const provider = providerOfModel(model)
    const id = rng.uuid()
    const job: AsyncJob = {
      id,
      endpoint,
      mediaType,
      model,
      provider,
      mode: modeOf(rc, provider),
      prompt,
      createdAt: rc.now,
      pendingMs: mediaType === "video" ? timings.videoPendingMs : timings.imagePendingMs,
      processingMs: mediaType === "video" ? timings.videoProcessingMs : timings.imageProcessingMs,
      fails: this.core.fails({ kind: mediaType, model, prompt }),
      complete,
      status: "pending",
      completedAt: null,
      outputUrl: null,
      errorMessage: null,
      result: null
    }
    rc.org!.jobs.set(id, job)
    // a zero-length job completes at once
    this.settleJob(rc.org!, job, rc.now)
    return json(202, {
      request_id: id,
      status: "pending",
      poll_interval_seconds: pollInterval(job),
      estimated_remaining_seconds: Math.ceil((job.pendingMs + job.processingMs) / 1000)
    }, { location: `${rc.prefix}/requests/${id}` })
  }

  private settleJob(org: OrgState, job: AsyncJob, now: number): void {
    if (job.status === "completed" || job.status === "failed") return
    const processingAt = job.createdAt + job.pendingMs
    const doneAt = processingAt + job.processingMs
    if (now >= doneAt) {
      job.completedAt = doneAt
      if (job.fails) {
        job.status = "failed"
        job.errorMessage = `Provider ${job.provider} failed to generate: injected failure for prompt "${
          job.prompt.slice(0, 60)
        }"`
        org.usage.push(failedRecord(this.core.rng, { ...job, requestId: job.id }, doneAt))
      } else {
        const done = job.complete(doneAt)
        job.status = "completed"
        job.outputUrl = done.outputUrl
        job.result = done.result
        org.usage.push(done.record)
      }
    } else if (now >= processingAt) {
      job.status = "processing"
    }
  }

  private status(rc: RouteContext): Response {
    const id = rc.params.id!
    const job = rc.org!.jobs.get(id)
    if (!job) return notFound("REQUEST_NOT_FOUND", `Request not found: ${id}`, { request_id: id })
    const remaining = job.status === "completed" || job.status === "failed"
      ? 0
      : Math.max(0, Math.ceil((job.createdAt + job.pendingMs + job.processingMs - rc.now) / 1000))
    return json(200, {
      request_id: job.id,
      status: job.status,
      media_type: job.mediaType,
      provider: job.provider,
      model: job.model,
      output_url: job.outputUrl,
      error_message: job.errorMessage,
      created_at: isoMain(job.createdAt),
      completed_at: job.completedAt === null ? null : isoMain(job.completedAt),
      poll_interval_seconds: pollInterval(job),
      estimated_remaining_seconds: remaining,
      ...(job.result ? { result: job.result } : {})
    })
  }
}

const pollInterval = (job: AsyncJob): number =>
  Math.max(1, Math.min(5, Math.round((job.pendingMs + job.processingMs) / 1000 / 5)))
