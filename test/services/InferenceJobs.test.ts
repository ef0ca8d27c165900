/**
 * `InferenceJobs` against the fake API on the TestClock (its time follows the transport's clock):
 * create, list, get, cancel, retry, poll, wait with its terminal statuses, the policy ranges,
 * remote cancel on interruption and deadline, and the default deadline.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as VisgateLayer from "../../src/layers/VisgateLayer.js"
import {
  JobFailedError,
  TimeoutError,
  ValidationError,
  VisgateError,
  WaitTimeoutError
} from "../../src/schemas/Errors.js"
import { Deployments } from "../../src/services/Deployments.js"
import { InferenceJobs } from "../../src/services/InferenceJobs.js"
import { FakeVisgate, layerHttpClient } from "../../src/testing/fake/index.js"
import { json, recordingHttp, servicesWith } from "../helpers/recordingHttp.js"

const PHASE = {
  validating: 100,
  selecting_gpu: 100,
  creating_endpoint: 100,
  downloading_model: 100,
  loading_model: 100
}

const setup = (timings: { readonly inferenceQueuedMs?: number; readonly inferenceRunningMs?: number } = {}) => {
  const fake = new FakeVisgate({
    timings: { deployment: PHASE, inferenceQueuedMs: 1_000, inferenceRunningMs: 3_000, ...timings }
  })
  const layer = VisgateLayer.layer({
    apiKey: "vg-test-key",
    runpodKey: "rpa_jobs",
    baseUrl: "http://fake.local/api/v1",
    maxRetries: 0
  }).pipe(Layer.provide(layerHttpClient(fake)), Layer.orDie)
  return { fake, layer }
}

/** A ready deployment's id. */
const readyDeployment = Effect.gen(function*() {
  const deployments = yield* Deployments
  const created = yield* deployments.create({ hfModelId: "stabilityai/sdxl-turbo" })
  yield* TestClock.adjust("1 second")
  expect((yield* deployments.get(created.deploymentId)).status).toBe("ready")
  return created.deploymentId
})

const jobRequests = (fake: FakeVisgate, suffix = "") =>
  fake.requests.filter((r) => r.path.includes("/inference/jobs") && r.path.endsWith(suffix))

