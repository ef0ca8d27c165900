import { createHash } from "node:crypto"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Client } from "../../src/index.js"
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
    expect(keys).toContain("batch:fox")
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

  it("sends the Idempotency-Keys the SDK's generateMany sends for the same items, first run and resumed", async () => {
    const lines = [
      JSON.stringify({ prompt: "a teapot", width: 64, height: 64, key: "sku-1" }),
      JSON.stringify({ prompt: "a lamp", width: 64, height: 64 }),
      JSON.stringify({ prompt: "a chair", width: 64, height: 64, seed: 7 })
    ]
    const input = join(cli.dir, "sdk.jsonl")
    writeFileSync(input, lines.join("\n"))
    // The documented scheme: an item's `key`, else vg-batch-<first 40 hex of the SHA-256 of its line>.
    const keyOf = (line: string) =>
      JSON.parse(line).key ?? `vg-batch-${createHash("sha256").update(line).digest("hex").slice(0, 40)}`
    const items = lines.map((line) => {
      const { height, prompt, seed, width } = JSON.parse(line)
      return { prompt, width, height, ...(seed !== undefined ? { seed } : {}), key: keyOf(line) }
    })

    // The SDK runs the batch first (say, in a script that crashed before saving anything) ...
    const client = new Client({ apiKey: "vg-test-key", baseUrl: cli.server.baseUrl, maxRetries: 0 })
    const start = generations().length
    const entries = await client.images.generateMany(items, { concurrency: 2 })
    await client.close()
    expect(entries.map((e) => e.ok)).toEqual([true, true, true])
    const sdkKeys = generations().slice(start).map((r) => r.headers["idempotency-key"]).sort()
    expect(sdkKeys).toEqual(items.map((i) => `batch:${i.key}`).sort())
    const billed = cli.server.fake.billedCount

    // ... then the CLI on the same lines sends the same keys: replayed, not billed again.
    const out = join(cli.dir, "sdk-out")
    const first = await cli.json(["batch", input, "--out-dir", out])
    expect(first.value).toMatchObject({ saved: 3, failed: 0 })
    const cliKeys = generations().slice(start + 3).map((r) => r.headers["idempotency-key"]).sort()
    expect(cliKeys).toEqual(sdkKeys)
    expect(cli.server.fake.billedCount).toBe(billed)
    expect(first.value.items.map((i: { key: string }) => i.key)).toEqual(items.map((i) => i.key))

    // A crash after the first item: the journal keeps one line, the outputs of the others are gone.
    const journal = join(out, "visgate-batch.journal.jsonl")
    const kept = readFileSync(journal, "utf8").split("\n")[0]!
    writeFileSync(journal, kept + "\n")
    for (const i of first.value.items) if (i.key !== JSON.parse(kept).key) rmSync(join(out, i.file))
    const resumed = await cli.json(["batch", input, "--out-dir", out])
    expect(resumed.value).toMatchObject({ saved: 2, skipped: 1, failed: 0 })
    const resent = generations().slice(start + 6).map((r) => r.headers["idempotency-key"]).sort()
    expect(resent).toEqual(sdkKeys.filter((k) => k !== `batch:${JSON.parse(kept).key}`))
    expect(cli.server.fake.billedCount).toBe(billed)
  })

  it("a bad key is a usage error before any request", async () => {
    const bad = join(cli.dir, "badkey.jsonl")
    writeFileSync(bad, [{ prompt: "a", key: "k" }, { prompt: "b", key: "k" }].map((o) => JSON.stringify(o)).join("\n"))
    const before = generations().length
    const dup = await cli.json(["batch", bad, "--out-dir", join(cli.dir, "badkey")])
    expect(dup.code).toBe(2)
    expect(dup.value.error.message).toMatch(/^line 2: key "k" is used twice/)
    writeFileSync(bad, JSON.stringify({ prompt: "a", key: "caf\u00e9" }))
    const ascii = await cli.json(["batch", bad, "--out-dir", join(cli.dir, "badkey")])
    expect(ascii.code).toBe(2)
    expect(ascii.value.error).toMatchObject({ field: "key" })
    expect(generations().length).toBe(before)
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
