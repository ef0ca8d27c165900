/**
 * `npm run build`: tsc's emit of tsconfig.build.json to `dist/` (ES modules and their types), then:
 *
 * - `dist/index.js`: the Promise entry as one ES module with its dependencies (effect,
 *   @effect/platform) inlined, so `@visgate_ai/client` alone installs no dependency; what the
 *   client loads with `import()` (logging and tracing) is split off to `dist/bundle/`. Not
 *   minified: Node prints the throwing source line of an uncaught error, and the lines stay
 *   short. Browsers and bundlers get the same code (and minify it themselves).
 * - `dist/index.d.ts`: its types, self-contained (scripts/promise-types.mjs).
 * - `dist/index.cjs`: the Promise entry bundled for `require()` (types: `dist/cjs/index.d.ts`).
 * - `dist/cjs/`: `./effect`, `./testing` and every other module for `require()` (package.json
 *   `type: commonjs` there) as CommonJS modules on the app's own `effect` (a peer dependency), each
 *   `.d.ts` beside its module.
 * - `#visgate/fs` (package.json `imports`: the file sink of `client.download({ to })`, `node:fs`
 *   on Node, Deno and Bun, none elsewhere) stays an import of both Promise bundles, resolved by the
 *   runtime or the app's bundler. The CommonJS bundle is `dist/index.cjs`, not in `dist/cjs/`, for
 *   that: a package-private import resolves in the importer's package scope, and `imports` in the
 *   nested `dist/cjs/package.json` is what publint rejects (bundlers and Node disagree on it).
 * - `dist/node/effect.js`, `dist/node/testing.js`: `./effect` and `./testing` for Node's `import`,
 *   which check the app's effect before loading `dist/effect.js` / `dist/testing.js`; and the same
 *   check is the first line of `dist/cjs/effect.js` / `dist/cjs/testing.js` (effect-guard.mjs).
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
import { CJS_PEER_CHECK, EFFECT_ENTRIES, writeNodeGuards } from "./effect-guard.mjs"
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
    e.isDirectory()
      ? (join(dir, e.name) === cjs || join(dir, e.name) === join(dist, "bundle") ? [] : walk(join(dir, e.name)))
      : [join(dir, e.name)]
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

/** For CommonJS: `client/loadObserved.ts` swapped for its static twin (no `import()` to inline). */
const staticObserved = {
  name: "static-observed",
  setup(build) {
    build.onResolve({ filter: /\/loadObserved\.js$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/\.js$/, ".static.ts"))
    }))
  }
}

/**
 * The Promise entry, bundled: `format` esm to `dist/index.js`, cjs to `dist/index.cjs`. The ES
 * module build is split at the client's `import()` (its logging and tracing, `client/observed.ts`):
 * that module and the code it shares go to `dist/bundle/`, so an app's bundler (and Node) loads
 * it only when used. CommonJS has no such split: `require` loads one file.
 */
const promiseEntry = (format, outfile) =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/index.ts"],
    ...(format === "esm"
      ? { outdir: dirname(outfile), entryNames: "[name]", chunkNames: "bundle/[name]-[hash]", splitting: true }
      : { outfile }),
    bundle: true,
    format,
    plugins: format === "esm" ? [] : [staticObserved],
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["import", "module", "default"],
    target: "es2022",
    sourcemap: false,
    legalComments: "none",
    tsconfig: "tsconfig.build.json",
    external: ["#visgate/fs"],
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
    writeFileSync(target, EFFECT_ENTRIES.includes(rel) ? CJS_PEER_CHECK + code : code)
  }
}
// `./effect` and `./testing` under Node's `import`: the app's effect checked first (effect-guard.mjs).
await writeNodeGuards(dist)
writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`)
await promiseEntry("cjs", "dist/index.cjs")

copyFileSync(join(dist, "index.d.ts"), join(cjs, "index.d.ts"))

// The `visgate` CLI (`bin`): one file for Node with its dependencies (`cli-bundle.mjs`).
const { bundleCli } = await import("./cli-bundle.mjs")
await bundleCli("dist/cli.js")
