/**
 * docs/API.md cannot drift from the code: every public method of every Promise resource (found on
 * a live Client instance) and of every Effect service (found on the live layer) is documented, and
 * test/types/api-examples.ts (type-checked by tsc) holds exactly the doc's ```ts examples.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as EffectApi from "../../src/effect.js"
import { Client } from "../../src/index.js"
import { generateApiExamples, tsBlocks } from "../support/apiExamples.js"
import { testLayer } from "../support/mockHttp.js"

const root = new URL("../../", import.meta.url)
const doc = readFileSync(new URL("docs/API.md", root), "utf8")

/** `resource.method` for every function-valued property of every resource object of a Client. */
const promiseMethods = (client: Client): Array<string> => {
  const out: Array<string> = []
  for (const [name, value] of Object.entries(client)) {
    if (typeof value !== "object" || value === null) continue
    for (const [method, fn] of Object.entries(value)) {
      if (typeof fn === "function") out.push(`client.${name}.${method}(`)
    }
  }
  for (const method of Object.getOwnPropertyNames(Client.prototype)) {
    if (method === "constructor" || method === "toString" || method === "toJSON") continue
    if (typeof (Client.prototype as unknown as Record<string, unknown>)[method] === "function") {
      out.push(`client.${method}(`)
    }
  }
  return out
}

/** Every resource service tag exported by `@visgate_ai/client/effect`, by module name. */
const serviceTags = (): Array<[string, Context.Tag<unknown, Record<string, unknown>>]> => {
  const out: Array<[string, Context.Tag<unknown, Record<string, unknown>>]> = []
  for (const [name, ns] of Object.entries(EffectApi)) {
    if (typeof ns !== "object" || ns === null || name === "VisgateConfig" || name === "VisgateClient") continue
    const tag = (ns as Record<string, unknown>)[name]
    if (Context.isTag(tag) && String(tag.key).startsWith("@visgate_ai/client/")) {
      out.push([name, tag as Context.Tag<unknown, Record<string, unknown>>])
    }
  }
  return out
}

describe("docs/API.md", () => {
  it("documents every method of every Promise resource", async () => {
    const client = new Client({
      apiKey: "vg-test",
      fetch: (() => Promise.reject(new Error("no network"))) as typeof fetch
    })
    const methods = promiseMethods(client)
    expect(methods.length).toBeGreaterThan(30)
    const missing = methods.filter((m) => !doc.includes(m))
    expect(missing, `undocumented Promise methods: ${missing.join(", ")}`).toEqual([])
    await client.close()
  })

  it("documents every method of every Effect service", async () => {
    const tags = serviceTags()
    expect(tags.map(([n]) => n)).toEqual(
      expect.arrayContaining(["Models", "Usage", "Billing", "Providers", "Deployments", "Account"])
    )
    const { layer } = testLayer([])
    const missing: Array<string> = []
    for (const [name, tag] of tags) {
      // `Webhooks` needs no client, only a secret: it has its own layer
      const service = await Effect.runPromise(
        (name === "Webhooks"
          ? Effect.provide(tag, EffectApi.Webhooks.layer({ secret: "whsec_docs" }))
          : Effect.provide(tag, layer)) as Effect.Effect<Record<string, unknown>>
      )
      for (const [method, fn] of Object.entries(service)) {
        if (typeof fn === "function" && !doc.includes(`\`${name}.${method}`)) missing.push(`${name}.${method}`)
      }
    }
    expect(missing, `undocumented Effect methods: ${missing.join(", ")}`).toEqual([])
  })

  it("every example is in test/types/api-examples.ts (run `npx tsx scripts/gen-api-examples.ts`)", () => {
    expect(tsBlocks(doc).length).toBeGreaterThan(30)
    const current = readFileSync(new URL("test/types/api-examples.ts", root), "utf8")
    expect(current).toBe(generateApiExamples(doc))
  })
})
