/**
 * `InferenceJobs`: inference jobs on a ready deployment (Deploy API `/v1/inference/jobs`, reference
 * §3.11; statuses §5.3), under the deployments base URL with the RunPod key. Start a job, list,
 * get, cancel or retry it, poll it as a `Stream`, or wait for its outcome, optionally cancelling it
 * on the server when the wait is interrupted or passes its deadline.
 *
 * ```ts
 * const jobs = yield* InferenceJobs
 * const job = yield* jobs.create({ deploymentId, input: { prompt: "a cat" }, policy: { ttlMs: 60_000 } })
 * const done = yield* jobs.wait(job.jobId, { timeout: "5 minutes", cancelOnAbort: true })
 * ```
 *
 * `Deployments.run(id, input)` (the product README's name) posts the same `{input}` to the
 * inferred gateway route `/deployments/{id}/run` and returns the same `InferenceJob` record; this
 * service uses the evidenced Deploy API routes and adds `task`, `webhookUrl`, `policy` and the job's
 * whole life cycle.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { badInt, bodyEncoder, invalid, omitNullish, pathId } from "../internal/body.js"
import { poll, waitDeadline, waitTerminal } from "../internal/poll.js"
import { unwrap } from "../internal/stream.js"
import { timeoutFail } from "../internal/timeout.js"
import {
  JobFailedError,
  TimeoutError,
  type ValidationError,
  type VisgateApiError,
  type WaitTimeoutError
} from "../schemas/Errors.js"
import {
  CreateJobBody,
  type InferenceJob,
  InferenceJobFromWire,
  InferenceJobList,
  isTerminalJobStatus,
  JOB_PATHS,
  JOB_POLICY_LIMITS
} from "../schemas/InferenceJobs.js"
import type { PollOptions, Progress } from "../schemas/Polling.js"
import type { DeploymentTask } from "./Deployments.js"
import { type Decoder, makeIdempotencyKey, type RequestSpec, VisgateClient } from "./VisgateClient.js"

/** One update while polling an inference job. */
export type JobProgress = Progress<InferenceJob>

/** The job's `policy` (ranges checked before any request). */
export interface JobPolicy {
  /** Server-side execution limit, ms: an integer in 5000..604800000. */
  readonly executionTimeoutMs?: number | null | undefined
  /** How long the job may wait in the queue, ms: an integer in 10000..604800000. */
  readonly ttlMs?: number | null | undefined
  /** Run at low priority (server default false). */
  readonly lowPriority?: boolean | null | undefined
}

/** Options of `create`; `null` means unset. */
export interface CreateJobOptions {
  /** The ready deployment to run on. */
  readonly deploymentId: string
  /** Passed to the worker, e.g. `{ prompt: "a cat" }` (`*_url` inputs are staged by the server). */
  readonly input: Readonly<Record<string, unknown>>
  /** Task (default: the deployment's); aliases like `text2img` are accepted by the server. */
  readonly task?: DeploymentTask | null | undefined
  /** Called when the job finishes (wire `user_webhook_url`); an http(s) URL. */
  readonly webhookUrl?: string | null | undefined
  readonly policy?: JobPolicy | null | undefined
  /** Your own Idempotency-Key; otherwise one is made with the call (the same on every retry of it). */
  readonly idempotencyKey?: string | null | undefined
}

/** Options of `list`. */
export interface ListJobsOptions {
  /** Only this deployment's jobs. */
  readonly deploymentId?: string | null | undefined
  /** At most this many (server default 20). */
  readonly limit?: number | null | undefined
}

/** Options of `wait` (Effect). */
export interface JobWaitOptions extends PollOptions {
  /** Called with every update (each status change by default), before `wait` returns. */
  readonly onStatus?: ((progress: JobProgress) => Effect.Effect<void>) | undefined
  /**
   * When the wait is interrupted (a Promise `signal` aborted) or passes its deadline, send
   * `POST /inference/jobs/{id}/cancel` once, then fail as before (interruption; `WaitTimeoutError`).
   * A failed cancel is reported, never instead of the interruption or timeout: as a defect beside
   * the interruption (Promise: the `AbortError`'s `cause`), as the `WaitTimeoutError`'s `cause`.
   */
  readonly cancelOnAbort?: boolean | undefined
  /** Bound on the cancel request, retries included (default 10 seconds). */
  readonly cancelTimeout?: Duration.DurationInput | undefined
}

/** Options of `createAndWait`: `create`'s and `wait`'s. */
export interface CreateAndWaitOptions extends CreateJobOptions, JobWaitOptions {
  /**
   * Also send the wait's deadline (`timeout`, default 10 minutes) to the server as
   * `policy.executionTimeoutMs` (it must then be within 5 s..7 days).
   */
  readonly sendDeadline?: boolean | undefined
}

