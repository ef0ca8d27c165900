import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Models } from "../../src/services/Models.js"
import { type Route, testLayer } from "../support/mockHttp.js"

// Reference §6.11.
const listFixture = {
  models: [
    {
      id: "fal-ai/flux/schnell",
      name: "FLUX Schnell",
      provider: "fal",
      media_type: "image",
      tags: ["fast", "text-to-image"],
      run_count: 5000
    }
  ],
  total_count: 1704,
  featured: [
    { title: "Popular", key: "popular", models: [{ id: "m1", name: "M1", provider: "fal", media_type: "image" }] }
  ]
}

const run = <A, E>(routes: ReadonlyArray<Route>, f: (m: Models["Type"]) => Effect.Effect<A, E>) => {
  const { layer, recorded } = testLayer(routes)
  return Effect.map(Effect.provide(Effect.flatMap(Models, f), layer), (value) => ({ value, recorded }))
}

describe("Models", () => {
  it.effect("list: snake_case query, booleans as \"true\", unset omitted; decodes §6.11", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{ method: "GET", path: "/models", reply: { body: listFixture } }], (m) =>
        m.list({
          provider: "fal",
          mediaType: "image",
          capability: "text-to-image",
          search: null,
          sort: "popular",
          limit: 20,
          featured: true
        }))
      expect(recorded).toHaveLength(1)
      expect(recorded[0]!.method).toBe("GET")
      expect(recorded[0]!.pathname).toBe("/v1/models")
      expect(recorded[0]!.query).toEqual({
        provider: "fal",
        media_type: "image",
        capability: "text-to-image",
        sort: "popular",
        limit: "20",
        featured: "true"
      })
      expect(recorded[0]!.body).toBeUndefined()
      expect(recorded[0]!.headers["content-type"]).toBeUndefined()
      expect(value.totalCount).toBe(1704)
      expect(value.models[0]).toMatchObject({
        id: "fal-ai/flux/schnell",
        name: "FLUX Schnell",
        provider: "fal",
        mediaType: "image",
        tags: ["fast", "text-to-image"],
        runCount: 5000,
        baseCostMicro: 0,
        capabilities: []
      })
      expect(value.featured?.[0]?.key).toBe("popular")
      expect(value.featured?.[0]?.models[0]?.id).toBe("m1")
    }))

  it.effect("list: nothing set sends no query; featured false is not sent", () =>
    Effect.gen(function*() {
      const { recorded } = yield* run([{ path: "/models", reply: { body: { models: [] } } }], (m) =>
        Effect.zip(m.list(), m.list({ featured: false })))
      expect(recorded.map((r) =>
        r.query
      )).toEqual([{}, {}])
    }))

  it.effect("list: modelType is a client-side alias sent as media_type; conflicting values fail first", () =>
    Effect.gen(function*() {
      const { recorded } = yield* run(
        [{ path: "/models", reply: { body: { models: [] } } }],
        (m) => m.list({ modelType: "video" })
      )
      expect(recorded[0]!.query).toEqual({ media_type: "video" })
      expect(recorded[0]!.query).not.toHaveProperty("model_type")

      const conflict = yield* Effect.flip(
        run([], (m) => m.list({ mediaType: "image", modelType: "video" }))
      )
      expect(conflict._tag).toBe("ValidationError")
      expect(conflict).toMatchObject({ field: "modelType" })
    }))

  it.effect("list: invalid limit fails with ValidationError before any request", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const error = yield* Effect.flip(Effect.provide(Effect.flatMap(Models, (m) => m.list({ limit: 0 })), layer))
      expect(error._tag).toBe("ValidationError")
      expect(error).toMatchObject({ field: "limit" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("get: each segment encoded, slashes kept", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run(
        [{ method: "GET", path: /^\/models\//, reply: { body: { id: "fal-ai/flux-pro", provider: "fal" } } }],
        (m) => Effect.zip(m.get("fal-ai/flux-pro"), m.get("replicate/owner/name with space#1"))
      )
      expect(recorded[0]!.pathname).toBe("/v1/models/fal-ai/flux-pro")
      expect(recorded[1]!.pathname).toBe("/v1/models/replicate/owner/name%20with%20space%231")
      expect(recorded[1]!.url).not.toContain("%2F")
      expect(value[0]).toMatchObject({ id: "fal-ai/flux-pro", provider: "fal", mediaType: "image", name: "" })
    }))

  it.effect("get: empty id is a ValidationError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(run([], (m) => m.get("  ")))
      expect(error).toMatchObject({ _tag: "ValidationError", field: "modelId" })
    }))

  it.effect("search: search + limit (default 20)", () =>
    Effect.gen(function*() {
      const { recorded } = yield* run([{ path: "/models", reply: { body: { models: [], total_count: 0 } } }], (m) =>
        Effect.zip(m.search("istanbul"), m.search("flux", { limit: 5 })))
      expect(recorded[0]!.query).toEqual({ search: "istanbul", limit: "20" })
      expect(recorded[1]!.query).toEqual({ search: "flux", limit: "5" })
    }))

  it.effect("iterate: walks limit/offset pages until a short page", () =>
    Effect.gen(function*() {
      const all = Array.from({ length: 5 }, (_, i) => ({ id: `p/m${i}`, name: `M${i}` }))
      const route: Route = {
        path: "/models",
        reply: (req) => {
          const limit = Number(req.query.limit)
          const offset = Number(req.query.offset ?? 0)
          return { body: { models: all.slice(offset, offset + limit) } }
        }
      }
      const { recorded, value } = yield* run([route], (m) =>
        Stream.runCollect(m.iterate({ provider: "fal", pageSize: 2 })))
      expect(
        Chunk.toArray(value).map((x) =>
          x.id
        )
      ).toEqual(all.map((x) => x.id))
      expect(recorded.map((r) => r.query)).toEqual([
        { provider: "fal", limit: "2", offset: "0" },
        { provider: "fal", limit: "2", offset: "2" },
        { provider: "fal", limit: "2", offset: "4" }
      ])
    }))

  it.effect("iterate: stops once total_count is reached (no extra request)", () =>
    Effect.gen(function*() {
      const all = Array.from({ length: 4 }, (_, i) => ({ id: `p/m${i}` }))
      const route: Route = {
        path: "/models",
        reply: (req) => {
          const offset = Number(req.query.offset)
          return { body: { models: all.slice(offset, offset + 2), total_count: 4 } }
        }
      }
      const { recorded, value } = yield* run([route], (m) => Stream.runCollect(m.iterate({ pageSize: 2 })))
      expect(Chunk.size(value)).toBe(4)
      expect(recorded).toHaveLength(2)
    }))

  it.effect("iterate: pages are fetched lazily", () =>
    Effect.gen(function*() {
      const route: Route = { path: "/models", reply: { body: { models: [{ id: "a" }, { id: "b" }] } } }
      const { recorded } = yield* run(
        [{
          ...route,
          reply: (req) => ({ body: { models: [{ id: `a${req.query.offset}` }, { id: `b${req.query.offset}` }] } })
        }],
        (m) => Stream.runCollect(Stream.take(m.iterate({ pageSize: 2 }), 3))
      )
      expect(recorded).toHaveLength(2)
    }))

  it.effect("iterate: a server that ignores offset fails instead of looping", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        run([{ path: "/models", reply: { body: { models: [{ id: "a" }, { id: "b" }] } } }], (m) =>
          Stream.runCollect(m.iterate({ pageSize: 2 })))
      )
      expect(error).toMatchObject({ _tag: "VisgateError", errorCode: "PAGINATION_UNSUPPORTED" })
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        run([{ path: "/models", reply: { body: { models: [{ name: "no id" }] } } }], (m) => m.list())
      )
      expect(error._tag).toBe("DecodeError")
      expect(error).toMatchObject({ field: "models.0.id", endpoint: "GET /models" })
      const error2 = yield* Effect.flip(
        run([{ path: /^\/models\//, reply: { body: { id: 42 } } }], (m) => m.get("x/y"))
      )
      expect(error2).toMatchObject({ _tag: "DecodeError", field: "id" })
    }))
})
