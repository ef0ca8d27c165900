// ESM: `import` of the Promise entry by its package name, then the smoke. Prints SMOKE_OK or throws.
import * as sdk from "@visgate_ai/client"
import { smoke } from "./smoke.mjs"

const env = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name)
const { statSync } = await import("node:fs")
const done = await smoke(sdk, env("SMOKE_BASE_URL"), { dir: env("SMOKE_FILE_DIR"), size: (p) => statSync(p).size })
console.log(`SMOKE_OK esm ${done.join(", ")}`)