/** The `InferenceJobs` service. */
export interface Service {
  /** `POST /inference/jobs` (202): starts a job; the result has `jobId` and `status` (`queued`). */
  readonly create: (options: CreateJobOptions) => Effect.Effect<InferenceJob, VisgateApiError>
  /** `GET /inference/jobs`: your jobs, optionally of one deployment. */
  readonly list: (options?: ListJobsOptions) => Effect.Effect<InferenceJobList, VisgateApiError>
  /** `GET /inference/jobs/{id}`: the job, refreshed from the provider unless terminal. */
  readonly get: (jobId: string) => Effect.Effect<InferenceJob, VisgateApiError>
  /** `POST /inference/jobs/{id}/cancel`: the job after cancelling. */
  readonly cancel: (jobId: string) => Effect.Effect<InferenceJob, VisgateApiError>
  /** `POST /inference/jobs/{id}/retry`: the job after resubmitting. */
  readonly retry: (jobId: string) => Effect.Effect<InferenceJob, VisgateApiError>
  /**
   * Polls `GET /inference/jobs/{id}` (the shared poll combinator: default schedule, rules as
   * `Requests.poll`): each status change, ending after `completed`, `failed`, `cancelled` or
   * `expired` (elements, not errors). Past `timeout`, `WaitTimeoutError`.
   */
  readonly poll: (
    jobId: string,
    options?: PollOptions
  ) => Stream.Stream<JobProgress, VisgateApiError | WaitTimeoutError>
  /**
   * Waits for the terminal status: `completed` returns the job; `failed`, `cancelled` and
   * `expired` fail with `JobFailedError`; past `timeout` (default 10 minutes; `Duration.infinity`
   * for none) `WaitTimeoutError`. See `cancelOnAbort`.
   */
  readonly wait: (
    jobId: string,
    options?: JobWaitOptions
  ) => Effect.Effect<InferenceJob, VisgateApiError | WaitTimeoutError | JobFailedError>
  /** `create` then `wait` (with `sendDeadline`, the deadline goes to the server too). */
  readonly createAndWait: (
    options: CreateAndWaitOptions
  ) => Effect.Effect<InferenceJob, VisgateApiError | WaitTimeoutError | JobFailedError>
}

/** Tag of the `InferenceJobs` service. */
export class InferenceJobs extends Context.Tag("@visgate_ai/client/InferenceJobs")<InferenceJobs, Service>() {}

const decodeJob = Schema.decodeUnknown(InferenceJobFromWire)
const decodeList = Schema.decodeUnknown(InferenceJobList)

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const encodeCreate = bodyEncoder(CreateJobBody, "jobs.create options")

/** The wire body of `POST /inference/jobs`, or a `ValidationError` naming the first invalid field. */
const createBody = (options: CreateJobOptions): Effect.Effect<unknown, ValidationError> =>
  isPlainObject(options)
    ? encodeCreate(omitNullish({
      ...options,
      idempotencyKey: undefined,
      input: options.input ?? {},
      policy: isPlainObject(options.policy) ? omitNullish(options.policy) : options.policy
    }))
    : invalid("options", "jobs.create needs an options object with deploymentId and input")

/** A terminal job: `completed` as is, anything else as `JobFailedError`. */
const outcome = (job: InferenceJob): Effect.Effect<InferenceJob, JobFailedError> => {
  if (job.status === "completed") return Effect.succeed(job)
  const e = job.error as { readonly error?: unknown; readonly message?: unknown } | string | null | undefined
  const reason = typeof e === "string"
    ? e
    : typeof e?.error === "string"
    ? e.error
    : typeof e?.message === "string"
    ? e.message
    : undefined
  return Effect.fail(
    new JobFailedError({
      message: `Inference job ${job.jobId} ${job.status}${reason !== undefined ? `: ${reason}` : ""}`,
      errorCode: `JOB_${job.status.toUpperCase()}`,
      jobId: job.jobId,
      status: job.status,
      ...(job.error !== undefined ? { error: job.error } : {})
    })
  )
}

/** `error` with `cause` set (the schema errors take no `cause` of their own). */
const withCause = <E extends Error>(error: E, cause: unknown): E => {
  Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true })
  return error
}

