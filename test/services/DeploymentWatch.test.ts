import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { DecodeError, DeploymentFailedError, VisgateError, WaitTimeoutError } from "../../src/schemas/Errors.js"
import { DeploymentWatch } from "../../src/services/DeploymentWatch.js"
import { json, recordingHttp, servicesWith } from "../helpers/recordingHttp.js"
import { sseResponse, statusEvent, timedBody } from "../helpers/sseBody.js"

const DEP = "dep_1"
const statusesOf = (chunk: Chunk.Chunk<{ readonly status: string }>) =>
  Chunk.toReadonlyArray(chunk).map((p) => p.status)
const getBody = (status: string, extra: Record<string, unknown> = {}) =>
  json({ deployment_id: DEP, status, endpoint_url: null, error: null, estimated_remaining_seconds: 60, ...extra })

describe("DeploymentWatch.watch over SSE", () => {
  it.effect("reads status events with the auth header, tolerating comments, until ready", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        sseResponse([
          statusEvent("validating"),
          ": keepalive\n\n",
          statusEvent("selecting_gpu").slice(0, 17),
          statusEvent("selecting_gpu").slice(17),
          "event: unknown\ndata: {}\n\n",
          statusEvent("loading_model", { estimated_remaining_seconds: 45 }),
          statusEvent("ready")
        ])
      )
      const updates = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http, { deploymentsBaseUrl: "https://deploy.test" }))
      )
      expect(statusesOf(updates)).toEqual(["validating", "selecting_gpu", "loading_model", "ready"])
      const arr = Chunk.toReadonlyArray(updates)
      expect(arr[2]!.estimatedRemainingSeconds).toBe(45)
      expect(arr[3]!.value.endpointUrl).toBe("https://api.runpod.ai/v2/abc/run")
      expect(http.calls.length).toBe(1)
      expect(http.calls[0]!.url).toBe(`https://deploy.test/deployments/${DEP}/stream`)
      expect(http.calls[0]!.headers["authorization"]).toBe("Bearer vg-test")
      expect(http.calls[0]!.headers["accept"]).toBe("text/event-stream")
    }))

  it.effect("stops reading after the terminal event even if the server keeps the stream open", () =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const http = recordingHttp(() =>
        new Response(
          timedBody(runtime, [[0, statusEvent("validating")], [3000, statusEvent("failed", { error: "no GPU" })], [
            600_000,
            statusEvent("ready")
          ]])
        )
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("5 seconds")
      const updates = yield* Fiber.join(fiber)
      expect(statusesOf(updates)).toEqual(["validating", "failed"])
    }))

  it.effect("reconnects after a drop without repeating the current status", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0
          ? sseResponse([statusEvent("validating"), statusEvent("creating_endpoint")], "error")
          : sseResponse([statusEvent("creating_endpoint"), statusEvent("loading_model"), statusEvent("ready")])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("999 millis")
      expect(http.calls.length).toBe(1)
      yield* TestClock.adjust("1 millis") // default reconnect delay 1 s
      const updates = yield* Fiber.join(fiber)
      expect(statusesOf(updates)).toEqual(["validating", "creating_endpoint", "loading_model", "ready"])
      expect(http.calls.map((c) => c.path)).toEqual([`/v1/deployments/${DEP}/stream`, `/v1/deployments/${DEP}/stream`])
    }))

  it.effect("honours the server's retry: before reconnecting", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0
          ? sseResponse(["retry: 5000\n\n", statusEvent("validating")])
          : sseResponse([statusEvent("ready")])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("4999 millis")
      expect(http.calls.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(statusesOf(yield* Fiber.join(fiber))).toEqual(["validating", "ready"])
      expect(http.calls[1]!.at).toBe(5000)
    }))

  it.effect("a dropped stream that keeps dropping falls back to polling", () =>
    Effect.gen(function*() {
      const http = recordingHttp((req, _i, at) => {
        if (req.url.endsWith("/stream")) return sseResponse([statusEvent("creating_endpoint")], "error")
        return getBody(at >= 6000 ? "ready" : "loading_model")
      })
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP, { maxReconnects: 2 }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("30 seconds")
      const updates = yield* Fiber.join(fiber)
      expect(statusesOf(updates)).toEqual(["creating_endpoint", "loading_model", "ready"])
      const kinds = http.calls.map((c) => (c.path.endsWith("/stream") ? `sse@${c.at}` : `get@${c.at}`))
      // connect, 2 reconnects 1 s apart, then polling: 2 s, 3 s, 4.5 s, 6.75 s
      expect(kinds).toEqual(["sse@0", "sse@1000", "sse@2000", "get@2000", "get@3000", "get@4500", "get@6750"])
    }))

  it.effect("falls back to polling when the stream route is missing (405)", () =>
    Effect.gen(function*() {
      const http = recordingHttp((req, i) => {
        if (req.url.endsWith("/stream")) return json({ detail: "Method Not Allowed" }, 405)
        return getBody(i >= 3 ? "ready" : "validating", { poll_interval_seconds: 5 })
      })
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      const updates = yield* Fiber.join(fiber)
      expect(statusesOf(updates)).toEqual(["validating", "ready"])
      expect(http.calls.map((c) => c.at)).toEqual([0, 0, 5000, 10_000])
    }))

  it.effect("falls back to polling when the body is not an event stream (JSON)", () =>
    Effect.gen(function*() {
      const http = recordingHttp((req) =>
        req.url.endsWith("/stream") ? json({ deployment_id: DEP, status: "validating" }) : getBody("ready")
      )
      const updates = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http))
      )
      expect(statusesOf(updates)).toEqual(["ready"])
      expect(http.calls.length).toBe(2)
    }))

  it.effect("event: error not_found fails with DEPLOYMENT_NOT_FOUND", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        sseResponse([`event: error\ndata: {"deployment_id":"${DEP}","error":"not_found"}\n\n`])
      )
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP)))),
        Effect.provide(servicesWith(http))
      )
      expect(error).toBeInstanceOf(VisgateError)
      expect((error as VisgateError).errorCode).toBe("DEPLOYMENT_NOT_FOUND")
      expect((error as VisgateError).statusCode).toBe(404)
    }))

  it.effect("mode: poll never opens the stream; a 401 ends it with the error", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0 ? getBody("validating") : json({ error: "UNAUTHORIZED", message: "bad key" }, 401)
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP, { mode: "poll" })))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("AuthenticationError")
      expect(http.calls.every((c) => !c.path.endsWith("/stream"))).toBe(true)
      expect(http.calls.length).toBe(2)
    }))

  it.effect("stamps each update with the elapsed time and the status events seen, repeats included", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0
          ? sseResponse([statusEvent("validating"), statusEvent("creating_endpoint")], "error")
          : sseResponse([statusEvent("creating_endpoint"), statusEvent("ready")])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("1 second")
      const updates = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(updates.map((p) => [p.status, p.polls, p.elapsedMs])).toEqual([
        ["validating", 1, 0],
        ["creating_endpoint", 2, 0],
        ["ready", 4, 1000]
      ])
    }))

  it.effect("a connection that brings a new status starts the drop count again", () =>
    Effect.gen(function*() {
      const statuses = ["validating", "selecting_gpu", "creating_endpoint"]
      const http = recordingHttp((_req, i) =>
        i < statuses.length ? sseResponse([statusEvent(statuses[i]!)], "error") : sseResponse([statusEvent("ready")])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.watch(DEP, { mode: "sse", maxReconnects: 1 }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      expect(statusesOf(yield* Fiber.join(fiber))).toEqual([...statuses, "ready"])
      expect(http.calls.map((c) => c.at)).toEqual([0, 1000, 2000, 3000])
    }))

  it.effect("mode: sse gives up with STREAM_DROPPED after maxReconnects drops that brought nothing new", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => sseResponse([statusEvent("creating_endpoint")], "error"))
      const seen: Array<string> = []
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) =>
          Effect.flip(Stream.runDrain(Stream.tap(
            w.watch(DEP, { mode: "sse", maxReconnects: 2, reconnectDelay: "250 millis" }),
            (p) => Effect.sync(() => seen.push(p.status))
          )))
        ),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(VisgateError)
      expect((error as VisgateError).errorCode).toBe("STREAM_DROPPED")
      expect(error.message).toBe(`The status stream of deployment ${DEP} dropped 3 times in a row`)
      expect(seen).toEqual(["creating_endpoint"])
      // the first connection brought news (1), the next two did not (2, 3 > 2): no polling
      expect(http.calls.map((c) => `${c.path}@${c.at}`)).toEqual(
        [0, 250, 500].map((at) => `/v1/deployments/${DEP}/stream@${at}`)
      )
    }))

  it.effect("mode: sse fails with SSE_UNAVAILABLE when the first answer is not an event stream", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => json({ deployment_id: DEP, status: "validating" }))
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP, { mode: "sse" })))),
        Effect.provide(servicesWith(http))
      )
      expect((error as VisgateError).errorCode).toBe("SSE_UNAVAILABLE")
      expect(error.message).toBe(`GET /deployments/${DEP}/stream did not answer with an event stream`)
      expect(http.calls.length).toBe(1)
    }))

  it.effect("mode: sse does not fall back when the stream route is missing: the mapped error", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => json({ detail: "Method Not Allowed" }, 405))
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP, { mode: "sse" })))),
        Effect.provide(servicesWith(http))
      )
      expect((error as VisgateError).statusCode).toBe(405)
      expect(http.calls.every((c) => c.path.endsWith("/stream"))).toBe(true)
    }))

  it.effect("event: error with another reason fails with DEPLOYMENT_STREAM_ERROR", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        sseResponse([
          statusEvent("validating"),
          `event: error\ndata: {"deployment_id":"${DEP}","error":"internal"}\n\n`
        ])
      )
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP)))),
        Effect.provide(servicesWith(http))
      )
      expect((error as VisgateError).errorCode).toBe("DEPLOYMENT_STREAM_ERROR")
      expect((error as VisgateError).details).toEqual({ deployment_id: DEP, error: "internal" })
      expect(http.calls.length).toBe(1)
    }))

  it.effect("a status event whose data is not JSON fails with DecodeError naming the endpoint", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => sseResponse(["event: status\ndata: {not json\n\n"]))
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.watch(DEP)))),
        Effect.provide(servicesWith(http))
      )
      expect(error).toBeInstanceOf(DecodeError)
      expect((error as DecodeError).endpoint).toBe(`GET /deployments/${DEP}/stream`)
      expect(http.calls.length).toBe(1)
    }))
})

