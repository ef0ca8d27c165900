/**
 * The `visgate` CLI bundle: `src/cli.ts` and everything it imports (`@effect/cli`,
 * `@effect/platform-node`, effect, the SDK) in one ESM file for Node, so installing the SDK adds
 * no CLI dependency (they are devDependencies). Used by `bundle-entry.mjs` (`dist/cli.js`) and by
 * the CLI tests (a temporary bundle).
 */
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Bundles the CLI to `outfile` (absolute, or relative to the repo root). */
export const bundleCli = (outfile) =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/cli.ts"],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node18",
    // Some bundled CommonJS dependencies `require` Node built-ins.
    banner: {
      js:
        "import { createRequire as __visgateRequire } from 'node:module'; const require = __visgateRequire(import.meta.url);"
    },
    minify: true,
    legalComments: "none",
    tsconfig: "tsconfig.build.json",
    // Native and optional modules that the commands never load.
    external: ["@parcel/watcher", "msgpackr-extract", "bufferutil", "utf-8-validate"],
    allowOverwrite: true,
    logLevel: "warning"
  })
