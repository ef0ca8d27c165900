import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Account } from "../../src/services/Account.js"
import { type Route, testLayer } from "../support/mockHttp.js"

const run = <A, E>(routes: ReadonlyArray<Route>, f: (a: Account["Type"]) => Effect.Effect<A, E>) => {
  const { layer, recorded } = testLayer(routes)
  return Effect.map(Effect.provide(Effect.flatMap(Account, f), layer), (value) => ({ value, recorded }))
}

// Reference §6.12.
const me = { organization: { id: "OYw7Bs28wKjFBzk3hedV", name: "Enes Uzun's Org" }, role: "api-key" }
const keys = [
  { id: "AD6iVunqtZKiYsnPdRgk", name: "test2", key_prefix: "vg-5e27273" },
  { id: "Rxaz9ZpuATRTXVKaYy1e", name: "testtt", key_prefix: "vg-05a2ee7" },
  { id: "WvupskeVFCyZYuJPkc8J", name: "test3", key_prefix: "vg-0b4eec0" },
  { id: "qLrfgKOX8APj42NvimLD", name: "deneem2", key_prefix: "vg-6bc6e71" }
]

describe("Account", () => {
  it.effect("me: GET /auth/me decodes §6.12", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{ method: "GET", path: "/auth/me", reply: { body: me } }], (a) => a.me())
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/auth/me", body: undefined })
      expect(value).toMatchObject({
        organization: { id: "OYw7Bs28wKjFBzk3hedV", name: "Enes Uzun's Org" },
        role: "api-key"
      })
    }))

  it.effect("listApiKeys: GET /api-keys, a bare array", () =>
    Effect.gen(function*() {
      const { recorded, value } = yield* run([{ method: "GET", path: "/api-keys", reply: { body: keys } }], (a) =>
        a.listApiKeys())
      expect(recorded[0]).toMatchObject({ method: "GET", pathname: "/v1/api-keys" })
      expect(value).toHaveLength(4)
      expect(value[0]).toMatchObject({ id: "AD6iVunqtZKiYsnPdRgk", name: "test2", keyPrefix: "vg-5e27273" })
    }))

  it.effect("decode failure surfaces as DecodeError naming the field", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(run([{ path: "/auth/me", reply: { body: { role: "api-key" } } }], (a) => a.me()))
      expect(e1).toMatchObject({ _tag: "DecodeError", field: "organization", endpoint: "GET /auth/me" })
      const e2 = yield* Effect.flip(
        run([{ path: "/api-keys", reply: { body: [{ name: "no id" }] } }], (a) => a.listApiKeys())
      )
      expect(e2).toMatchObject({ _tag: "DecodeError", field: "0.id" })
      const e3 = yield* Effect.flip(run([{ path: "/api-keys", reply: { body: { keys } } }], (a) => a.listApiKeys()))
      expect(e3._tag).toBe("DecodeError")
    }))
})
