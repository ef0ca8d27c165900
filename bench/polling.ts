/**
 * Polling figures on a simulated clock (Effect TestClock; no real waiting): for a job that
 * completes at a known time, how many status requests the SDK makes and how late it observes
 * the completion. Run: `npx tsx bench/polling.ts`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as VisgateLayer from "../src/layers/VisgateLayer.js"
import { DeploymentWatch } from "../src/services/DeploymentWatch.js"
import { Requests } from "../src/services/Requests.js"

interface Row {
  readonly scenario: string
  readonly strategy: string
  readonly completesAtS: number
  readonly requests: number
  readonly observedLateMs: number
  readonly intervalMs: number | undefined
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } })

/** Layer over a fake server whose answer depends on the simulated time of each request. */
const fakeServer = (answer: (url: string, at: number) => Effect.Effect<Response>) => {
  const times: Array<number> = []
  const client = HttpClient.make((request) =>
    Effect.flatMap(Clock.currentTimeMillis, (at) => {
      times.push(at)
      return Effect.map(answer(request.url, at), (r) => HttpClientResponse.fromWeb(request, r))
    })
  )
  const layer = VisgateLayer.layer({ apiKey: "vg-bench", baseUrl: "https://api.bench/v1" }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.orDie
  )
  return {
    layer,
    count: () => times.length,
    /** The gap between the last two requests: the poll interval in effect at completion. */
    lastGap: () => (times.length >= 2 ? times[times.length - 1]! - times[times.length - 2]! : undefined)
  }
}

/** Runs `observe` on the TestClock (built inside it, so every sleep is simulated); returns when it finished. */
const simulate = <E>(observe: Effect.Effect<unknown, E>, horizon: Duration.DurationInput = "30 minutes") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.zipRight(Effect.suspend(() => observe), Clock.currentTimeMillis))
    yield* TestClock.adjust(horizon)
    return yield* Fiber.join(fiber)
  }).pipe(Effect.provide(TestContext.TestContext))

/** A generation request completing at `doneMs`, polled with `schedule` (default when undefined). */
const requestRow = (
  scenario: string,
  strategy: string,
  doneMs: number,
  schedule?: Schedule.Schedule<unknown, unknown>,
  hintS?: number
) =>
  Effect.gen(function*() {
    const server = fakeServer((_url, at) =>
      Effect.succeed(json({
        request_id: "r",
        status: at >= doneMs ? "completed" : "processing",
        ...(hintS !== undefined ? { poll_interval_seconds: hintS } : {})
      }))
    )
    const observedAt = yield* simulate(
      Effect.flatMap(Requests, (r) => r.wait("r", schedule !== undefined ? { schedule } : {})).pipe(
        Effect.provide(server.layer)
      )
    )
    return {
      scenario,
      strategy,
      completesAtS: doneMs / 1000,
      requests: server.count(),
      observedLateMs: observedAt - doneMs,
      intervalMs: server.lastGap()
    } satisfies Row
  })

const statusEvent = (status: string) =>
  `event: status\ndata: ${JSON.stringify({ deployment_id: "d", status, estimated_remaining_seconds: 0 })}\n\n`

/**
 * A deployment becoming ready at `readyMs`. `sse`: the server pushes an event when its own status
 * poll (every `serverTickMs`; 0 = instantly) sees the change; otherwise the SSE route answers 405
 * and the SDK polls `GET /deployments/{id}`.
 */
const deploymentRow = (scenario: string, readyMs: number, mode: "sse" | "poll", serverTickMs = 0) =>
  Effect.gen(function*() {
    let count = () => 0
    let lastGap = (): number | undefined => undefined
    const observedAt = yield* simulate(Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const pushedAt = serverTickMs === 0 ? readyMs : Math.ceil(readyMs / serverTickMs) * serverTickMs
      const server = fakeServer((url, at) => {
        if (url.endsWith("/stream")) {
          if (mode === "poll") {
            return Effect.succeed(new Response("{\"detail\":\"Method Not Allowed\"}", { status: 405 }))
          }
          const events = Stream.make(statusEvent("creating_endpoint")).pipe(
            Stream.concat(Stream.fromEffect(Effect.as(Effect.sleep(pushedAt - at), statusEvent("ready")))),
            Stream.encodeText
          )
          return Effect.succeed(
            new Response(Stream.toReadableStreamRuntime(events, runtime), {
              headers: { "content-type": "text/event-stream" }
            })
          )
        }
        return Effect.succeed(json({ deployment_id: "d", status: at >= readyMs ? "ready" : "creating_endpoint" }))
      })
      count = server.count
      lastGap = server.lastGap
      return yield* Effect.flatMap(DeploymentWatch, (w) => w.waitUntilReady("d")).pipe(Effect.provide(server.layer))
    }))
    return {
      scenario,
      strategy: mode === "poll"
        ? "poll GET /deployments/{id} (default schedule; SSE route 405)"
        : serverTickMs === 0
        ? "SSE (event pushed at the change)"
        : `SSE (server polls every ${serverTickMs / 1000} s, §3.9)`,
      completesAtS: readyMs / 1000,
      requests: count(),
      observedLateMs: observedAt - readyMs,
      intervalMs: mode === "poll" ? lastGap() : undefined
    } satisfies Row
  })

const main = Effect.gen(function*() {
  const rows: Array<Row> = []
  for (const doneMs of [4_000, 47_300, 180_000]) {
    const label = `request done at ${doneMs / 1000} s`
    rows.push(yield* requestRow(label, "default (1 s x1.5 -> 10 s cap)", doneMs))
    rows.push(yield* requestRow(label, "fixed 2 s (Python SDK)", doneMs, Schedule.spaced("2 seconds")))
    rows.push(yield* requestRow(label, "fixed 3 s (README loop)", doneMs, Schedule.spaced("3 seconds")))
    rows.push(yield* requestRow(label, "default + server hint 5 s", doneMs, undefined, 5))
  }
  for (const readyMs of [31_000, 129_000]) {
    const label = `deployment ready at ${readyMs / 1000} s`
    rows.push(yield* deploymentRow(label, readyMs, "poll"))
    rows.push(yield* deploymentRow(label, readyMs, "sse"))
    rows.push(yield* deploymentRow(label, readyMs, "sse", 2000))
  }
  const header = "| scenario | strategy | status requests | observed late by | poll interval at completion |"
  const lines = [header, "|---|---|---:|---:|---:|"]
  const ms = (n: number) => `${Math.round(n)} ms`
  for (const r of rows) {
    const interval = r.intervalMs === undefined ? "n/a (push)" : ms(r.intervalMs)
    lines.push(`| ${r.scenario} | ${r.strategy} | ${r.requests} | ${ms(r.observedLateMs)} | ${interval} |`)
  }
  console.log(lines.join("\n"))
})

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
