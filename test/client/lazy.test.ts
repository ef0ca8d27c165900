/**
 * The Promise client's resources off the generation path load on first use (`client/lazy.ts`):
 * their members are plain functions until then, a load happens once, a failed one is tried again,
 * iterables are handed out at once, and the ESM entry's first load holds none of their modules.
 */
import * as esbuild from "esbuild"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it, vi } from "vitest"
import { lazyFunction, lazyResource } from "../../src/client/lazy.js"
import { AbortError, Client, ValidationError } from "../../src/index.js"

const loads = vi.hoisted(() => ({ billing: 0, deployments: 0 }))
vi.mock("../../src/schemas/Billing.js", async (importOriginal) => {
  loads.billing++
  return importOriginal()
})
vi.mock("../../src/schemas/Deployments.js", async (importOriginal) => {
  loads.deployments++
  return importOriginal()
})

interface Thing {
  get(id: string): Promise<string>
  each(n: number): AsyncIterable<number>
}

const thing = (log: Array<string>): Thing => ({
  get: async (id) => {
    log.push(`get ${id}`)
    if (id === "bad") throw new ValidationError({ message: "bad id", errorCode: "INVALID_ID" })
    return `thing ${id}`
  },
  each: (n) => ({
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < n; i++) yield i
      } finally {
        log.push("closed")
      }
    }
  })
})

/** A lazy `Thing`, the calls it logs, and how many times it was loaded. */
const countedThing = () => {
  const log: Array<string> = []
  let count = 0
  const resource = lazyResource<Thing>(async () => {
    count++
    return thing(log)
  }, { get: "promise", each: "iterable" })
  return { log, loads: () => count, resource }
}

describe("lazyResource", () => {
  it("loads once, on the first call, and forwards arguments, results and errors", async () => {
    const { log, loads, resource } = countedThing()
    expect(loads()).toBe(0)
    const [a, b] = await Promise.all([resource.get("a"), resource.get("b")])
    expect([a, b, loads()]).toEqual(["thing a", "thing b", 1])
    await expect(resource.get("bad")).rejects.toBeInstanceOf(ValidationError)
    expect(loads()).toBe(1)
    expect(log).toEqual(["get a", "get b", "get bad"])
  })

  it("tries a failed load again on the next call", async () => {
    let count = 0
    const resource = lazyResource<Thing>(async () => {
      if (count++ === 0) throw new Error("chunk failed to load")
      return thing([])
    }, { get: "promise", each: "iterable" })
    await expect(resource.get("a")).rejects.toThrow("chunk failed to load")
    await expect(resource.get("a")).resolves.toBe("thing a")
    expect(count).toBe(2)
  })

  it("hands iterables out at once; loads on the first next(); return() closes what it opened", async () => {
    const { log, loads, resource } = countedThing()
    const unopened = resource.each(3)[Symbol.asyncIterator]()
    expect(await unopened.return!()).toEqual({ done: true, value: undefined })
    expect(await unopened.next()).toEqual({ done: true, value: undefined })
    expect(loads()).toBe(0)

    const seen: Array<number> = []
    for await (const i of resource.each(5)) {
      seen.push(i)
      if (i === 1) break
    }
    expect(seen).toEqual([0, 1])
    expect(loads()).toBe(1)
    expect(log).toEqual(["closed"])
  })

  it("lazyFunction: a function loaded on its first call", async () => {
    let count = 0
    const f = lazyFunction(async () => {
      count++
      return async (x: number) => x * 2
    })
    expect(count).toBe(0)
    expect(await f(2)).toBe(4)
    expect(await f(3)).toBe(6)
    expect(count).toBe(1)
  })
})

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

