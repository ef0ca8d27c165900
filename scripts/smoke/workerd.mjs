// Runs the bundled worker in Cloudflare's workerd through miniflare (needs Node 22+):
//   node workerd.mjs <miniflare module path> <worker bundle> <fake API URL>
const [miniflarePath, script, base] = process.argv.slice(2)
const { Miniflare } = await import(miniflarePath)
const { readFileSync } = await import("node:fs")
const mf = new Miniflare({
  modules: true,
  script: readFileSync(script, "utf8"),
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
