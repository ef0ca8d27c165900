/**
 * Browser bundle size: esbuild (platform browser, ESM, minified, tree-shaken), then gzip -9
 * with node:zlib.
 */
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

export interface BundleResult {
  readonly name: string
  readonly description: string
  readonly minBytes: number
  readonly gzipBytes: number
}

const root = fileURLToPath(new URL("..", import.meta.url))

const measure = async (name: string, description: string, contents: string): Promise<BundleResult> => {
  const out = await esbuild.build({
    stdin: { contents, resolveDir: root, sourcefile: `bench-${name}.ts`, loader: "ts" },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  const code = out.outputFiles[0]!.contents
  return { name, description, minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }
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
