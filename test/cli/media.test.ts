import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Cli, startCli } from "./helpers.js"

let cli: Cli
beforeAll(async () => {
  cli = await startCli()
}, 120_000)
afterAll(() => cli?.close())

describe("visgate generate / download / wait / video", () => {
  it("generate --out saves the PNG and prints where; --json prints the result", async () => {
    const out = join(cli.dir, "fox.png")
    const r = await cli.run(["generate", "a red fox", "--width", "64", "--height", "64", "--out", out])
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`saved ${out}`)
    expect(readFileSync(out).subarray(1, 4).toString()).toBe("PNG")
    const j = await cli.json(["generate", "a blue whale", "--width", "64", "--height", "64"])
    expect(j.code).toBe(0)
    expect(j.value).toMatchObject({ model: "fal-ai/flux/schnell", status: "completed" })
    expect(j.value.images[0]).toMatch(/\/_fake\/media\/img_/)
    const body = cli.server.fake.lastRequest("POST /images/generate")!.body as Record<string, unknown>
    expect(body).toMatchObject({ prompt: "a blue whale", width: 64, height: 64 })
  })

  it("download <url> --out writes the file, leaves no temporary file", async () => {
    const gen = await cli.json(["generate", "a green owl", "--width", "64", "--height", "64"])
    const out = join(cli.dir, "owl.png")
    const j = await cli.json(["download", gen.value.images[0], "--out", out])
    expect(j.code).toBe(0)
    expect(j.value).toMatchObject({ path: out, contentType: "image/png" })
    expect(readFileSync(out).length).toBe(j.value.size)
    expect(readdirSync(cli.dir).filter((f) => f.endsWith(".part"))).toEqual([])
  })

  it("video submits async, waits (progress lines on a non-TTY stderr), then downloads the MP4", async () => {
    const out = join(cli.dir, "clip.mp4")
    const r = await cli.run([
      "video",
      "a timelapse of clouds",
      "--model",
      "fal-ai/kling-video/v1.6/standard/text-to-video",
      "--out",
      out
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`saved ${out}`)
    expect(r.stderr).toMatch(/: (pending|processing|completed), \d+\.\ds elapsed/)
    expect(existsSync(out)).toBe(true)
    const submit = cli.server.fake.lastRequest("POST /videos/generate")!
    expect(submit.headers["prefer"]).toBe("respond-async")
  })

  it("wait <requestId> returns the completed status", async () => {
    const sub = await cli.json(["video", "waves", "--model", "fal-ai/kling-video/v1.6/standard/text-to-video"])
    expect(sub.code).toBe(0)
    const j = await cli.json(["wait", sub.value.requestId])
    expect(j.code).toBe(0)
    expect(j.value).toMatchObject({ requestId: sub.value.requestId, status: "completed" })
  })

  it("exit codes: usage 2 (bad option), auth 3 (no key), download 8 (not found), with --json errors on stdout", async () => {
    const bad = await cli.run(["generate", "x", "--width", "abc"])
    expect(bad.code).toBe(2)
    const noKey = await cli.run(["generate", "x"], { VISGATE_API_KEY: undefined })
    expect(noKey.code).toBe(3)
    expect(noKey.stderr).toMatch(/AuthenticationError/)
    const badKey = await cli.json(["usage"].concat([]))
    expect(badKey.code).toBe(0)
    const missing = await cli.json([
      "download",
      `${cli.server.baseUrl}/_fake/media/nope.png`,
      "--out",
      join(cli.dir, "n.png")
    ])
    expect(missing.code).toBe(8)
    expect(missing.value.error).toMatchObject({ name: "DownloadError", reason: "Status", statusCode: 404 })
    const invalid = await cli.json(["generate", "x", "--width", "-5"])
    expect(invalid.code).toBe(2)
    expect(invalid.value.error.name).toBe("ValidationError")
  })

  it("--help on each command", async () => {
    for (const cmd of ["generate", "video", "wait", "download", "models", "usage", "batch", "mock"]) {
      const r = await cli.run([cmd, "--help"])
      expect(r.code, cmd).toBe(0)
      expect(r.stdout, cmd).toContain("--json")
    }
  })
})
