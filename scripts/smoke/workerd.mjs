// Runs the bundled worker in Cloudflare's workerd through miniflare (needs Node 22+):
//   node workerd.mjs <miniflare module path> <worker bundle> <fake API URL>
// Miniflare loads the bundle as wrangler would deploy it (`scriptPath`, `modules: true`), so its own
// module scan checks every import of the bundle: it refuses a non-literal `import()`, which the SDK
// no longer has (`download({ to })`'s file system is the package-private import `#visgate/fs`).
const [miniflarePath, script, base] = process.argv.slice(2)
const { Miniflare } = await import(miniflarePath)
const mf = new Miniflare({ scriptPath: script, modules: true, compatibilityDate: "2025-01-01" })
try {
  const res = await mf.dispatchFetch(`http://smoke.local/?base=${encodeURIComponent(base)}`)
  const result = await res.json()
  if (!result.ok) throw new Error(result.error)
  console.log(`SMOKE_OK workerd ${result.done.join(", ")}`)
} finally {
  await mf.dispose()
}
