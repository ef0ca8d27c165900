/**
 * Call overhead: the Promise client against raw `fetch(...).then(r => r.json())` doing the same
 * request to a loopback server that runs in a separate (forked) process.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"

export interface CallsOptions {
  /** Module that exports `Client` (the built entry, `dist/index.js`). */
  readonly clientModule: string
  /** Calls per measured run of one arm. */
  readonly calls: number
  /** Concurrency of the concurrent arms. */
  readonly concurrency: number
  /** Interleaved rounds; each arm reports its median over the rounds. */
  readonly rounds: number
  /** Calls per arm before measuring. */
  readonly warmup: number
}

export interface ArmResult {
  readonly endpoint: "health" | "images.generate"
  /** `client` for the SDK; for the reference arms, what was measured in its place. */
  readonly arm: "client" | "cancellable fetch" | "one Effect fiber"
  readonly mode: "sequential" | "concurrent"
  readonly clientMs: number
  readonly rawMs: number
  /** Median of the per-round ratios (each round runs the arm and raw fetch back to back). */
  readonly ratio: number
  /** CPU time of this (client) process per call, µs: less sensitive to other load than wall time. */
  readonly clientCpuUs: number
  readonly rawCpuUs: number
  readonly clientRuns: ReadonlyArray<number>
  readonly rawRuns: ReadonlyArray<number>
}

type Call = () => Promise<unknown>

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

interface Run {
  readonly ms: number
  readonly cpuUs: number
}

/** Runs `n` calls, `concurrency` at a time; returns wall ms and process CPU µs per call. */
const runCalls = async (call: Call, n: number, concurrency: number): Promise<Run> => {
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      await call()
    }
  }
  const cpu = process.cpuUsage()
  const start = performance.now()
  if (concurrency <= 1) await worker()
  else await Promise.all(Array.from({ length: concurrency }, worker))
  const ms = (performance.now() - start) / n
  const used = process.cpuUsage(cpu)
  return { ms, cpuUs: (used.user + used.system) / n }
}