describe("DeploymentWatch.waitUntilReady", () => {
  it.effect("returns the ready state and reports each change", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => sseResponse([statusEvent("validating"), statusEvent("ready")]))
      const seen: Array<string> = []
      const state = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => w.waitUntilReady(DEP, { onStatus: (p) => Effect.sync(() => seen.push(p.status)) })),
        Effect.provide(servicesWith(http))
      )
      expect(state.status).toBe("ready")
      expect(state.endpointUrl).toBe("https://api.runpod.ai/v2/abc/run")
      expect(seen).toEqual(["validating", "ready"])
    }))

  it.effect("fails with DeploymentFailedError carrying the server's reason", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        sseResponse([
          statusEvent("validating"),
          statusEvent("failed", { error: "Worker did not become ready within 600s" })
        ])
      )
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(w.waitUntilReady(DEP))),
        Effect.provide(servicesWith(http))
      )
      expect(error).toBeInstanceOf(DeploymentFailedError)
      expect(error).toBeInstanceOf(VisgateError)
      const failed = error as DeploymentFailedError
      expect(failed.status).toBe("failed")
      expect(failed.error).toBe("Worker did not become ready within 600s")
    }))

  it.effect("fails with WaitTimeoutError at the deadline and closes the stream", () =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const http = recordingHttp(() =>
        new Response(timedBody(runtime, [[0, statusEvent("creating_endpoint")], [900_000, statusEvent("ready")]]))
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(w.waitUntilReady(DEP, { timeout: "2 minutes" }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("119 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(WaitTimeoutError)
      expect((error as WaitTimeoutError).target).toBe("deployment")
      expect((error as WaitTimeoutError).lastStatus).toBe("creating_endpoint")
      yield* TestClock.adjust("30 minutes")
      expect(http.calls.length).toBe(1)
    }))
})

