/**
 * Runs the `visgate` CLI as a subprocess: bundled once per test file (`scripts/cli-bundle.mjs`,
 * the same build as `dist/cli.js`) into a temporary folder, against the fake API on loopback.
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { bundleCli } from "../../scripts/cli-bundle.mjs"
import { type FakeServer, serve } from "../../src/testing.js"

export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface Cli {
  readonly server: FakeServer
  readonly dir: string
  readonly run: (args: ReadonlyArray<string>, env?: Record<string, string | undefined>) => Promise<Run>
  readonly json: (args: ReadonlyArray<string>) => Promise<{ readonly code: number | null; readonly value: any }>
  readonly close: () => Promise<void>
}

/** Async requests finish within the CLI's first poll (1 s). */
const fast = { timings: { imagePendingMs: 100, imageProcessingMs: 100, videoPendingMs: 100, videoProcessingMs: 300 } }

export const startCli = async (): Promise<Cli> => {
  const dir = mkdtempSync(join(tmpdir(), "visgate-cli-"))
  const bin = join(dir, "cli.js")
  const [server] = await Promise.all([serve({ fakeOptions: fast }), bundleCli(bin)])
  const run = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          VISGATE_API_KEY: "vg-test-key",
          VISGATE_BASE_URL: server.baseUrl,
          NO_COLOR: "1",
          ...env
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (d) => (stdout += d))
      child.stderr.on("data", (d) => (stderr += d))
      child.on("error", reject)
      child.on("close", (code) => resolve({ code, stdout, stderr }))
    })
  return {
    server,
    dir,
    run,
    json: async (args) => {
      const r = await run([...args, "--json"])
      try {
        return { code: r.code, value: JSON.parse(r.stdout) }
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`)
      }
    },
    close: () => server.close()
  }
}