describe("InferenceJobs against the fake API", () => {
  it.effect("create, poll and wait: queued, running, completed; list and get", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const job = yield* jobs.create({
        deploymentId,
        input: { prompt: "a cat" },
        task: "text2img",
        webhookUrl: "https://hooks.example.com/visgate",
        policy: { executionTimeoutMs: 60_000, ttlMs: 30_000, lowPriority: true }
      })
      expect(job).toMatchObject({ deploymentId, status: "queued", providerStatus: "IN_QUEUE" })
      expect(jobRequests(fake)[0]!.body).toEqual({
        deployment_id: deploymentId,
        input: { prompt: "a cat" },
        task: "text2img",
        user_webhook_url: "https://hooks.example.com/visgate",
        policy: { execution_timeout_ms: 60_000, ttl_ms: 30_000, low_priority: true }
      })
      const fiber = yield* Effect.fork(Stream.runCollect(jobs.poll(job.jobId)))
      yield* TestClock.adjust("1 minute")
      const statuses = Array.from(yield* Fiber.join(fiber), (p) => p.status)
      expect(statuses).toEqual(["queued", "running", "completed"])
      const done = yield* jobs.wait(job.jobId)
      expect(done.status).toBe("completed")
      expect(done.artifact?.contentType).toBe("image/png")
      expect((yield* jobs.get(job.jobId)).jobId).toBe(job.jobId)
      const listed = yield* jobs.list({ deploymentId, limit: 5 })
      expect(listed.jobs.map((j) => j.jobId)).toEqual([job.jobId])
      expect(jobRequests(fake).at(-1)!.query).toMatchObject({ deployment_id: deploymentId, limit: "5" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("policy, input and ids are checked before any request, naming the field", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const field = (effect: Effect.Effect<unknown, unknown>) =>
        Effect.map(Effect.flip(effect), (e) => {
          expect(e).toBeInstanceOf(ValidationError)
          return (e as ValidationError).field
        })
      const base = { deploymentId: "dep_1", input: { prompt: "x" } }
      expect(yield* field(jobs.create({ ...base, policy: { executionTimeoutMs: 4_999 } }))).toBe(
        "policy.executionTimeoutMs"
      )
      expect(yield* field(jobs.create({ ...base, policy: { executionTimeoutMs: 604_800_001 } }))).toBe(
        "policy.executionTimeoutMs"
      )
      expect(yield* field(jobs.create({ ...base, policy: { executionTimeoutMs: 6_000.5 } }))).toBe(
        "policy.executionTimeoutMs"
      )
      expect(yield* field(jobs.create({ ...base, policy: { ttlMs: 9_999 } }))).toBe("policy.ttlMs")
      expect(yield* field(jobs.create({ ...base, policy: { lowPriority: "yes" as unknown as boolean } }))).toBe(
        "policy.lowPriority"
      )
      expect(yield* field(jobs.create({ ...base, deploymentId: " " }))).toBe("deploymentId")
      expect(yield* field(jobs.create({ ...base, input: [] as unknown as Record<string, unknown> }))).toBe("input")
      expect(yield* field(jobs.create({ ...base, webhookUrl: "ftp://x" }))).toBe("webhookUrl")
      expect(yield* field(jobs.get(""))).toBe("jobId")
      expect(yield* field(jobs.cancel(""))).toBe("jobId")
      expect(yield* field(jobs.list({ limit: 0 }))).toBe("limit")
      expect(yield* field(jobs.createAndWait({ ...base, sendDeadline: true, timeout: Duration.infinity }))).toBe(
        "timeout"
      )
      // the bounds themselves are accepted (the fake then answers 404 for the unknown deployment)
      const edge = yield* Effect.flip(
        jobs.create({ ...base, policy: { executionTimeoutMs: 5_000, ttlMs: 604_800_000 } })
      )
      expect(edge).toMatchObject({ errorCode: "DEPLOYMENT_NOT_FOUND" })
      expect(jobRequests(fake)).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("failed, expired and cancelled jobs fail wait with JobFailedError; retry resubmits", () => {
    const { fake, layer } = setup({ inferenceQueuedMs: 20_000, inferenceRunningMs: 60_000 })
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const failing = yield* jobs.create({ deploymentId, input: { prompt: "please fail" } })
      const expiring = yield* jobs.create({ deploymentId, input: { prompt: "x" }, policy: { ttlMs: 10_000 } })
      const slow = yield* jobs.create({ deploymentId, input: { prompt: "y" }, policy: { executionTimeoutMs: 5_000 } })
      const fine = yield* jobs.create({ deploymentId, input: { prompt: "z" } })
      const waits = yield* Effect.fork(
        Effect.all([failing, expiring, slow].map((j) => Effect.flip(jobs.wait(j.jobId))), { concurrency: "unbounded" })
      )
      const cancelled = yield* Effect.fork(Effect.flip(jobs.wait(fine.jobId)))
      yield* TestClock.adjust("5 seconds")
      expect((yield* jobs.cancel(fine.jobId)).status).toBe("cancelled")
      yield* TestClock.adjust("5 minutes")
      const [failed, expired, timedOut] = yield* Fiber.join(waits)
      expect(failed).toBeInstanceOf(JobFailedError)
      expect(failed).toBeInstanceOf(VisgateError)
      expect(failed).toMatchObject({ status: "failed", errorCode: "JOB_FAILED", jobId: failing.jobId })
      expect((failed as JobFailedError).error).toMatchObject({ error: "Worker failed: injected failure" })
      expect(failed.message).toBe(`Inference job ${failing.jobId} failed: Worker failed: injected failure`)
      expect(expired).toMatchObject({ status: "expired", errorCode: "JOB_EXPIRED", jobId: expiring.jobId })
      expect(timedOut).toMatchObject({ status: "failed", jobId: slow.jobId })
      expect((yield* jobs.get(slow.jobId)).providerStatus).toBe("TIMED_OUT")
      expect(yield* Fiber.join(cancelled)).toMatchObject({ status: "cancelled", errorCode: "JOB_CANCELLED" })
      // retry: the cancelled job is resubmitted and then completes
      const again = yield* jobs.retry(fine.jobId)
      expect(again.status).toBe("queued")
      const done = yield* Effect.fork(jobs.wait(fine.jobId))
      yield* TestClock.adjust("5 minutes")
      expect((yield* Fiber.join(done)).status).toBe("completed")
      expect(jobRequests(fake, "/retry")).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("cancelOnAbort: interrupting wait cancels the job on the server once; without it, nothing is sent", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const plain = yield* jobs.create({ deploymentId, input: { prompt: "a" } })
      const f1 = yield* Effect.fork(jobs.wait(plain.jobId))
      yield* TestClock.adjust("100 millis")
      yield* Fiber.interrupt(f1)
      expect(jobRequests(fake, "/cancel")).toHaveLength(0)

      const job = yield* jobs.create({ deploymentId, input: { prompt: "b" } })
      const f2 = yield* Effect.fork(jobs.wait(job.jobId, { cancelOnAbort: true }))
      yield* TestClock.adjust("1500 millis")
      const exit = yield* Fiber.interrupt(f2)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(Cause.isInterruptedOnly((exit as Exit.Failure<unknown, unknown>).cause)).toBe(true)
      expect(jobRequests(fake, "/cancel").map((r) => r.path)).toEqual([
        expect.stringContaining(`/inference/jobs/${job.jobId}/cancel`)
      ])
      expect((yield* jobs.get(job.jobId)).status).toBe("cancelled")
      expect((yield* jobs.get(plain.jobId)).status).toBe("running")
    }).pipe(Effect.provide(layer))
  })

  it.effect("cancelOnAbort: past the deadline the job is cancelled, then WaitTimeoutError", () => {
    const { fake, layer } = setup({ inferenceQueuedMs: 20_000 })
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const job = yield* jobs.create({ deploymentId, input: { prompt: "a" } })
      const fiber = yield* Effect.fork(
        Effect.flip(jobs.wait(job.jobId, { timeout: "10 seconds", cancelOnAbort: true }))
      )
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect(error).toMatchObject({ target: "job", id: job.jobId, timeoutMs: 10_000, lastStatus: "queued" })
      expect((error as Error).cause).toBeUndefined()
      expect(jobRequests(fake, "/cancel")).toHaveLength(1)
      expect((yield* jobs.get(job.jobId)).status).toBe("cancelled")
    }).pipe(Effect.provide(layer))
  })

  it.effect("createAndWait with sendDeadline sends the deadline as policy.executionTimeoutMs", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const fiber = yield* Effect.fork(
        jobs.createAndWait({ deploymentId, input: { prompt: "a" }, timeout: "2 minutes", sendDeadline: true })
      )
      yield* TestClock.adjust("1 minute")
      expect((yield* Fiber.join(fiber)).status).toBe("completed")
      expect(jobRequests(fake)[0]!.body).toMatchObject({ policy: { execution_timeout_ms: 120_000 } })
      const defaulted = yield* Effect.fork(
        jobs.createAndWait({ deploymentId, input: { prompt: "b" }, sendDeadline: true })
      )
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(defaulted)
      expect(jobRequests(fake).filter((r) => r.method === "POST")[1]!.body).toMatchObject({
        policy: { execution_timeout_ms: 600_000 }
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("create sends one Idempotency-Key per Effect value, the same when the effect is re-run", () => {
    const { fake, layer } = setup()
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const deploymentId = yield* readyDeployment
      const create = jobs.create({ deploymentId, input: { prompt: "a" } })
      yield* Effect.repeat(create, Schedule.recurs(1))
      yield* jobs.create({ deploymentId, input: { prompt: "a" } })
      const keys = jobRequests(fake).map((r) => r.headers["idempotency-key"])
      expect(keys).toHaveLength(3)
      expect(keys[0]).toBeTypeOf("string")
      expect(keys[1]).toBe(keys[0])
      expect(keys[2]).not.toBe(keys[0])
    }).pipe(Effect.provide(layer))
  })
})

/** A job that stays `running`, except that its cancel answers as `cancel` says. */
const stuck = (cancel: "ok" | "500" | "hang") =>
  recordingHttp((request) => {
    if (request.url.endsWith("/cancel")) {
      if (cancel === "500") return json({ error: "RUNPOD_API_ERROR", message: "upstream down" }, 500)
      if (cancel === "hang") return Effect.never
      return json({ job_id: "job_1", status: "cancelled" })
    }
    return json({ job_id: "job_1", status: "running" })
  })

describe("InferenceJobs.wait deadlines and cancel failures (mock HTTP, TestClock)", () => {
  it.effect("the default deadline is 10 minutes", () => {
    const http = stuck("ok")
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const fiber = yield* Effect.fork(Effect.flip(jobs.wait("job_1", { schedule: Schedule.spaced("1 minute") })))
      yield* TestClock.adjust("599 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect(error).toMatchObject({ timeoutMs: 600_000, lastStatus: "running" })
    }).pipe(Effect.provide(servicesWith(http)))
  })

  it.effect("Duration.infinity waits without a deadline", () => {
    const http = stuck("ok")
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const fiber = yield* Effect.fork(
        jobs.wait("job_1", { timeout: Duration.infinity, schedule: Schedule.spaced("5 minutes") })
      )
      yield* TestClock.adjust("3 hours")
      expect(fiber.unsafePoll()).toBeNull()
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(servicesWith(http)))
  })

  it.effect("a failed cancel is the WaitTimeoutError's cause, and a defect beside the interruption", () => {
    const http = stuck("500")
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const timedOut = yield* Effect.fork(Effect.flip(jobs.wait("job_1", { timeout: "1 minute", cancelOnAbort: true })))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(timedOut)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect((error as Error).cause).toBeInstanceOf(VisgateError)
      expect((error as Error).cause).toMatchObject({ errorCode: "RUNPOD_API_ERROR", statusCode: 500 })

      const interrupted = yield* Effect.fork(jobs.wait("job_1", { cancelOnAbort: true }))
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.interrupt(interrupted)
      expect(Exit.isFailure(exit)).toBe(true)
      const cause = (exit as Exit.Failure<unknown, unknown>).cause
      expect(Cause.isInterrupted(cause)).toBe(true)
      expect(Cause.squash(cause)).toMatchObject({ errorCode: "RUNPOD_API_ERROR" })
      expect(http.calls.filter((c) => c.path.endsWith("/cancel"))).toHaveLength(2)
    }).pipe(Effect.provide(servicesWith(http, { maxRetries: 0 })))
  })

  it.effect("a cancel that hangs is bounded by cancelTimeout (TimeoutError as the cause)", () => {
    const http = stuck("hang")
    return Effect.gen(function*() {
      const jobs = yield* InferenceJobs
      const fiber = yield* Effect.fork(
        Effect.flip(jobs.wait("job_1", { timeout: "1 minute", cancelOnAbort: true, cancelTimeout: "3 seconds" }))
      )
      yield* TestClock.adjust("1 minute")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("3 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect((error as Error).cause).toBeInstanceOf(TimeoutError)
      expect(http.calls.filter((c) => c.path.endsWith("/cancel"))).toHaveLength(1)

      // interrupted: the finalizer's cancel is bounded too
      const interrupted = yield* Effect.fork(jobs.wait("job_1", { cancelOnAbort: true, cancelTimeout: "3 seconds" }))
      yield* TestClock.adjust("1 second")
      const interrupting = yield* Effect.fork(Fiber.interrupt(interrupted))
      yield* TestClock.adjust("3 seconds")
      const exit = yield* Fiber.join(interrupting)
      expect(Cause.isInterrupted((exit as Exit.Failure<unknown, unknown>).cause)).toBe(true)
      expect(Cause.squash((exit as Exit.Failure<unknown, unknown>).cause)).toBeInstanceOf(TimeoutError)
    }).pipe(Effect.provide(servicesWith(http, { maxRetries: 0 })))
  })
})
