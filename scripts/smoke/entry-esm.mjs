// ESM: `import` of the Promise entry by its package name, then the smoke. Prints SMOKE_OK or throws.
import * as sdk from "@visgate_ai/client"
import { smoke } from "./smoke.mjs"

const env = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name)
const done = await smoke(sdk, env("SMOKE_BASE_URL"))
console.log(`SMOKE_OK esm ${done.join(", ")}`)
