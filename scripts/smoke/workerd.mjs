// Runs the bundled worker in Cloudflare's workerd through miniflare (needs Node 22+):
//   node workerd.mjs <miniflare module path> <worker bundle> <fake API URL>
const [miniflarePath, script, base] = process.argv.slice(2)
const { Miniflare } = await import(miniflarePath)
const { readFileSync } = await import("node:fs")
// The module is declared by hand: miniflare's own dependency scan refuses the bundle's two
// non-literal dynamic imports (`node:fs/promises` for `download({ to })`, `@opentelemetry/api` for
// `tracing: true`), which are never reached in a worker.
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: "worker.mjs", contents: readFileSync(script, "utf8") }],
  compatibilityDate: "2025-01-01"
})
try {
  const res = await mf.dispatchFetch(`http://smoke.local/?base=${encodeURIComponent(base)}`)
  const result = await res.json()
  if (!result.ok) throw new Error(result.error)
  console.log(`SMOKE_OK workerd ${result.done.join(", ")}`)
} finally {
  await mf.dispose()
}
