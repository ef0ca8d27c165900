// Run in an app where effect 4 is installed (past npm's peer check): `./effect` and `./testing`, by
// `import` and by `require`, must each fail with the one message naming the effect found and the
// Promise entry. Prints `EFFECT4_OK` (scripts/smoke/run.mjs).
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
const outcomes = []
for (const entry of ["effect", "testing"]) {
  for (const [how, load] of [["import", (id) => import(id)], ["require", async (id) => require(id)]]) {
    const message = await load(`@visgate_ai/client/${entry}`).then(() => "loaded", (e) => String(e?.message ?? e))
    outcomes.push({ entry, how, message })
  }
}
const wrong = outcomes.filter(({ message }) =>
  !/^@visgate_ai\/client\/effect and \/testing need effect \^3\.22\.0 .*\(found effect 4\./.test(message) ||
  !message.includes(`use the Promise entry "@visgate_ai/client"`)
)
console.log(wrong.length === 0 ? "EFFECT4_OK" : JSON.stringify(wrong, null, 2))