const startServer = (): Promise<{ readonly port: number; readonly stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./server.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench server exited early (${code})`)))
    child.once("message", (m) => {
      const port = (m as { port?: number }).port
      if (typeof port !== "number") return reject(new Error("bench server sent no port"))
      resolve({
        port,
        stop: () => {
          child.removeAllListeners("exit")
          if (child.connected) child.send("stop")
          setTimeout(() => child.kill(), 2_000).unref()
        }
      })
    })
  })

export const IMAGE_MODEL = "fal-ai/flux/schnell"
export const IMAGE_PROMPT = "a lighthouse at dawn, volumetric light"

export const runCallsBench = async (options: CallsOptions): Promise<ReadonlyArray<ArmResult>> => {
  const server = await startServer()
  try {
    const baseUrl = `http://127.0.0.1:${server.port}/api/v1`
    const { Client } = (await import(options.clientModule)) as typeof import("../src/index.js")
    const client = new Client({ apiKey: "vg-bench", baseUrl })

    // Raw fetch does what the client does on the wire: same URL, method, auth and JSON body.
    const rawHeaders = { accept: "application/json", authorization: "Bearer vg-bench" }
    const rawHealth: Call = () => fetch(`${baseUrl}/health`, { headers: rawHeaders }).then((r) => r.json())
    const rawImages: Call = () =>
      fetch(`${baseUrl}/images/generate`, {
        method: "POST",
        headers: { ...rawHeaders, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify({ model: IMAGE_MODEL, prompt: IMAGE_PROMPT, width: 1024, height: 1024, num_images: 1 })
      }).then((r) => r.json())
    // Reference arms (health only): the least a call with a per-attempt timeout that can be
    // cancelled costs (an AbortController and a timer per call), and that inside one Effect fiber
    // (async + interruption aborts), i.e. the floor of any client built on an Effect runtime.
    const cancellableHeaders = { ...rawHeaders, "user-agent": "visgate-sdk-js/bench" }
    const cancellable = (signal: AbortSignal, timer: { id?: ReturnType<typeof setTimeout> }) =>
      fetch(`${baseUrl}/health`, { headers: cancellableHeaders, signal }).then((r) =>
        r.text().then((text) => {
          clearTimeout(timer.id)
          return JSON.parse(text) as unknown
        })
      )
    const rawCancellable: Call = () => {
      const controller = new AbortController()
      const timer = { id: setTimeout(() => controller.abort(), 120_000) }
      return cancellable(controller.signal, timer)
    }
    const runtime = ManagedRuntime.make(Layer.setTracerEnabled(false))
    const effectFloor: Call = () =>
      runtime.runPromise(Effect.suspend(() => {
        const controller = new AbortController()
        const timer: { id?: ReturnType<typeof setTimeout> } = {}
        return Effect.uninterruptibleMask((restore) =>
          Effect.onInterrupt(
            restore(Effect.async<unknown, unknown>((resume) => {
              timer.id = setTimeout(() => controller.abort(), 120_000)
              cancellable(controller.signal, timer).then(
                (v) => resume(Effect.succeed(v)),
                (e) => resume(Effect.fail(e))
              )
            })),
            () => Effect.sync(() => controller.abort())
          )
        )
      }))
    const clientHealth: Call = () => client.health()
    const clientImages: Call = () => client.images.generate(IMAGE_MODEL, IMAGE_PROMPT, { width: 1024, height: 1024 })

    // Sanity: both arms really talk to the server and get the expected shape.
    const probe = await client.images.generate(IMAGE_MODEL, IMAGE_PROMPT)
    if (probe.images.length !== 1 || (await client.health()).status !== "ok") {
      throw new Error("bench server answered unexpectedly")
    }

    const arms = [
      { endpoint: "health", arm: "client", client: clientHealth, raw: rawHealth },
      { endpoint: "images.generate", arm: "client", client: clientImages, raw: rawImages },
      { endpoint: "health", arm: "cancellable fetch", client: rawCancellable, raw: rawHealth },
      { endpoint: "health", arm: "one Effect fiber", client: effectFloor, raw: rawHealth }
    ] as const
    const modes = [
      { mode: "sequential", concurrency: 1 },
      { mode: "concurrent", concurrency: options.concurrency }
    ] as const

    // Warm-up: JIT, connection pools, lazily built schema parsers.
    for (const arm of arms) {
      for (const m of modes) {
        await runCalls(arm.client, options.warmup, m.concurrency)
        await runCalls(arm.raw, options.warmup, m.concurrency)
      }
    }

    const results: Array<ArmResult> = []
    for (const arm of arms) {
      for (const m of modes) {
        const clientRuns: Array<Run> = []
        const rawRuns: Array<Run> = []
        for (let round = 0; round < options.rounds; round++) {
          // Alternate which arm goes first, so drift on the shared machine hits both alike.
          if (round % 2 === 0) {
            clientRuns.push(await runCalls(arm.client, options.calls, m.concurrency))
            rawRuns.push(await runCalls(arm.raw, options.calls, m.concurrency))
          } else {
            rawRuns.push(await runCalls(arm.raw, options.calls, m.concurrency))
            clientRuns.push(await runCalls(arm.client, options.calls, m.concurrency))
          }
        }
        const clientMs = median(clientRuns.map((r) => r.ms))
        const rawMs = median(rawRuns.map((r) => r.ms))
        results.push({
          endpoint: arm.endpoint,
          arm: arm.arm,
          mode: m.mode,
          clientMs,
          rawMs,
          ratio: median(clientRuns.map((r, i) => r.ms / rawRuns[i]!.ms)),
          clientCpuUs: median(clientRuns.map((r) => r.cpuUs)),
          rawCpuUs: median(rawRuns.map((r) => r.cpuUs)),
          clientRuns: clientRuns.map((r) => r.ms),
          rawRuns: rawRuns.map((r) => r.ms)
        })
      }
    }
    await client.close()
    await runtime.dispose()
    return results
  } finally {
    server.stop()
  }
}
