/**
 * The runtime smoke of the published package (see scripts/smoke/run.mjs): what a user does first,
 * with web globals only (fetch, AbortController, timers), so the same code runs in Node, Bun,
 * Deno, workerd and Vercel's edge-runtime. `sdk` is the `@visgate_ai/client` module as the runtime
 * loaded it (import or require); `baseUrl` is the fake Visgate API on loopback. `files`, where the
 * runtime has a file system (Node, Bun, Deno): `{ dir, size(path) }`, a folder to download into and
 * the size of a file in it; without it (workerd, edge-runtime) `download` with `to` must fail, typed.
 * Resolves with the checks that passed; rejects naming the first that did not.
 */
export async function smoke(sdk, baseUrl, files) {
  const { AbortError, Client, DownloadError, ProviderError, ValidationError, VisgateError, VIDEO_MODEL_PRESETS } = sdk
  const done = []
  const check = (name, ok, detail) => {
    if (!ok) throw new Error(`smoke: ${name} failed${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`)
    done.push(name)
  }
  const client = new Client({ apiKey: "vg-smoke", baseUrl, maxRetries: 0 })
  try {
    // An image, and its PNG from the (fake) storage.
    const image = await client.images.generate("fal-ai/flux/schnell", `a lighthouse at dusk ${Math.random()}`, {
      width: 256,
      height: 256
    })
    check("image", image.images.length === 1 && image.cost > 0 && typeof image.id === "string", image)
    const png = new Uint8Array(await (await fetch(image.images[0])).arrayBuffer())
    check("image bytes", png[0] === 0x89 && png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47, png.slice(0, 4))

    // `download` with `to`: a file where there is a file system, else a typed error before any request.
    if (files !== undefined) {
      const to = `${files.dir}/download-${Math.random().toString(36).slice(2)}.png`
      const file = await client.download(image, { to })
      check("download to file", file.path === to && file.size === png.length && files.size(to) === png.length, file)
    } else {
      const noFs = await client.download(image, { to: "image.png" }).then(() => undefined, (e) => e)
      check(
        "download to file: typed error",
        noFs instanceof DownloadError && noFs.reason === "File" && /needs Node, Deno or Bun/.test(noFs.message),
        String(noFs)
      )
    }

    // An async video, polled until it completes (plain polling schedule).
    const video = await client.videos.generateAndWait(VIDEO_MODEL_PRESETS.fal, "waves on a beach", {
      schedule: { initialMs: 25, factor: 1 },
      timeout: 30_000
    })
    check("video wait", video.status === "completed" && "requestId" in video, video)

    // An abort: the wait rejects with AbortError, at once.
    const accepted = await client.videos.generate(VIDEO_MODEL_PRESETS.fal, "a slow tide", { preferAsync: true })
    check("video accepted", accepted.status === "accepted", accepted)
    const controller = new AbortController()
    const waiting = client.requests.wait(accepted.requestId, {
      signal: controller.signal,
      schedule: { initialMs: 5_000 }
    })
    controller.abort()
    const aborted = await waiting.then(() => undefined, (e) => e)
    check(
      "abort",
      aborted instanceof AbortError && aborted.name === "AbortError" && !(aborted instanceof VisgateError),
      String(aborted)
    )

    // Errors: a bad argument (before any request) and the server's answer, with class and fields.
    const invalid = await client.images.generate("fal-ai/flux/schnell", "").then(() => undefined, (e) => e)
    check(
      "validation error",
      invalid instanceof ValidationError && invalid instanceof VisgateError && invalid instanceof Error &&
        invalid.field === "prompt" && invalid.errorCode === "INVALID_ARGUMENT" && invalid._tag === "ValidationError",
      String(invalid)
    )
    const failed = await client.images.generate("fal-ai/flux/schnell", "please fail").then(() => undefined, (e) => e)
    check(
      "provider error",
      failed instanceof ProviderError && failed instanceof VisgateError && failed.statusCode === 502 &&
        failed.provider === "fal" && typeof failed.errorCode === "string" && failed.message.length > 0 &&
        typeof failed.stack === "string",
      { error: String(failed), statusCode: failed?.statusCode, provider: failed?.provider }
    )
  } finally {
    await client.close()
  }

  // Logging: the client loads its logging and tracing chunk (`import()`) on its first call.
  const lines = []
  const record = (line) => void lines.push(line)
  const logged = new Client({
    apiKey: "vg-smoke",
    baseUrl,
    logLevel: "debug",
    logger: { debug: record, info: record, warn: record, error: record }
  })
  try {
    await logged.health()
    check("logging", lines.length === 1 && /GET \/health 200 in \d+ ms/.test(lines[0]), lines)
  } finally {
    await logged.close()
  }
  return done
}
