import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Providers } from "../../src/services/Providers.js"
import { type Route, testLayer } from "../support/mockHttp.js"

const run = <A, E>(routes: ReadonlyArray<Route>, f: (p: Providers["Type"]) => Effect.Effect<A, E>) => {
  const { layer, recorded } = testLayer(routes)
  return Effect.map(Effect.provide(Effect.flatMap(Providers, f), layer), (value) => ({ value, recorded }))
}

// Reference §6.7, §6.8, §6.9.
const keys = {
  keys: [
    { provider: "fal", validated: true, validated_at: "2026-02-10T15:26:01.772000+00:00", masked_key: "****a346" },
    {
      provider: "replicate",
      validated: true,
      validated_at: "2026-02-10T15:26:02.516000+00:00",
      masked_key: "****JIbK"
    },
    { provider: "runway", validated: true, validated_at: "2026-02-11T15:07:02.318000+00:00", masked_key: "****9758" }
  ]
}
const balances = {
  balances: [
    { provider: "fal", configured: true, available: true, remaining: null, limit: null, currency: "credits" },
    { provider: "replicate", configured: true, available: true, remaining: null, limit: null, currency: "usd" },
    { provider: "runway", configured: true, available: true, remaining: 1880.0, limit: 10000.0, currency: "credits" }
  ]
}

describe("Providers", () => {
  it.effect("listKeys: GET /providers/keys decodes §6.7", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{ method: "GET", path: "/providers/keys", reply: { body: keys } }], (p) =>
        p.listKeys())
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/providers/keys", body: undefined })
      expect(value.keys).toHaveLength(3)
      expect(value.keys[0]).toMatchObject({
        provider: "fal",
        validated: true,
        validatedAt: "2026-02-10T15:26:01.772000+00:00",
        maskedKey: "****a346"
      })
    }))

  it.effect("setKey: PUT /providers/keys {provider, api_key}; string or Redacted key", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "PUT",
        path: "/providers/keys",
        reply: (req) => ({
          body: { provider: (req.body as { provider: string }).provider, validated: false, masked_key: "****_abc" }
        })
      }], (p) => Effect.zip(p.setKey("fal", "fal_secret_abc"), p.setKey("Replicate", Redacted.make("r8_secret"))))
      expect(recorded[0]).toMatchObject({
        method: "PUT",
        pathname: "/v1/providers/keys",
        body: { provider: "fal", api_key: "fal_secret_abc" }
      })
      expect(recorded[1]!.body).toEqual({ provider: "replicate", api_key: "r8_secret" })
      expect(value[0]).toMatchObject({ provider: "fal", validated: false, maskedKey: "****_abc" })
    }))

  it.effect("setKey: the key never appears in a validation error or in logs", () =>
    Effect.gen(function*() {
      const { layer, recorded } = testLayer([])
      const e = yield* Effect.flip(
        Effect.provide(Effect.flatMap(Providers, (p) => p.setKey("", "fal_topsecret")), layer)
      )
      expect(e).toMatchObject({ _tag: "ValidationError", field: "provider" })
      expect(JSON.stringify(e)).not.toContain("fal_topsecret")
      expect(String(e)).not.toContain("fal_topsecret")
      const blank = yield* Effect.flip(Effect.provide(Effect.flatMap(Providers, (p) => p.setKey("fal", "  ")), layer))
      expect(blank).toMatchObject({ _tag: "ValidationError", field: "apiKey" })
      expect(recorded).toHaveLength(0)
    }))

  it.effect("setKey: a failed request's error does not echo the key", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(
        run(
          [{ path: "/providers/keys", reply: { status: 400, body: { error: "BAD_REQUEST", message: "bad key" } } }],
          (p) => p.setKey("fal", "fal_topsecret")
        )
      )
      expect(e).toMatchObject({ _tag: "VisgateError", errorCode: "BAD_REQUEST" })
      expect(JSON.stringify(e)).not.toContain("fal_topsecret")
    }))

  it.effect("deleteKey: DELETE /providers/keys/{provider}; 204 and JSON both succeed", () =>
    Effect.gen(function*() {
      let n = 0
      const { recorded, value } = yield* run([{
        method: "DELETE",
        path: /^\/providers\/keys\//,
        reply:
          () => (n++ === 0 ? { status: 204 } : { body: { deleted: true, provider: "runway", message: "Key removed" } })
      }], (p) => Effect.zip(p.deleteKey("fal"), p.deleteKey("runway")))
      expect(recorded.map((r) => [r.method, r.pathname, r.body])).toEqual([
        ["DELETE", "/v1/providers/keys/fal", undefined],
        ["DELETE", "/v1/providers/keys/runway", undefined]
      ])
      expect(value[0]).toMatchObject({ deleted: true, provider: "fal" })
      expect(value[1]).toMatchObject({ deleted: true, provider: "runway", message: "Key removed" })
    }))

  it.effect("validateKey: POST /providers/validate {provider, api_key} decodes §6.9", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "POST",
        path: "/providers/validate",
        reply: { body: { valid: true, message: "Valid Fal.ai API key" } }
      }], (p) => p.validateKey("fal", "fal_xyz"))
      expect(recorded[0]).toMatchObject({
        method: "POST",
        pathname: "/v1/providers/validate",
        body: { provider: "fal", api_key: "fal_xyz" }
      })
      expect(value).toMatchObject({ valid: true, message: "Valid Fal.ai API key" })
    }))

  it.effect("balances: GET /providers/balances decodes §6.8 (nulls absent)", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{
        method: "GET",
        path: "/providers/balances",
        reply: { body: balances }
      }], (p) => p.balances())
      expect(recorded[0]!.pathname).toBe("/v1/providers/balances")
      expect(value.balances[0]).toMatchObject({
        provider: "fal",
        configured: true,
        available: true,
        currency: "credits"
      })
      expect(value.balances[0]!.remaining).toBeUndefined()
      expect(value.balances[2]).toMatchObject({ remaining: 1880, limit: 10000, currency: "credits" })
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(
        run([{ path: "/providers/keys", reply: { body: { keys: [{ validated: true }] } } }], (p) => p.listKeys())
      )
      expect(e1).toMatchObject({ _tag: "DecodeError", field: "keys.0.provider" })
      const e2 = yield* Effect.flip(
        run([{ path: "/providers/validate", reply: { body: { message: "?" } } }], (p) => p.validateKey("fal", "k"))
      )
      expect(e2).toMatchObject({ _tag: "DecodeError", field: "valid" })
      const e3 = yield* Effect.flip(
        run(
          [{ path: "/providers/balances", reply: { body: { balances: [{ provider: "fal", limit: "lots" }] } } }],
          (p) => p.balances()
        )
      )
      expect(e3).toMatchObject({ _tag: "DecodeError", field: "balances.0.limit" })
    }))
})
