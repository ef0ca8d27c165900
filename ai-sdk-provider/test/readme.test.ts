/**
 * The README's ```ts examples are type-checked: each block is the exact content of
 * `test/readme/example-NN.ts` (included in `tsc -p ai-sdk-provider/tsconfig.json`, never run).
 * `UPDATE_README_EXAMPLES=1 npx vitest run ai-sdk-provider/test/readme.test.ts` rewrites them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const dir = new URL("./readme/", import.meta.url)
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")

const blocks = (): Array<string> => {
  const out: Array<string> = []
  const re = /^```ts\n([\s\S]*?)^```$/gm
  for (let m = re.exec(readme); m !== null; m = re.exec(readme)) out.push(m[1]!)
  return out
}

const fileName = (i: number) => `example-${String(i + 1).padStart(2, "0")}.ts`
/** An import-only block is still a module: `export {}` keeps it one without changing the example. */
const asModule = (block: string) => /^(import|export) /m.test(block) ? block : `${block}export {}\n`

describe("README examples", () => {
  it("each ```ts block is a type-checked file under test/readme/", () => {
    const expected = blocks().map((block, i) => [fileName(i), asModule(block)] as const)
    if (process.env.UPDATE_README_EXAMPLES === "1") {
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      for (const [name, content] of expected) writeFileSync(new URL(name, dir), content)
    }
    expect(readdirSync(dir).sort()).toEqual(expected.map(([name]) => name))
    for (const [name, content] of expected) expect(readFileSync(new URL(name, dir), "utf8"), name).toBe(content)
  })
})
