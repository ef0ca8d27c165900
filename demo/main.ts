/**
 * `npm run demo`: the SDK end to end, with no key and no network.
 *
 * It starts the built-in fake Visgate API (`@visgate_ai/client/testing`) on a real HTTP server on
 * 127.0.0.1, points an ordinary `new Client({ apiKey, baseUrl })` at it, and then:
 *
 * 1. generates an image and saves the PNG under `out/`;
 * 2. repeats the same request to show a cache hit and the cost it avoided;
 * 3. runs a video job in async mode (`preferAsync: true`) and follows it with `client.requests.watch` until it ends;
 * 4. prints a cost and usage summary from `client.usage.get`.
 *
 * Every figure printed comes from the API's responses (the fake's prices are made up, the
 * arithmetic is real). Set `VISGATE_DEMO_OUT` to write the image somewhere other than `out/`.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { type AcceptedResult, Client, VIDEO_MODEL_PRESETS, type VideoResult } from "../src/index.js"
import { FakeVisgate, serve } from "../src/testing.js"

const API_KEY = "vg-demo"
const IMAGE_MODEL = "fal-ai/flux/schnell"
const IMAGE_PROMPT = "a lighthouse on a cliff at dusk, watercolor"
const VIDEO_MODEL = VIDEO_MODEL_PRESETS.replicate
const VIDEO_PROMPT = "waves rolling onto a beach at sunrise"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const outDir = resolve(process.env.VISGATE_DEMO_OUT ?? join(root, "out"))

const usd = (n: number): string => `$${n.toFixed(6)}`
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const shown = (path: string): string => {
  const rel = relative(process.cwd(), path)
  return rel !== "" && !rel.startsWith("..") ? rel : path
}
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

const main = async (): Promise<void> => {
  // The fake runs on the real clock. Async video jobs are shortened from the fake's default
  // (2 s pending + 10 s processing) so the demo finishes in a few seconds.
  const fake = new FakeVisgate({ timings: { videoPendingMs: 1_000, videoProcessingMs: 2_000 } })
  const server = await serve({ port: 0, fake })
  const client = new Client({ apiKey: API_KEY, baseUrl: server.baseUrl })
  const started = Date.now()
  try {
    console.log(`Visgate SDK demo, against the built-in fake API at ${server.baseUrl}`)
    console.log("(a local HTTP server started by this script: no API key, no network, nothing billed)\n")

    const health = await client.health()
    console.log(`GET /health: ${health.status}, API version ${health.version ?? "unknown"}\n`)

    // 1. An image.
    console.log(`1. client.images.generate("${IMAGE_MODEL}", "${IMAGE_PROMPT}")`)
    const first = await client.images.generate(IMAGE_MODEL, IMAGE_PROMPT, { width: 1024, height: 768 })
    console.log(
      `   id ${first.id}, status ${first.status}, provider ${first.provider}, reported latency ${
        first.latencyMs ?? "?"
      } ms`
    )
    console.log(`   cost ${usd(first.cost)} (margin ${first.marginPercent ?? 0} %), cache hit: ${first.cacheHit}`)
    const imageUrl = first.images[0]
    if (imageUrl === undefined) throw new Error("the API returned no image URL")
    const download = await fetch(imageUrl)
    if (!download.ok) throw new Error(`downloading ${imageUrl} failed: HTTP ${download.status}`)
    const bytes = new Uint8Array(await download.arrayBuffer())
    if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error(`${imageUrl} is not a PNG`)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const [w, h] = [view.getUint32(16), view.getUint32(20)] // IHDR width and height
    await mkdir(outDir, { recursive: true })
    const file = join(outDir, `image-${first.id.slice(0, 8)}.png`)
    await writeFile(file, bytes)
    console.log(`   downloaded ${bytes.length} bytes (PNG ${w}x${h}; the fake draws small previews)`)
    console.log(`   saved to ${shown(file)}\n`)

    // 2. The same request again: served from the cache.
    console.log("2. The same request again")
    const second = await client.images.generate(IMAGE_MODEL, IMAGE_PROMPT, { width: 1024, height: 768 })
    const sameImage = second.images[0] === imageUrl
    console.log(
      `   cache hit: ${second.cacheHit} (${second.cacheSource ?? "no source"}), reported latency ${
        second.latencyMs ?? "?"
      } ms, ` +
        `same image URL: ${sameImage}`
    )
    console.log(
      `   cost ${usd(second.cost)}; saved ${usd(second.savedAmount ?? 0)} billed, ` +
        `provider cost avoided ${second.providerCostAvoidedMicro ?? 0} micro-USD (${
          usd((second.providerCostAvoidedMicro ?? 0) / 1e6)
        })\n`
    )

    // 3. A video, async: 202 Accepted, then poll the request until it ends.
    console.log(`3. client.videos.generate("${VIDEO_MODEL}", "${VIDEO_PROMPT}", { preferAsync: true })`)
    const t0 = Date.now()
    const accepted: VideoResult | AcceptedResult = await client.videos.generate(VIDEO_MODEL, VIDEO_PROMPT, {
      durationSeconds: 5,
      preferAsync: true
    })
    let videoCost: number | undefined
    if (accepted.status !== "accepted") {
      // The server may answer at once (200) even when async was asked for.
      console.log(`   answered at once: ${accepted.status}, ${accepted.videoUrl ?? "no URL"}`)
      videoCost = accepted.cost
    } else {
      console.log(`   accepted: request ${accepted.requestId}; watching client.requests.watch`)
      // One element per status change; polling follows the server's poll_interval_seconds hint.
      for await (const progress of client.requests.watch(accepted.requestId, { timeout: 60_000 })) {
        const status = progress.value
        const eta = progress.estimatedRemainingSeconds !== undefined && status.status !== "completed" &&
            status.status !== "failed"
          ? `, ~${progress.estimatedRemainingSeconds} s left`
          : ""
        console.log(
          `   [${seconds(Date.now() - t0).padStart(6)}] ${status.status}${eta} (status request #${progress.polls})`
        )
        if (status.status === "completed") {
          console.log(`   video ${status.outputUrl ?? "(no URL)"}`)
          console.log("   (the fake's video URL serves a placeholder MP4 header, not a playable video)")
        }
        if (status.status === "failed") console.log(`   failed: ${status.errorMessage ?? "no message"}`)
      }
    }
    console.log()

    // 4. Cost and usage, as the API counted them.
    const usage = await client.usage.get("day")
    console.log("4. Usage today (client.usage.get(\"day\"))")
    console.log(
      `   requests ${usage.totalRequests} (${usage.successfulRequests} successful, ${usage.cachedRequests} from cache, ` +
        `cache hit rate ${usage.cacheHitRate.toFixed(1)} %)`
    )
    console.log(
      `   billed ${usd(usage.totalBilledCost)}, provider cost ${usd(usage.totalProviderCost)}, ` +
        `saved by the cache ${usd(usage.totalSavings)}`
    )
    for (const [model, count] of Object.entries(usage.byModel)) console.log(`   ${model}: ${count}`)
    console.log(
      `   (the client saw ${usd(first.cost)} + ${usd(second.cost)} for the two image calls; ` +
        (videoCost === undefined
          ? "the async video is billed when it completes, so its cost is only in the total)"
          : `${usd(videoCost)} for the video)`)
    )
    console.log(`\nDone in ${seconds(Date.now() - started)}. Image: ${shown(file)}`)
  } finally {
    await client.close()
    await server.close()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("demo failed:", error)
    process.exit(1)
  }
)
