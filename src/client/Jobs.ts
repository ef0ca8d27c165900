/**
 * `client.jobs`: inference jobs on ready deployments (RunPod BYOK; set `runpodKey`), and waiting on
 * them with an optional remote cancel.
 *
 * @since 0.1.0
 */
import type { InferenceJob, InferenceJobList } from "../schemas/InferenceJobs.js"
import {
  type CreateAndWaitOptions,
  type CreateJobOptions,
  InferenceJobs,
  type JobProgress,
  layer,
  type ListJobsOptions
} from "../services/InferenceJobs.js"
import {
  type RequestOptions,
  type WaitOptions,
  type WatchOptions,
  withoutSignal,
  withoutWaitOptions
} from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** Options of `jobs.wait` (Promise). */
export interface JobWaitOptions extends WaitOptions<JobProgress> {
  /**
   * On abort, or past `timeout`, send `POST /inference/jobs/{id}/cancel` once (bounded by
   * `cancelTimeoutMs`), then reject with `AbortError` / `WaitTimeoutError`; a failed cancel is
   * that error's `cause`.
   */
  readonly cancelOnAbort?: boolean | undefined
  /** Bound on the cancel request in ms, retries included (default 10000). */
  readonly cancelTimeoutMs?: number | undefined
}

/** Options of `jobs.createAndWait` (Promise). */
export interface JobCreateAndWaitOptions extends CreateJobOptions, JobWaitOptions {
  /** Also send the deadline (`timeout`, default 10 minutes) as `policy.executionTimeoutMs`. */
  readonly sendDeadline?: boolean | undefined
}

/** `client.jobs`. */
export interface JobsResource {
  /** `POST /inference/jobs`: starts a job on a ready deployment (`policy` ranges checked first). */
  create(options: CreateJobOptions & RequestOptions): Promise<InferenceJob>
  /** `GET /inference/jobs`: your jobs (`deploymentId`, `limit` filters). */
  list(options?: ListJobsOptions & RequestOptions): Promise<InferenceJobList>
  /** `GET /inference/jobs/{id}`. */
  get(jobId: string, options?: RequestOptions): Promise<InferenceJob>
  /** `POST /inference/jobs/{id}/cancel`. */
  cancel(jobId: string, options?: RequestOptions): Promise<InferenceJob>
  /** `POST /inference/jobs/{id}/retry`. */
  retry(jobId: string, options?: RequestOptions): Promise<InferenceJob>
  /**
   * Polls until `completed` (resolved); `failed`, `cancelled`, `expired` reject with
   * `JobFailedError`; past `timeout` (default 10 minutes, `Infinity` for none) `WaitTimeoutError`;
   * aborting `signal` rejects with `AbortError`. `cancelOnAbort` cancels the job on the server first.
   */
  wait(jobId: string, options?: JobWaitOptions): Promise<InferenceJob>
  /** Each status change as an async iterable, ending after the terminal one (yielded, not thrown). */
  watch(jobId: string, options?: WatchOptions): AsyncIterable<JobProgress>
  /** `create`, then `wait` on the new job (`sendDeadline` sends the deadline to the server too). */
  createAndWait(options: JobCreateAndWaitOptions): Promise<InferenceJob>
}

/** The Effect options of `cancelTimeoutMs`. */
const cancelOptions = (options: JobWaitOptions | undefined) => {
  const rest = withoutWaitOptions(options)
  if (rest === undefined) return {}
  const { cancelTimeoutMs, ...others } = rest
  return cancelTimeoutMs === undefined ? others : { ...others, cancelTimeout: cancelTimeoutMs }
}

/** The Promise resource over the `InferenceJobs` service. */
export const makeJobs = ({ call, wait, watch }: ClientRuntime<InferenceJobs>): JobsResource => ({
  create: (options) => call(InferenceJobs, (s) => s.create(withoutSignal(options) as CreateJobOptions), options),
  list: (options) => call(InferenceJobs, (s) => s.list(withoutSignal(options)), options),
  get: (id, options) => call(InferenceJobs, (s) => s.get(id), options),
  cancel: (id, options) => call(InferenceJobs, (s) => s.cancel(id), options),
  retry: (id, options) => call(InferenceJobs, (s) => s.retry(id), options),
  wait: (id, options) => wait(InferenceJobs, options, (s, o) => s.wait(id, { ...cancelOptions(options), ...o })),
  watch: (id, options) => watch(InferenceJobs, options, (s, o) => s.poll(id, o)),
  createAndWait: (options) =>
    wait(InferenceJobs, options, (s, o) => s.createAndWait({ ...cancelOptions(options), ...o } as CreateAndWaitOptions))
})

/** `makeJobs` on the client's runtime with its services added (on first use, `client/lazy.ts`). */
export const loadJobs = async (runtime: ClientRuntime): Promise<JobsResource> => makeJobs(await runtime.provide(layer))
