// `npm run dev` / `npm start`: runs `next <command>`, pointed at the fake Visgate API unless
// VISGATE_API_KEY or VISGATE_BASE_URL is set (then the route handler talks to that upstream).
import { spawn } from "node:child_process"
import { createRequire } from "node:module"

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" }
let fake
if (!env.VISGATE_API_KEY && !env.VISGATE_BASE_URL) {
  const { serve } = await import("@visgate_ai/client/testing")
  // the fake signs its webhooks with this secret; app/api/webhooks/visgate checks it
  env.VISGATE_WEBHOOK_SECRET ??= "whsec_fake_dev_secret"
  fake = await serve({
    port: 0,
    fakeOptions: {
      timings: { videoPendingMs: 1_000, videoProcessingMs: 4_000 },
      webhookSecret: env.VISGATE_WEBHOOK_SECRET
    }
  })
  env.VISGATE_BASE_URL = fake.baseUrl
  env.VISGATE_API_KEY = "vg-test-key"
  console.log(`[visgate] proxy /api/visgate -> fake API at ${fake.baseUrl} (set VISGATE_API_KEY for the real one)`)
} else {
  console.log(`[visgate] proxy /api/visgate -> ${env.VISGATE_BASE_URL ?? "https://visgateai.com/api/v1"}`)
}

const next = createRequire(import.meta.url).resolve("next/dist/bin/next")
const child = spawn(process.execPath, [next, ...process.argv.slice(2)], { env, stdio: "inherit" })
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal))
child.on("exit", async (code, signal) => {
  await fake?.close()
  process.exit(code ?? (signal ? 1 : 0))
})