const DEFAULT_CANCEL_TIMEOUT = Duration.seconds(10)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const request = <A>(spec: Omit<RequestSpec, "base">, decoder: Decoder<A>) =>
    client.request({ ...spec, base: "deployments" }, decoder)
  const onJob = <A>(jobId: string, f: (id: string) => Effect.Effect<A, VisgateApiError>) =>
    Effect.flatMap(pathId("jobId", jobId), f)

  const create: Service["create"] = (options) => {
    // Made with the Effect value: re-running it (Effect.retry, a Schedule) sends the same key.
    const key = typeof options?.idempotencyKey === "string" && options.idempotencyKey !== ""
      ? options.idempotencyKey
      : makeIdempotencyKey()
    return Effect.flatMap(
      createBody(options),
      (body) => request({ method: "POST", path: JOB_PATHS.collection, body, idempotencyKey: key }, decodeJob)
    )
  }

  const get = (id: string): Effect.Effect<InferenceJob, VisgateApiError> =>
    request({ method: "GET", path: JOB_PATHS.one(id) }, decodeJob)

  const cancelNow = (id: string, timeoutMs?: number): Effect.Effect<InferenceJob, VisgateApiError> =>
    request({ method: "POST", path: JOB_PATHS.cancel(id), timeoutMs }, decodeJob)

  const pollJob = (
    jobId: string,
    options: PollOptions = {}
  ): Stream.Stream<JobProgress, VisgateApiError | WaitTimeoutError> =>
    unwrap(Effect.map(pathId("jobId", jobId), (id) =>
      poll({
        target: "job",
        id,
        fetch: Effect.map(get(id), (value) => ({ value })),
        status: (job) => job.status,
        isTerminal: isTerminalJobStatus,
        estimate: () => undefined
      }, options)))

  const wait: Service["wait"] = (jobId, options = {}) =>
    Effect.flatMap(pathId("jobId", jobId), (id) => {
      const updates = pollJob(id, { ...options, timeout: waitDeadline(options.timeout, "job") })
      const waited = waitTerminal(updates, options.onStatus, outcome)
      if (options.cancelOnAbort !== true) return waited
      const ms = Duration.toMillis(Duration.decode(options.cancelTimeout ?? DEFAULT_CANCEL_TIMEOUT))
      let sent = false
      // The one remote cancel: sent at most once, bounded by `cancelTimeout`, its outcome as an Exit.
      const cancelOnce = Effect.suspend((): Effect.Effect<Exit.Exit<unknown, VisgateApiError>> => {
        if (sent) return Effect.succeed(Exit.void)
        sent = true
        // Interruptible inside: the bound applies even where it runs uninterruptibly (a finalizer).
        return Effect.exit(timeoutFail(Effect.interruptible(cancelNow(id, ms)), ms, () =>
          new TimeoutError({
            message: `Cancelling inference job ${id} took longer than ${ms} ms`,
            errorCode: "TIMEOUT_ERROR",
            attempts: 1
          })))
      })
      return waited.pipe(
        Effect.onInterrupt(() =>
          Effect.flatMap(
            cancelOnce,
            (exit) => (Exit.isFailure(exit) ? Effect.die(Cause.squash(exit.cause)) : Effect.void)
          )
        ),
        Effect.catchTag("WaitTimeoutError", (timedOut) =>
          Effect.flatMap(
            Effect.uninterruptible(cancelOnce),
            (exit) => Effect.fail(Exit.isFailure(exit) ? withCause(timedOut, Cause.squash(exit.cause)) : timedOut)
          ))
      )
    })

  const createAndWait: Service["createAndWait"] = (options) => {
    if (options?.sendDeadline !== true) return Effect.flatMap(create(options), (job) => wait(job.jobId, options))
    const deadline = Duration.decode(waitDeadline(options.timeout, "job"))
    const ms = Math.ceil(Duration.toMillis(deadline))
    const { max, min } = JOB_POLICY_LIMITS.executionTimeoutMs
    if (!Duration.isFinite(deadline) || ms < min || ms > max) {
      return invalid("timeout", `sendDeadline needs a timeout from ${min} to ${max} ms, got ${String(ms)}`)
    }
    if (options.policy?.executionTimeoutMs != null) {
      return invalid("sendDeadline", "pass either policy.executionTimeoutMs or sendDeadline, not both")
    }
    const withDeadline = { ...options, policy: { ...options.policy, executionTimeoutMs: ms } }
    return Effect.flatMap(create(withDeadline), (job) => wait(job.jobId, options))
  }

  return {
    create,
    list: (options = {}) => {
      const bad = badInt("limit", options.limit, 1)
      if (bad !== undefined) return bad
      if (
        options.deploymentId != null && (typeof options.deploymentId !== "string" || options.deploymentId.trim() === "")
      ) {
        return invalid("deploymentId", "deploymentId must be a non-empty string")
      }
      return request({
        method: "GET",
        path: JOB_PATHS.collection,
        query: { deployment_id: options.deploymentId?.trim(), limit: options.limit }
      }, decodeList)
    },
    get: (jobId) => onJob(jobId, get),
    cancel: (jobId) => onJob(jobId, (id) => cancelNow(id)),
    retry: (jobId) => onJob(jobId, (id) => request({ method: "POST", path: JOB_PATHS.retry(id) }, decodeJob)),
    poll: pollJob,
    wait,
    createAndWait
  }
})

/** The `InferenceJobs` layer. */
export const layer: Layer.Layer<InferenceJobs, never, VisgateClient> = Layer.effect(InferenceJobs, make)
