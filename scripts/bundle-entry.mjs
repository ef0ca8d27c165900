/**
 * `npm run build`: tsc's emit of tsconfig.build.json to `dist/` (ES modules and their types), then:
 *
 * - `dist/index.js`: the Promise entry as one ES module with its dependencies (effect,
 *   @effect/platform) inlined, so `@visgate_ai/client` alone installs no dependency and Node loads
 *   one file. Not minified: Node prints the throwing source line of an uncaught error, and the
 *   lines stay short. Browsers and bundlers get the same code (and minify it themselves).
 * - `dist/index.d.ts`: its types, self-contained (scripts/promise-types.mjs).
 * - `dist/cjs/`: the same three entries for `require()` (package.json `type: commonjs` there):
 *   the Promise entry bundled, `./effect` and `./testing` as CommonJS modules on the app's own
 *   `effect` (a peer dependency), each `.d.ts` beside its module.
 * - `dist/vendor/fast-png.js`: the PNG encoder of the fake API, vendored, so the package has no
 *   dependency of its own.
 *
 * - `dist/cli.js`: the `visgate` CLI (`bin`), one file for Node with @effect/cli inlined (cli-bundle.mjs).
 *
 * No source maps are shipped: `src/` is not in the package, and the code is readable as it is.
 */
import * as esbuild from "esbuild"
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { buildProgram, writePromiseTypes } from "./promise-types.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const dist = join(root, "dist")
const cjs = join(dist, "cjs")

// tsc -p tsconfig.build.json, and the same program's checker writes the Promise entry's types.
const program = buildProgram()
const emit = program.emit()
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics]
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n"
  }))
  process.exit(1)
}
writePromiseTypes(program, join(dist, "index.d.ts"))

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (join(dir, e.name) === cjs ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]
  )

// The Promise entry's modules live on only inside the bundle.
for (const f of ["Client.js", "Client.d.ts"]) rmSync(join(dist, f), { force: true })

// The fake's PNG encoder, vendored.
await esbuild.build({
  absWorkingDir: root,
  stdin: { contents: `export { encode } from "fast-png"`, resolveDir: root },
  outfile: "dist/vendor/fast-png.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  legalComments: "inline",
  logLevel: "warning"
})
const png = join(dist, "testing/fake/png.js")
const pngSource = readFileSync(png, "utf8")
if (!pngSource.includes(`from "fast-png"`)) {
  throw new Error("bundle-entry: dist/testing/fake/png.js no longer imports fast-png")
}
writeFileSync(
  png,
  pngSource.replace(`from "fast-png"`, `from "${relative(dirname(png), join(dist, "vendor/fast-png.js"))}"`)
)

/** The Promise entry, bundled: `format` esm to `dist/index.js`, cjs to `dist/cjs/index.js`. */
const promiseEntry = (format, outfile) =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/index.ts"],
    outfile,
    bundle: true,
    format,
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["import", "module", "default"],
    target: "es2022",
    sourcemap: false,
    legalComments: "none",
    tsconfig: "tsconfig.build.json",
    allowOverwrite: true,
    logLevel: "warning"
  })
await promiseEntry("esm", "dist/index.js")

// CommonJS: every other module, converted one by one (imports stay imports: `effect` is the app's).
for (const file of walk(dist)) {
  const rel = relative(dist, file)
  if (rel === "index.js" || rel === "index.d.ts") continue
  const target = join(cjs, rel)
  mkdirSync(dirname(target), { recursive: true })
  if (file.endsWith(".d.ts")) copyFileSync(file, target)
  else if (file.endsWith(".js")) {
    const { code } = await esbuild.transform(readFileSync(file, "utf8"), {
      format: "cjs",
      target: "es2022",
      loader: "js"
    })
    writeFileSync(target, code)
  }
}
writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`)
await promiseEntry("cjs", "dist/cjs/index.js")

copyFileSync(join(dist, "index.d.ts"), join(cjs, "index.d.ts"))

// The `visgate` CLI (`bin`): one file for Node with its dependencies (`cli-bundle.mjs`).
const { bundleCli } = await import("./cli-bundle.mjs")
await bundleCli("dist/cli.js")
