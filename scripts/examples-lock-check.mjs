// Exit 1 when an example's package-lock.json records other dependencies for @visgate_ai/client or
// @visgate_ai/server-proxy than their package.json in this checkout has. `npm ci` does not notice
// that drift for file: packages (it would install the SDK without its new dependency), nor does a
// plain `npm install`; `npm install <name>@<spec>` does. Prints those install arguments.
//   node scripts/examples-lock-check.mjs examples/vite
import { readFileSync } from "node:fs"

const dir = process.argv[2]
const read = (p) => JSON.parse(readFileSync(p, "utf8"))
const lock = read(`${dir}/package-lock.json`)
const sorted = (deps = {}) => JSON.stringify(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)))
const pkg = read(`${dir}/package.json`)
const stale = []
for (
  const [name, manifest] of [["@visgate_ai/client", "package.json"], [
    "@visgate_ai/server-proxy",
    "server-proxy/package.json"
  ]]
) {
  const entry = lock.packages?.[`node_modules/${name}`]
  if (entry === undefined) continue
  const actual = read(manifest)
  if (sorted(entry.dependencies) !== sorted(actual.dependencies) || entry.version !== actual.version) {
    stale.push(`${name}@${pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]}`)
  }
}
if (stale.length > 0) {
  console.error(`${dir}/package-lock.json is stale for ${stale.join(", ")}`)
  console.log(stale.join(" "))
  process.exit(1)
}