describe("the Promise client's lazy resources", () => {
  it("load their wire models only when first used; calls, errors and signals behave as before", async () => {
    const paths: Array<string> = []
    const fetch = (async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      paths.push(url.pathname)
      if (url.pathname.endsWith("/billing/stats")) {
        return json({ total_users: 3, total_generations: 7, total_cost_usd: 1.5 })
      }
      if (url.pathname.endsWith("/billing/info")) return json({ error: "Unauthorized", message: "bad key" }, 401)
      return json({ status: "ok" })
    }) as typeof globalThis.fetch
    const client = new Client({ apiKey: "vg-k", baseUrl: "http://t.test/api/v1", fetch, maxRetries: 0 })
    await client.health()
    expect(loads.billing).toBe(0)
    expect(loads.deployments).toBe(0)

    const stats = await client.billing.getStats()
    expect(stats).toMatchObject({ raw: { total_users: 3 } })
    expect(loads.billing).toBe(1)
    const failure = await client.billing.getInfo().catch((e: unknown) => e)
    expect(failure).toMatchObject({ name: "AuthenticationError", statusCode: 401 })

    // An aborted signal still rejects with AbortError before any request, after the load.
    const controller = new AbortController()
    controller.abort()
    const before = paths.length
    await expect(client.deployments.list({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError)
    expect(paths.length).toBe(before)
    expect(loads.deployments).toBe(1)
    await client.close()
  })

  it("a lazy resource's rejection lists the caller's frame", async () => {
    const fetch = (async () => json({ error: "Unauthorized", message: "bad key" }, 401)) as typeof globalThis.fetch
    const client = new Client({ apiKey: "vg-k", baseUrl: "http://t.test/api/v1", fetch, maxRetries: 0 })
    async function callerOfTheLazyResource() {
      return await client.providers.listKeys()
    }
    const error = await callerOfTheLazyResource().then(() => new Error("resolved"), (e: unknown) => e as Error)
    expect(error.name).toBe("AuthenticationError")
    expect(error.stack).toMatch(/callerOfTheLazyResource/)
    await client.close()
  })

  it("once closed, an unloaded resource rejects with CLIENT_CLOSED and sends nothing", async () => {
    let requests = 0
    const fetch = (async () => {
      requests++
      return json({})
    }) as typeof globalThis.fetch
    const client = new Client({ apiKey: "vg-k", baseUrl: "http://t.test/api/v1", fetch })
    await client.close()
    await expect(client.jobs.list()).rejects.toMatchObject({ errorCode: "CLIENT_CLOSED" })
    expect(requests).toBe(0)
  })
})

describe("the ESM Promise entry's first load", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url))
  const out = mkdtempSync(join(tmpdir(), "vg-lazy-"))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it("holds the generation path and none of the other resources' services or wire models", async () => {
    // Built as scripts/bundle-entry.mjs builds dist/index.js (split at the client's `import()`s).
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: ["src/index.ts"],
      outdir: out,
      entryNames: "[name]",
      chunkNames: "bundle/[name]-[hash]",
      splitting: true,
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["import", "module", "default"],
      target: "es2022",
      tsconfig: "tsconfig.build.json",
      external: ["#visgate/fs"],
      metafile: true,
      write: false,
      logLevel: "silent"
    })
    const outputs = result.metafile.outputs
    const key = (path: string) => relative(root, path)
    const firstLoad = new Set<string>()
    const visit = (file: string) => {
      if (firstLoad.has(file)) return
      firstLoad.add(file)
      for (const i of outputs[file]!.imports) if (i.kind === "import-statement" && !i.external) visit(i.path)
    }
    visit(Object.keys(outputs).find((f) => key(join(root, f)).endsWith("index.js"))!)
    const inputs = new Set([...firstLoad].flatMap((f) => Object.keys(outputs[f]!.inputs)))
    expect(inputs).toContain("src/services/Images.ts")
    expect(inputs).toContain("src/schemas/Errors.ts")
    const cold = [...inputs].filter((i) =>
      /src\/(services|schemas|client)\/(Billing|Deployments|DeploymentWatch|InferenceJobs|Jobs|Models|Usage|Providers|Account|Downloads)\.ts$/
        .test(i)
    )
    expect(cold).toEqual([])
  })
})
