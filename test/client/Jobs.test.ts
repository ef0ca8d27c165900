/**
 * `client.jobs` (Promise) against the fake API over its `fetch`: the job life cycle, and
 * `wait`'s remote cancel on abort and on the deadline (real time, short timings and schedules).
 */
import { describe, expect, it } from "vitest"
import { AbortError, Client, JobFailedError, ValidationError, VisgateError, WaitTimeoutError } from "../../src/index.js"
import { FakeVisgate } from "../../src/testing/fake/index.js"

const fast = { initialMs: 5, factor: 1, maxMs: 5 }
const PHASE = { validating: 1, selecting_gpu: 1, creating_endpoint: 1, downloading_model: 1, loading_model: 1 }

const setup = async (
  timings: { readonly inferenceQueuedMs: number; readonly inferenceRunningMs: number },
  wrap: (f: typeof fetch) => typeof fetch = (f) => f
) => {
  const fake = new FakeVisgate({ timings: { deployment: PHASE, ...timings } })
  const client = new Client({
    apiKey: "vg-test-key",
    runpodKey: "rpa_promise",
    baseUrl: "http://fake.local/api/v1",
    maxRetries: 0,
    fetch: wrap(fake.fetch)
  })
  const created = await client.deployments.create({ hfModelId: "stabilityai/sdxl-turbo" })
  await client.deployments.waitUntilReady(created.deploymentId, { schedule: fast })
  const cancels = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/cancel"))
  return { fake, client, deploymentId: created.deploymentId, cancels }
}

describe("client.jobs", () => {
  it("create, watch, wait, get, list, cancel, retry", async () => {
    const { client, deploymentId } = await setup({ inferenceQueuedMs: 20, inferenceRunningMs: 40 })
    const job = await client.jobs.create({ deploymentId, input: { prompt: "a cat" }, policy: { ttlMs: 60_000 } })
    expect(job.status).toBe("queued")
    const seen: Array<string> = []
    for await (const p of client.jobs.watch(job.jobId, { schedule: fast })) seen.push(p.status)
    expect(seen.at(-1)).toBe("completed")
    const done = await client.jobs.wait(job.jobId, { schedule: fast, timeout: Infinity })
    expect(done.output).toMatchObject({ image: expect.stringMatching(/\.png$/) })
    expect((await client.jobs.get(job.jobId)).jobId).toBe(job.jobId)
    expect((await client.jobs.list({ deploymentId })).jobs).toHaveLength(1)

    const other = await client.jobs.create({ deploymentId, input: { prompt: "a dog" } })
    expect((await client.jobs.cancel(other.jobId)).status).toBe("cancelled")
    const failed = await client.jobs.wait(other.jobId, { schedule: fast }).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(JobFailedError)
    expect(failed).toBeInstanceOf(VisgateError)
    expect(failed).toMatchObject({ status: "cancelled", jobId: other.jobId })
    expect((await client.jobs.retry(other.jobId)).status).toBe("queued")
    expect((await client.jobs.createAndWait({ deploymentId, input: { prompt: "x" }, schedule: fast })).status).toBe(
      "completed"
    )

    await expect(client.jobs.create({ deploymentId, input: {}, policy: { ttlMs: 1 } })).rejects.toMatchObject({
      field: "policy.ttlMs"
    })
    await expect(client.jobs.wait(job.jobId, { timeout: -1 })).rejects.toBeInstanceOf(ValidationError)
    await client.close()
  })

  it("aborting wait with cancelOnAbort cancels the job once, then rejects with AbortError", async () => {
    const { client, deploymentId, fake, cancels } = await setup({ inferenceQueuedMs: 600_000, inferenceRunningMs: 1 })
    const job = await client.jobs.create({ deploymentId, input: { prompt: "a" } })
    const controller = new AbortController()
    const waited = client.jobs.wait(job.jobId, {
      schedule: fast,
      signal: controller.signal,
      cancelOnAbort: true,
      onStatus: () => controller.abort()
    })
    const error = await waited.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect(cancels()).toHaveLength(1)
    expect((await client.jobs.get(job.jobId)).status).toBe("cancelled")
    // without the option, an abort leaves the job alone
    const other = await client.jobs.create({ deploymentId, input: { prompt: "b" } })
    const c2 = new AbortController()
    await expect(
      client.jobs.wait(other.jobId, { schedule: fast, signal: c2.signal, onStatus: () => c2.abort() })
    ).rejects.toBeInstanceOf(AbortError)
    expect(cancels()).toHaveLength(1)
    expect(fake.requests.length).toBeGreaterThan(0)
    await client.close()
  })

  it("past the deadline with cancelOnAbort: cancelled, then WaitTimeoutError", async () => {
    const { client, deploymentId, cancels } = await setup({ inferenceQueuedMs: 600_000, inferenceRunningMs: 1 })
    const job = await client.jobs.create({ deploymentId, input: { prompt: "a" } })
    const error = await client.jobs.wait(job.jobId, { schedule: fast, timeout: 30, cancelOnAbort: true }).catch((
      e: unknown
    ) => e)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(error).toMatchObject({ target: "job", id: job.jobId })
    expect(cancels()).toHaveLength(1)
    expect((await client.jobs.get(job.jobId)).status).toBe("cancelled")
    await client.close()
  })

  it("a failed remote cancel is the AbortError's cause, never instead of it", async () => {
    const failCancel = (f: typeof fetch): typeof fetch => async (input, init) => {
      const url = new Request(input, init).url
      if (url.endsWith("/cancel")) {
        return new Response(JSON.stringify({ error: "RUNPOD_API_ERROR", message: "upstream down" }), {
          status: 502,
          headers: { "content-type": "application/json" }
        })
      }
      return f(input, init)
    }
    const { client, deploymentId } = await setup({ inferenceQueuedMs: 600_000, inferenceRunningMs: 1 }, failCancel)
    const job = await client.jobs.create({ deploymentId, input: { prompt: "a" } })
    const controller = new AbortController()
    const error = await client.jobs.wait(job.jobId, {
      schedule: fast,
      signal: controller.signal,
      cancelOnAbort: true,
      onStatus: () => controller.abort()
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as Error).cause).toBeInstanceOf(VisgateError)
    expect((error as Error).cause).toMatchObject({ errorCode: "RUNPOD_API_ERROR", statusCode: 502 })
    await client.close()
  })
})
