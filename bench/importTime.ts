/**
 * Node cold import time: `node --input-type=module -e 'await import(<entry>)'` against
 * `node -e 0`, each spawned `runs` times, interleaved; the difference of the medians.
 */
import { spawnSync } from "node:child_process"
import { pathToFileURL } from "node:url"

export interface ImportResult {
  readonly entry: string
  readonly baselineMs: number
  readonly importMs: number
  readonly aboveBaselineMs: number
  readonly runs: number
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const time = (args: ReadonlyArray<string>): number => {
  const start = performance.now()
  const r = spawnSync(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" }
  })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr.toString()}`)
  return ms
}

export const runImportBench = (entryPath: string, runs: number): ImportResult => {
  const url = pathToFileURL(entryPath).href
  const importArgs = ["--input-type=module", "-e", `await import(${JSON.stringify(url)})`]
  const baseArgs = ["-e", "0"]
  time(baseArgs) // warm the OS file cache for both
  time(importArgs)
  const base: Array<number> = []
  const imp: Array<number> = []
  for (let i = 0; i < runs; i++) {
    base.push(time(baseArgs))
    imp.push(time(importArgs))
  }
  const baselineMs = median(base)
  const importMs = median(imp)
  return { entry: entryPath, baselineMs, importMs, aboveBaselineMs: importMs - baselineMs, runs }
}
