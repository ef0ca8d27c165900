import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Cli, startCli } from "./helpers.js"

let cli: Cli
beforeAll(async () => {
  cli = await startCli()
}, 120_000)
afterAll(() => cli?.close())

const generations = () => cli.server.fake.requests.filter((r) => r.method === "POST" && r.path === "/images/generate")

describe("visgate batch", () => {
  it("one image per line, saved to --out-dir with a journal; a re-run skips what is done", async () => {
    const input = join(cli.dir, "items.jsonl")
    writeFileSync(
      input,
      [
        JSON.stringify({ prompt: "a red fox", width: 64, height: 64, key: "fox" }),
        "",
        JSON.stringify({ prompt: "a blue whale", width: 64, height: 64 }),
        JSON.stringify({ prompt: "a green owl", width: 64, height: 64, model: "fal-ai/flux/dev" })
      ].join("\n")
    )
    const out = join(cli.dir, "out")
    const before = generations().length
    const first = await cli.json(["batch", input, "--out-dir", out, "--concurrency", "2"])
    expect(first.code).toBe(0)
    expect(first.value).toMatchObject({ total: 3, saved: 3, failed: 0, skipped: 0 })
    const files = readdirSync(out).sort()
    expect(files).toContain("fox.png")
    expect(files.filter((f) => f.endsWith(".png"))).toHaveLength(3)
    expect(files).toContain("visgate-batch.journal.jsonl")
    const sent = generations().slice(before)
    expect(sent).toHaveLength(3)
    const keys = sent.map((r) => r.headers["idempotency-key"])
    expect(keys).toContain("fox")
    expect(new Set(keys).size).toBe(3)
    expect(sent.find((r) => (r.body as { prompt: string }).prompt === "a green owl")!.body).toMatchObject({
      model: "fal-ai/flux/dev"
    })

    // Resume: nothing done is generated again.
    const again = await cli.json(["batch", input, "--out-dir", out])
    expect(again.value).toMatchObject({ total: 3, saved: 0, skipped: 3 })
    expect(generations().length).toBe(before + 3)

    // A lost output runs again, with the same Idempotency-Key (the server replays, no second bill).
    const whale = first.value.items.find((i: { line: number }) => i.line === 3)
    rmSync(join(out, whale.file))
    const third = await cli.json(["batch", input, "--out-dir", out])
    expect(third.value).toMatchObject({ saved: 1, skipped: 2 })
    const resent = generations().at(-1)!
    expect(resent.headers["idempotency-key"]).toBe(
      keys[sent.findIndex((r) => (r.body as { prompt: string }).prompt === "a blue whale")]
    )
    expect(readFileSync(join(out, whale.file)).subarray(1, 4).toString()).toBe("PNG")
  })

  it("a failed item is journalled, the others are saved, exit code 9; a bad line is a usage error before any request", async () => {
    const input = join(cli.dir, "mixed.jsonl")
    writeFileSync(
      input,
      [
        JSON.stringify({ prompt: "fine", width: 64, height: 64 }),
        JSON.stringify({ prompt: "no such model", model: "nobody/nothing" })
      ].join("\n")
    )
    const r = await cli.json(["batch", input, "--out-dir", join(cli.dir, "mixed")])
    expect(r.code).toBe(9)
    expect(r.value).toMatchObject({ saved: 1, failed: 1 })
    expect(r.value.items[1]).toMatchObject({ line: 2, ok: false })

    const bad = join(cli.dir, "bad.jsonl")
    writeFileSync(bad, `${JSON.stringify({ prompt: "ok" })}\n{"model": "x"}\n`)
    const before = generations().length
    const b = await cli.json(["batch", bad, "--out-dir", join(cli.dir, "bad")])
    expect(b.code).toBe(2)
    expect(b.value.error.message).toMatch(/line 2/)
    expect(generations().length).toBe(before)
  })
})
