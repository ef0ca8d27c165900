/**
 * Profiling helper (not part of `npm run bench`): runs N client calls against the forked loopback
 * server, for use under `node --cpu-prof --import tsx bench/profile.ts [health|images] [N] [concurrency]`.
 * Prints ms/call; `--raw` runs raw fetch instead of the client. With `DEV=1` it loads `.tmp/dev.mjs`
 * instead of `dist/index.js`: an unminified bundle whose profile names functions and lines, made by
 * `npx esbuild src/index.ts --bundle --format=esm --platform=node --conditions=@visgate/source --outfile=.tmp/dev.mjs`.
 */
import { fork } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"

const [what = "health", nArg = "20000", concArg = "1"] = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const raw = process.argv.includes("--raw")
const n = Number(nArg)
const concurrency = Number(concArg)

const child = fork(fileURLToPath(new URL("./server.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"] })
const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve((m as { port: number }).port)))
const baseUrl = `http://127.0.0.1:${port}/api/v1`
const { Client } = (await import(
  process.env.DEV
    ? pathToFileURL(fileURLToPath(new URL("../.tmp/dev.mjs", import.meta.url))).href
    : pathToFileURL(fileURLToPath(new URL("../dist/index.js", import.meta.url))).href
)) as typeof import("../src/index.js")
const client = new Client({ apiKey: "vg-bench", baseUrl })
const headers = { accept: "application/json", authorization: "Bearer vg-bench" }
const call = raw
  ? what === "health"
    ? () => fetch(`${baseUrl}/health`, { headers }).then((r) => r.json())
    : () =>
      fetch(`${baseUrl}/images/generate`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", prompt: "p", width: 1024, height: 1024, num_images: 1 })
      }).then((r) => r.json())
  : what === "health"
  ? () => client.health()
  : () => client.images.generate("fal-ai/flux/schnell", "a lighthouse", { width: 1024, height: 1024 })

const run = async (count: number) => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      await call()
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (performance.now() - start) / count
}
await run(1000)
console.log(`${raw ? "raw" : "client"} ${what} c=${concurrency}: ${(await run(n)).toFixed(3)} ms/call`)
await client.close()
child.send("stop")
