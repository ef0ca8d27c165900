/**
 * Part of `npm run build`: after tsc has emitted `dist/` (modules and types), the Promise entry
 * `dist/index.js` is replaced by one ESM bundle with its dependencies inlined. Node then loads one
 * file instead of Effect's ~530 modules (cold import: see BENCHMARKS.md), and browsers and bundlers
 * get the same code. `./effect` and `./testing` stay as modules on the shared `effect` install, so
 * Effect programs compose with their own `effect`. Error classes match by `_tag`, so `instanceof`
 * holds across the two.
 */
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  conditions: ["import", "module", "default"],
  target: "es2022",
  // Readable: whitespace and syntax minified, names kept for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: "none",
  tsconfig: "tsconfig.build.json",
  allowOverwrite: true,
  logLevel: "warning"
})

// The `visgate` CLI (`bin`): one file for Node with its dependencies (`cli-bundle.mjs`).
const { bundleCli } = await import("./cli-bundle.mjs")
await bundleCli("dist/cli.js")
