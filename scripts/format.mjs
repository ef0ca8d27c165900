#!/usr/bin/env node
// Formats (or, with --check, checks) the TypeScript and JavaScript sources with dprint's TypeScript
// plugin, run as WebAssembly from the `@dprint/typescript` npm package through `@dprint/formatter`.
// The dprint CLI is not used: it needs a per-platform binary package, and the registry mirror CI
// installs from does not carry all of them, so `npm ci` cannot install it everywhere.
//
//   node scripts/format.mjs          # rewrite files that are not formatted
//   node scripts/format.mjs --check  # list them and exit 1
//
// Configuration: dprint.json (`typescript` options, `includes` roots and `excludes`).
import { createFromBuffer } from "@dprint/formatter"
import { getPath } from "@dprint/typescript"
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const config = JSON.parse(readFileSync(join(root, "dprint.json"), "utf8"))
const check = process.argv.includes("--check")

const formatter = createFromBuffer(readFileSync(getPath()))
formatter.setConfig({ indentWidth: 2, lineWidth: 120 }, config.typescript)

/** `dir/**\/*.ts`, `dir/**\/*.{ts,mjs}` or a plain file: the roots and extensions dprint.json names. */
const patterns = config.includes.map((pattern) => {
  const m = /^(.*?)\/\*\*\/\*\.(?:\{(.+)\}|(\w+))$/.exec(pattern)
  return m === null
    ? { file: pattern }
    : { dir: m[1], exts: (m[2] ?? m[3]).split(",").map((e) => `.${e}`) }
})
const excluded = (rel) =>
  rel.split("/").some((part) => part === "node_modules" || part === "dist") ||
  config.excludes.some((e) => !e.includes("*") && rel === e)

const files = []
const walk = (dir, exts) => {
  let entries
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const rel = `${dir}/${entry.name}`
    if (excluded(rel)) continue
    if (entry.isDirectory()) walk(rel, exts)
    else if (exts.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith(".d.ts")) files.push(rel)
  }
}
for (const p of patterns) {
  if (p.file !== undefined) {
    try {
      if (statSync(join(root, p.file)).isFile()) files.push(p.file)
    } catch { /* absent */ }
  } else walk(p.dir, p.exts)
}

const unformatted = []
for (const rel of files) {
  const path = join(root, rel)
  const text = readFileSync(path, "utf8")
  const formatted = formatter.formatText({ filePath: path, fileText: text })
  if (formatted !== text) {
    unformatted.push(relative(root, path))
    if (!check) writeFileSync(path, formatted)
  }
}
if (check && unformatted.length > 0) {
  console.error(`format: ${unformatted.length} file(s) not formatted (run npm run format):`)
  for (const f of unformatted) console.error(`  ${f}`)
  process.exit(1)
}
console.log(`format: ${files.length} files ${check ? "checked" : `checked, ${unformatted.length} rewritten`}`)
