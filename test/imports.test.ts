/**
 * `src` imports Effect modules by deep path (`effect/Effect`, `@effect/platform/HttpClient`), never
 * through the package barrels, which pull every module into bundles and cold starts.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const srcDir = fileURLToPath(new URL("../src", import.meta.url))

const tsFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return tsFiles(path)
    return entry.name.endsWith(".ts") ? [path] : []
  })

// `from "effect"`, `import "effect"`, `import("effect")`, and the same for `@effect/platform`.
const BARREL = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](effect|@effect\/platform)["']/g

describe("imports", () => {
  it("src has TypeScript files to scan", () => {
    expect(tsFiles(srcDir).length).toBeGreaterThan(5)
  })

  it("src never imports the effect or @effect/platform barrel", () => {
    const offenders: Array<string> = []
    for (const file of tsFiles(srcDir)) {
      const text = readFileSync(file, "utf8")
      for (const match of text.matchAll(BARREL)) {
        const line = text.slice(0, match.index).split("\n").length
        offenders.push(`${relative(srcDir, file)}:${line}: ${match[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it("the check catches a barrel import", () => {
    const sample = `import { Effect } from "effect"\nimport * as P from '@effect/platform'\nconst m = import("effect")`
    expect([...sample.matchAll(BARREL)].length).toBe(3)
    expect([...`import * as Effect from "effect/Effect"`.matchAll(BARREL)].length).toBe(0)
  })
})
