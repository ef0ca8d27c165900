/**
 * The peer check of `./effect` and `./testing` (src/internal/effectPeers.ts), wired into the build
 * (called from scripts/bundle-entry.mjs):
 *
 * - `import` under Node: `dist/node/<entry>.js`, a small module that reads the app's
 *   `effect/package.json` and `@effect/platform/package.json`, fails with the one message when they
 *   are out of range, and only then loads `dist/<entry>.js` with a dynamic `import()` (top-level
 *   await), re-exporting its names as static bindings listed here at build time. A static import
 *   would not do: Node's ESM loader links the whole graph before running any of it, so next to
 *   effect 4 it stops at a module effect 4 lacks, with its own error. Bundlers and browsers (the
 *   `default` condition) keep the plain, tree-shakeable `dist/<entry>.js`.
 * - `require`: `CJS_PEER_CHECK`, the first line of `dist/cjs/<entry>.js` (CommonJS runs in order).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

/** The entries that run on the app's own effect. */
export const EFFECT_ENTRIES = ["effect.js", "testing.js"]

const manifests =
  `{ effect: () => require("effect/package.json"), platform: () => require("@effect/platform/package.json") }`

/** Prepended to `dist/cjs/effect.js` and `dist/cjs/testing.js`. */
export const CJS_PEER_CHECK = `require("./internal/effectPeers.js").requireSupportedEffect(${manifests});\n`

const identifier = /^[A-Za-z_$][\w$]*$/

/** Writes `dist/node/effect.js` and `dist/node/testing.js` (after tsc's emit of `dist/<entry>.js`). */
export const writeNodeGuards = async (dist) => {
  mkdirSync(join(dist, "node"), { recursive: true })
  for (const entry of EFFECT_ENTRIES) {
    const names = Object.keys(await import(pathToFileURL(join(dist, entry)).href)).sort()
    const bad = names.filter((n) => !identifier.test(n) || n === "default")
    if (bad.length > 0) throw new Error(`effect-guard: dist/${entry} exports ${bad.join(", ")}`)
    writeFileSync(
      join(dist, "node", entry),
      [
        `// @visgate_ai/client/${
          entry.replace(/\.js$/, "")
        } under Node's \`import\`: the app's effect is checked before`,
        `// ../${entry} is linked (scripts/effect-guard.mjs).`,
        `import { createRequire } from "node:module"`,
        `import { importSupportedEffect } from "../internal/effectPeers.js"`,
        `const entry = await importSupportedEffect(() => {`,
        `  const require = createRequire(import.meta.url)`,
        `  return ${manifests}`,
        `}, () => import("../${entry}"))`,
        `export const {`,
        ...names.map((n, i) => `  ${n}${i === names.length - 1 ? "" : ","}`),
        `} = entry`,
        ``
      ].join("\n")
    )
  }
}
