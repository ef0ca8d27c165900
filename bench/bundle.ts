/**
 * Browser bundle size: esbuild (platform browser, ESM, minified, tree-shaken), then gzip -9
 * with node:zlib.
 *
 * `gzipBytes` is what a page loads before the client can make a call: everything but the
 * modules the client loads with `import()` (logging and tracing, `client/observed.ts`; the
 * resources off the generation path, `client/lazy.ts`), which an app's bundler (Vite/Rollup,
 * webpack) puts in chunks of their own, loaded only when used. They are bundled here as
 * externals. `lazyGzipBytes` is what those chunks add together: the bundle with those modules
 * imported statically too, less the first load.
 */
import * as esbuild from "esbuild"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

export interface BundleResult {
  readonly name: string
  readonly description: string
  readonly minBytes: number
  readonly gzipBytes: number
  readonly lazyGzipBytes: number
}

const root = fileURLToPath(new URL("..", import.meta.url))

const options = (name: string, contents: string) => ({
  stdin: { contents, resolveDir: root, sourcefile: `bench-${name}.ts`, loader: "ts" as const },
  bundle: true,
  minify: true,
  treeShaking: true,
  platform: "browser" as const,
  format: "esm" as const,
  target: "es2022",
  write: false as const,
  logLevel: "silent" as const
})

/**
 * Every `import()` of the SDK's own modules left out, as a bundler leaves it for a later chunk;
 * each one left out is added to `lazy` (its path).
 */
const lazyExternal = (lazy: Set<string>): esbuild.Plugin => ({
  name: "lazy-external",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "dynamic-import" || !args.path.startsWith(".")) return undefined
      lazy.add(join(args.resolveDir, args.path))
      return { path: args.path, external: true }
    })
  }
})

const measure = async (name: string, description: string, contents: string): Promise<BundleResult> => {
  const lazy = new Set<string>()
  const first = await esbuild.build({ ...options(name, contents), plugins: [lazyExternal(lazy)] })
  const code = first.outputFiles[0]!.contents
  // The lazy chunk's weight: the same bundle with the lazily loaded modules imported statically
  // too, less the first load (so what they share with it counts once, in the first load).
  const all = lazy.size === 0 ? first : await esbuild.build({
    ...options(
      name,
      [contents, ...[...lazy].map((path, i) => `export * as lazy${i} from ${JSON.stringify(path)}`)].join("\n")
    ),
    plugins: [lazyExternal(new Set())]
  })
  const gzipBytes = gzipSync(code, { level: 9 }).length
  const lazyGzipBytes = gzipSync(all.outputFiles[0]!.contents, { level: 9 }).length - gzipBytes
  return { name, description, minBytes: code.length, gzipBytes, lazyGzipBytes }
}

export const runBundleBench = async (): Promise<ReadonlyArray<BundleResult>> => {
  const results = [
    await measure(
      "full",
      "`export * from \"./src/index.ts\"`: the Promise client with every resource, errors, presets",
      `export * from "./src/index.ts"`
    ),
    await measure(
      "one-call",
      "`new Client(...).health()` only (the Client class keeps every resource; tree-shaking cannot drop methods)",
      `import { Client } from "./src/index.ts"\nexport const run = (apiKey: string) => new Client({ apiKey }).health()`
    ),
    await measure(
      "effect-health",
      "Effect API, one service: `Health` + core client + `FetchHttpClient` by deep import",
      [
        `import * as Effect from "effect/Effect"`,
        `import * as Layer from "effect/Layer"`,
        `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"`,
        `import * as Health from "./src/services/Health.ts"`,
        `import * as VisgateClient from "./src/services/VisgateClient.ts"`,
        `import * as VisgateConfig from "./src/services/VisgateConfig.ts"`,
        `export const run = (apiKey: string) => Effect.flatMap(Health.Health, (h) => h.check()).pipe(`,
        `  Effect.provide(Health.layer.pipe(Layer.provide(VisgateClient.layer), Layer.provide(VisgateConfig.layer({ apiKey })), Layer.provide(FetchHttpClient.layer))),`,
        `  Effect.runPromise)`
      ].join("\n")
    )
  ]
  await esbuild.stop()
  return results
}
