// Builds visgate.browser.js: the SDK as one ES module for browsers (no bundler needed in the page).
import { build } from "esbuild"

const result = await build({
  entryPoints: { "visgate.browser": "@visgate_ai/client" },
  outdir: ".",
  bundle: true,
  format: "esm",
  platform: "browser", // fails the build if a Node built-in were reachable
  target: "es2022",
  minify: true,
  metafile: true,
  // Bundle the installed package. (Inside the SDK's repo, the root tsconfig.json maps
  // @visgate_ai/client to src/, which esbuild would otherwise follow.)
  tsconfigRaw: {},
  logLevel: "info"
})
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes
console.log(`visgate.browser.js: ${bytes} bytes`)
