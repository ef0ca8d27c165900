import { spawn } from "node:child_process"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Cli, startCli } from "./helpers.js"

let cli: Cli
beforeAll(async () => {
  cli = await startCli()
}, 120_000)
afterAll(() => cli?.close())

describe("visgate models / usage / mock", () => {
  it("models: a table; --media-type and --provider filter; search <query>", async () => {
    const r = await cli.run(["models", "--media-type", "video", "--limit", "5"])
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toMatch(/^MODEL\s+PROVIDER\s+MEDIA\s+PRICE\s+NAME$/)
    expect(lines.slice(2, -1).every((l) => /\svideo\s/.test(l))).toBe(true)
    const q = cli.server.fake.lastRequest("GET /models")!
    expect(q.query).toMatchObject({ media_type: "video", limit: "5" })
    const j = await cli.json(["models", "search", "flux", "--provider", "fal"])
    expect(j.code).toBe(0)
    expect(j.value.length).toBeGreaterThan(0)
    expect(j.value.every((m: { provider: string }) => m.provider === "fal")).toBe(true)
    expect(cli.server.fake.lastRequest("GET /models")!.query).toMatchObject({ search: "flux", provider: "fal" })
    expect((await cli.run(["models", "--media-type", "pictures"])).code).toBe(2)
  })

  it("usage --period", async () => {
    const j = await cli.json(["usage", "--period", "week"])
    expect(j.code).toBe(0)
    expect(j.value).toHaveProperty("totalRequests")
    expect(cli.server.fake.lastRequest("GET /usage")!.query).toMatchObject({ period: "week" })
    const t = await cli.run(["usage"])
    expect(t.stdout).toMatch(/totalRequests\s+\d+/)
  })

  it("--base-url wins over VISGATE_BASE_URL; an unreachable API is a network error (exit 7)", async () => {
    const r = await cli.run(["usage", "--base-url", "http://127.0.0.1:9/api/v1"])
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/ConnectionError/)
  }, 60_000)

  it("mock serves the fake API until stopped", async () => {
    const child = spawn(process.execPath, [join(cli.dir, "cli.js"), "mock", "--json"], {
      env: { PATH: process.env.PATH, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      let stdout = ""
      const info = await new Promise<{ baseUrl: string }>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += d
          try {
            resolve(JSON.parse(stdout))
          } catch {
            // not complete yet
          }
        })
        child.on("close", (code) => reject(new Error(`mock exited ${code}`)))
      })
      const health = await fetch(`${info.baseUrl}/health`)
      expect(health.status).toBe(200)
      const models = await cli.json(["models", "--limit", "2", "--base-url", info.baseUrl])
      expect(models.value).toHaveLength(2)
    } finally {
      child.kill("SIGINT")
    }
  })
})