describe("DeploymentWatch.logs", () => {
  const log = (t: number, message: string, level = "INFO") =>
    `event: log\ndata: ${JSON.stringify({ deployment_id: DEP, timestamp: t, level, message })}\n\n`

  it.effect("emits log lines until done", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        sseResponse([
          log(1.5, "Selecting GPU"),
          ": keepalive\n",
          "\n",
          log(2.5, "Creating endpoint"),
          "event: done\ndata: {\"status\":\"ready\"}\n\n",
          log(3, "never")
        ])
      )
      const lines = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.logs(DEP))),
        Effect.provide(servicesWith(http))
      )
      expect(Chunk.toReadonlyArray(lines).map((l) => [l.timestamp, l.level, l.message])).toEqual([
        [1.5, "INFO", "Selecting GPU"],
        [2.5, "INFO", "Creating endpoint"]
      ])
      expect(http.calls[0]!.path).toBe(`/v1/deployments/${DEP}/logs/stream`)
    }))

  it.effect("reconnects after a drop without repeating lines", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0
          ? sseResponse([log(1, "a"), log(2, "b")], "error")
          : sseResponse([log(1, "a"), log(2, "b"), log(3, "c"), "event: done\ndata: {}\n\n"])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.logs(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("5 seconds")
      const lines = yield* Fiber.join(fiber)
      expect(Chunk.toReadonlyArray(lines).map((l) => l.message)).toEqual(["a", "b", "c"])
      expect(http.calls.length).toBe(2)
    }))

  it.effect("stops at done even if the server keeps the stream open", () =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const http = recordingHttp(() =>
        new Response(
          timedBody(runtime, [[0, log(1, "a")], [500, "event: done\ndata: {}\n\n"], [600_000, log(2, "late")]])
        )
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.logs(DEP))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("1 second")
      const lines = yield* Fiber.join(fiber)
      expect(Chunk.toReadonlyArray(lines).map((l) => l.message)).toEqual(["a"])
      expect(http.calls.length).toBe(1)
    }))

  it.effect("gives up with STREAM_DROPPED after maxReconnects drops that brought no new line", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => sseResponse(["retry: 200\n\n", log(1, "a")]))
      const seen: Array<string> = []
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) =>
          Effect.flip(Stream.runDrain(Stream.tap(
            w.logs(DEP, { maxReconnects: 2 }),
            (l) => Effect.sync(() => seen.push(l.message))
          )))
        ),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      expect((error as VisgateError).errorCode).toBe("STREAM_DROPPED")
      expect(error.message).toBe(`The log stream of deployment ${DEP} dropped 3 times in a row`)
      expect(seen).toEqual(["a"])
      expect(http.calls.map((c) => c.at)).toEqual([0, 200, 400])
    }))

  it.effect("reconnects after reconnectDelay when the server sent no retry:", () =>
    Effect.gen(function*() {
      const http = recordingHttp((_req, i) =>
        i === 0 ? sseResponse([log(1, "a")]) : sseResponse([log(1, "a"), log(2, "b"), "event: done\ndata: {}\n\n"])
      )
      const fiber = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Stream.runCollect(w.logs(DEP, { reconnectDelay: "3 seconds" }))),
        Effect.provide(servicesWith(http)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      expect(Chunk.toReadonlyArray(yield* Fiber.join(fiber)).map((l) => l.message)).toEqual(["a", "b"])
      expect(http.calls.map((c) => c.at)).toEqual([0, 3000])
    }))

  it.effect("a first answer that is not an event stream fails with SSE_UNAVAILABLE", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() => json({ logs: [] }))
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.logs(DEP)))),
        Effect.provide(servicesWith(http))
      )
      expect((error as VisgateError).errorCode).toBe("SSE_UNAVAILABLE")
      expect(error.message).toBe(`GET /deployments/${DEP}/logs/stream did not answer with an event stream`)
      expect(http.calls.length).toBe(1)
    }))

  it.effect("a 404 fails with the mapped error before streaming", () =>
    Effect.gen(function*() {
      const http = recordingHttp(() =>
        json({ error: "DEPLOYMENT_NOT_FOUND", message: "Deployment not found", details: { deployment_id: DEP } }, 404)
      )
      const error = yield* DeploymentWatch.pipe(
        Effect.flatMap((w) => Effect.flip(Stream.runDrain(w.logs(DEP)))),
        Effect.provide(servicesWith(http))
      )
      expect((error as VisgateError).errorCode).toBe("DEPLOYMENT_NOT_FOUND")
    }))
})
