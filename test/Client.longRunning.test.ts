/**
 * Promise side of long-running work, over a custom fetch that records calls (real time, short
 * schedules, no timed assertions).
 */
import { describe, expect, it } from "vitest"
import {
  AbortError,
  Client,
  DeploymentFailedError,
  GenerationFailedError,
  VisgateError,
  WaitTimeoutError
} from "../src/index.js"

const ID = "req_1"
const fast = { initialMs: 10, factor: 1 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const recordingFetch = (handler: (url: string, index: number, init?: RequestInit) => Response) => {
  const calls: Array<{ url: string; method: string; at: number }> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), method: init?.method ?? "GET", at: Date.now() })
    return handler(String(input), calls.length - 1, init)
  }
  return { calls, fetch: fetch as typeof globalThis.fetch }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
const status = (s: string, extra: Record<string, unknown> = {}) => json({ request_id: ID, status: s, ...extra })

const sse = (chunks: ReadonlyArray<string>) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c))
        controller.close()
      }
    }),
    { headers: { "content-type": "text/event-stream" } }
  )
const statusEvent = (s: string, extra: Record<string, unknown> = {}) =>
  `event: status\ndata: ${JSON.stringify({ deployment_id: "dep_1", status: s, ...extra })}\n\n`

describe("client.requests.wait", () => {
  it("resolves with the completed status as a plain object and reports progress", async () => {
    const http = recordingFetch((_u, i) =>
      status(i < 2 ? "pending" : i < 4 ? "processing" : "completed", { output_url: "https://x/v.mp4" })
    )
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const seen: Array<string> = []
    const done = await client.requests.wait(ID, {
      schedule: fast,
      onStatus: (p) =>
        seen.push(`${p.status}:${typeof p.elapsedMs}:${Object.getPrototypeOf(p.value) === Object.prototype}`)
    })
    expect(done.status).toBe("completed")
    expect(done.outputUrl).toBe("https://x/v.mp4")
    expect(Object.getPrototypeOf(done)).toBe(Object.prototype)
    expect(seen).toEqual(["pending:number:true", "processing:number:true", "completed:number:true"])
    expect(http.calls.length).toBe(5)
    await client.close()
  })

  it("rejects with GenerationFailedError carrying the server's message", async () => {
    const http = recordingFetch(() => status("failed", { error_message: "content policy" }))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const error = await client.requests.wait(ID).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GenerationFailedError)
    expect(error).toBeInstanceOf(VisgateError)
    expect((error as Error).message).toContain("content policy")
    await client.close()
  })

  it("aborting mid-wait rejects with AbortError and makes no request after the abort", async () => {
    const http = recordingFetch(() => status("processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const controller = new AbortController()
    const waiting = client.requests.wait(ID, {
      signal: controller.signal,
      schedule: { initialMs: 150, factor: 1 },
      onStatus: () => controller.abort() // the first status is in: abort before the next poll
    })
    const error = await waiting.catch((e: unknown) => e)
    expect(http.calls.length).toBe(1)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as Error).name).toBe("AbortError")
    const count = http.calls.length
    await sleep(250) // past when the next poll would have been
    expect(http.calls.length).toBe(count)
    await client.close()
  })

  it("an already aborted signal makes no request at all", async () => {
    const http = recordingFetch(() => status("processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    await expect(client.requests.wait(ID, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError)
    expect(http.calls.length).toBe(0)
    await client.close()
  })

  it("the overall timeout rejects with WaitTimeoutError and stops polling", async () => {
    const http = recordingFetch(() => status("processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const error = await client.requests.wait(ID, { timeout: 150, schedule: fast }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as WaitTimeoutError).errorCode).toBe("WAIT_TIMEOUT")
    expect((error as WaitTimeoutError).lastStatus).toBe("processing")
    const count = http.calls.length
    await sleep(100)
    expect(http.calls.length).toBe(count)
    await expect(client.requests.wait(ID, { timeout: -1 })).rejects.toMatchObject({ _tag: "ValidationError" })
    await client.close()
  })
  it("schedule is plain values; a bad one is a ValidationError naming it, before any request", async () => {
    const http = recordingFetch(() => status("completed"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    for (
      const [schedule, field] of [
        [{ initialMs: 0 }, "schedule.initialMs"],
        [{ factor: 0.5 }, "schedule.factor"],
        [{ maxMs: Number.NaN }, "schedule.maxMs"],
        [{ initialMs: "10" as unknown as number }, "schedule.initialMs"]
      ] as const
    ) {
      await expect(client.requests.wait(ID, { schedule })).rejects.toMatchObject({ _tag: "ValidationError", field })
    }
    expect(http.calls.length).toBe(0)
    const done = await client.requests.wait(ID, { schedule: { initialMs: 10, factor: 2, maxMs: 20 } })
    expect(done.status).toBe("completed")
    await client.close()
  })
})

describe("client.requests.watch", () => {
  it("yields each status change with for-await and ends after the terminal one", async () => {
    const http = recordingFetch((_u, i) => status(i < 2 ? "pending" : i < 3 ? "processing" : "completed"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const seen: Array<string> = []
    for await (const p of client.requests.watch(ID, { schedule: fast })) seen.push(p.status)
    expect(seen).toEqual(["pending", "processing", "completed"])
    expect(http.calls.length).toBe(4)
    await client.close()
  })

  it("break stops polling", async () => {
    const http = recordingFetch((_u, i) => status(i % 2 === 0 ? "pending" : "processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    for await (const p of client.requests.watch(ID, { schedule: fast })) {
      if (p.status === "processing") break
    }
    const count = http.calls.length
    await sleep(100)
    expect(http.calls.length).toBe(count)
    await client.close()
  })

  it("aborting rejects the pending next() with AbortError and makes no further request", async () => {
    const http = recordingFetch(() => status("processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const controller = new AbortController()
    const iterator = client.requests.watch(ID, { signal: controller.signal, schedule: { initialMs: 1000, factor: 1 } })[
      Symbol.asyncIterator
    ]()
    expect((await iterator.next()).value?.status).toBe("processing")
    const pending = iterator.next() // the next poll is 1 s away
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(AbortError)
    const count = http.calls.length
    await sleep(250) // past when the next poll would have been
    expect(http.calls.length).toBe(count)
    await expect(iterator.next()).rejects.toBeInstanceOf(AbortError)
    await client.close()
  })

  it("the deadline holds across pulls of a slow consumer", async () => {
    const http = recordingFetch((_u, i) => status(i % 2 === 0 ? "pending" : "processing"))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const error = await (async () => {
      for await (const _ of client.requests.watch(ID, { schedule: fast, timeout: 200 })) await sleep(30)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    await client.close()
  })
})

describe("client.images/videos.generateAndWait", () => {
  it("submits in async mode and waits after a 202", async () => {
    const http = recordingFetch((url, i, init) => {
      if (init?.method === "POST") {
        expect(new Headers(init.headers as HeadersInit).get("prefer")).toBe("respond-async")
        return json({ request_id: ID, status: "pending" }, 202)
      }
      return status(i < 2 ? "processing" : "completed", { output_url: "https://x/v.mp4" })
      void url
    })
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const result = await client.videos.generateAndWait("fal-ai/veo3", "waves", { durationSeconds: 6, schedule: fast })
    expect("requestId" in result && result.outputUrl).toBe("https://x/v.mp4")
    expect(http.calls.length).toBe(3)
    await client.close()
  })
})

describe("client.deployments", () => {
  it("watch yields SSE status changes; waitUntilReady resolves; logs iterate", async () => {
    const http = recordingFetch((url) => {
      if (url.endsWith("/logs/stream")) {
        return sse([
          `event: log\ndata: ${JSON.stringify({ timestamp: 1, level: "INFO", message: "hi" })}\n\n`,
          "event: done\ndata: {}\n\n"
        ])
      }
      return sse([statusEvent("validating"), ": ka\n\n", statusEvent("ready", { endpoint_url: "https://run" })])
    })
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const seen: Array<string> = []
    for await (const p of client.deployments.watch("dep_1")) seen.push(p.status)
    expect(seen).toEqual(["validating", "ready"])
    const ready = await client.deployments.waitUntilReady("dep_1")
    expect(ready.endpointUrl).toBe("https://run")
    const lines: Array<string> = []
    for await (const l of client.deployments.logs("dep_1")) lines.push(l.message)
    expect(lines).toEqual(["hi"])
    await client.close()
  })

  it("waitUntilReady rejects with DeploymentFailedError", async () => {
    const http = recordingFetch(() => sse([statusEvent("failed", { error: "no capacity" })]))
    const client = new Client({ apiKey: "vg-test", fetch: http.fetch })
    const error = await client.deployments.waitUntilReady("dep_1").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeploymentFailedError)
    expect((error as DeploymentFailedError).error).toBe("no capacity")
    await client.close()
  })
})

describe("per-attempt timeout vs streams and bodies", () => {
  it("a body that stalls after the headers is cut by the per-attempt timeout (TimeoutError)", async () => {
    let aborted = false
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"status\":"))
          init?.signal?.addEventListener("abort", () => {
            aborted = true
            controller.error(new DOMException("aborted", "AbortError"))
          })
        }
      })
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } })
    }) as typeof globalThis.fetch
    const client = new Client({ apiKey: "vg-test", fetch, timeout: 50, maxRetries: 0 })
    const error = await client.health().catch((e: unknown) => e)
    expect((error as { _tag?: string })._tag).toBe("TimeoutError")
    expect(aborted).toBe(true)
    await client.close()
  })

  it("an event stream may outlive the per-attempt timeout: it only bounds the wait for headers", async () => {
    const encoder = new TextEncoder()
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          // Like a real fetch: aborting the request's signal breaks the body.
          init?.signal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")))
          controller.enqueue(encoder.encode(statusEvent("validating")))
          await new Promise((r) => setTimeout(r, 250))
          if (init?.signal?.aborted) return
          controller.enqueue(encoder.encode(statusEvent("ready")))
          controller.close()
        }
      })
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } })
    }) as typeof globalThis.fetch
    const client = new Client({ apiKey: "vg-test", fetch, timeout: 100, maxRetries: 0 })
    const seen: Array<string> = []
    for await (const p of client.deployments.watch("dep_1")) seen.push(p.status)
    expect(seen).toEqual(["validating", "ready"])
    await client.close()
  })
})
