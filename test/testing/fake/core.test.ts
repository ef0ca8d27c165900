/**
 * The fake's core pieces on their own (clock, router, idempotency) and its module layout: the
 * route groups and the Effect layer never import `FakeVisgate.ts`, so there is no import cycle.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { FakeClock } from "../../../src/testing/fake/clock.js"
import { idempotent } from "../../../src/testing/fake/idempotency.js"
import { Organisations } from "../../../src/testing/fake/orgs.js"
import { findRoute, route, type RouteContext, splitPath } from "../../../src/testing/fake/router.js"
import { call, makeFake } from "./helpers.js"

const FAKE_DIR = fileURLToPath(new URL("../../../src/testing/fake", import.meta.url))

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  )

describe("FakeClock", () => {
  it("adds advance offsets, keeps the latest transport time, and wakes subscribers until they leave", () => {
    const clock = new FakeClock({ startAt: 1_000 })
    let woken = 0
    const leave = clock.subscribe(() => woken++)
    expect(clock.advance(500)).toBe(1_500)
    expect(woken).toBe(1)
    expect(clock.timeAt(10_000)).toBe(10_500)
    expect(clock.timeAt(9_000)).toBe(9_500) // a request's own time is honoured ...
    expect(clock.now()).toBe(10_500) // ... but inspection stays at the latest transport time
    leave()
    clock.advance(1)
    expect(woken).toBe(1)
    clock.reset()
    expect(clock.timeAt()).toBe(1_000)
  })
})

describe("router", () => {
  const routes = [
    route("GET", "/things/:id", () => new Response("get")),
    route("DELETE", "/things/:id", () => new Response("delete")),
    route("GET", "/files/*rest", () => new Response("file"))
  ]

  it("matches params (decoded, the rest with slashes) and answers HEAD with the GET route", () => {
    const head = findRoute(routes, "HEAD", "/things/a%20b")
    expect(head).not.toBeInstanceOf(Response)
    if (head instanceof Response) return
    expect(head.route.method).toBe("GET")
    expect(head.params).toEqual({ id: "a b" })
    const file = findRoute(routes, "GET", "/files/x/y.png")
    expect(file instanceof Response ? undefined : file.params).toEqual({ rest: "x/y.png" })
  })

  it("405 with every allowed method for a known path, 404 otherwise", async () => {
    const wrong = findRoute(routes, "POST", "/things/1")
    expect(wrong).toBeInstanceOf(Response)
    const res = wrong as Response
    expect(res.status).toBe(405)
    expect(res.headers.get("allow")).toBe("GET, DELETE")
    expect(await res.json()).toMatchObject({ error: "METHOD_NOT_ALLOWED", details: { allowed: ["GET", "DELETE"] } })
    const missing = findRoute(routes, "GET", "/nothing")
    expect((missing as Response).status).toBe(404)
  })

  it("splits the mount prefix from the path relative to the base", () => {
    expect(splitPath("/api/v1", "/proxy/api/v1/models")).toEqual({ prefix: "/proxy/api/v1", path: "/models" })
    expect(splitPath("/api/v1", "/api/v1")).toEqual({ prefix: "/api/v1", path: "/" })
    expect(splitPath("/api/v1", "/v1/deployments")).toEqual({ prefix: "/v1", path: "/deployments" })
    expect(splitPath("", "/models")).toEqual({ prefix: "", path: "/models" })
  })
})

describe("idempotency", () => {
  const context = (rawBody: string, org = new Organisations(1, {}).get("org", "Org")): RouteContext => ({
    request: new Request("http://x/api/v1/things", { method: "POST" }),
    method: "POST",
    url: new URL("http://x/api/v1/things"),
    path: "/things",
    prefix: "/api/v1",
    query: new URLSearchParams(),
    headers: new Headers(),
    now: 0,
    rawBody,
    body: undefined,
    params: {},
    sseDriver: () => new ReadableStream(),
    org,
    role: "api-key",
    apiKey: "vg-test-key"
  })

  it("replays a stored answer without running again; does not store 5xx", async () => {
    const rc = context("{}")
    let runs = 0
    const ok = () => Promise.resolve(new Response(`run ${++runs}`, { status: 201 }))
    expect(await (await idempotent(rc, "k", ok)).text()).toBe("run 1")
    const replay = await idempotent(rc, "k", ok)
    expect(await replay.text()).toBe("run 1")
    expect(replay.status).toBe(201)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(runs).toBe(1)
    const failing = () => Promise.resolve(new Response("down", { status: 503 }))
    expect((await idempotent(rc, "k2", failing)).status).toBe(503)
    expect(await (await idempotent(rc, "k2", ok)).text()).toBe("run 2")
  })

  it("the same key with another body is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const org = new Organisations(1, {}).get("org", "Org")
    await idempotent(context("{\"a\":1}", org), "k", () => Promise.resolve(new Response("x")))
    const reused = await idempotent(context("{\"a\":2}", org), "k", () => Promise.resolve(new Response("y")))
    expect(reused.status).toBe(422)
    expect(await reused.json()).toMatchObject({
      error: "IDEMPOTENCY_KEY_REUSED",
      details: { field: "Idempotency-Key" }
    })
  })
})

describe("layout", () => {
  it("only the entry points import FakeVisgate.ts (no import cycle through the class)", () => {
    const importers = sourceFiles(FAKE_DIR)
      .filter((f) => /from "\.\/FakeVisgate\.js"|from "\.\.\/FakeVisgate\.js"/.test(readFileSync(f, "utf8")))
      .map((f) => relative(FAKE_DIR, f))
      .sort()
    expect(importers).toEqual(["index.ts", "serve.ts"])
  })

  it("every source file of the fake is under 500 lines and 120 columns", () => {
    for (const f of sourceFiles(FAKE_DIR)) {
      const lines = readFileSync(f, "utf8").split("\n")
      expect(lines.length, relative(FAKE_DIR, f)).toBeLessThan(500)
      expect(lines.filter((l) => l.length > 120), relative(FAKE_DIR, f)).toEqual([])
    }
  })

  it("reset() keeps working across the split: state, clock offset and ids start over", async () => {
    const fake = makeFake()
    const first = await call(fake, "POST", "/images/generate", { body: { prompt: "a", model: "fal-ai/flux-pro" } })
    fake.advance(5_000)
    fake.reset()
    expect(fake.requests).toEqual([])
    const again = await call(fake, "POST", "/images/generate", { body: { prompt: "a", model: "fal-ai/flux-pro" } })
    expect(again.body.id).toBe(first.body.id)
    expect(again.body.cache_hit).toBe(false)
    expect(again.body.created_at).toBe(first.body.created_at)
  })
})
