/**
 * `visgate generate`, `visgate video`, `visgate wait`, `visgate download`: generating, waiting
 * for async requests, and saving outputs.
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { VIDEO_MODEL_PRESETS } from "../presets.js"
import { type DownloadedFile, toFile } from "../services/Downloads.js"
import { Images } from "../services/Images.js"
import { type RequestProgress, Requests } from "../services/Requests.js"
import { Videos } from "../services/Videos.js"
import {
  downloadLine,
  formatBytes,
  formatSeconds,
  global,
  type GlobalOptions,
  output,
  progressLine,
  withSdk
} from "./common.js"

export const DEFAULT_IMAGE_MODEL = "fal-ai/flux/schnell"
export const DEFAULT_VIDEO_MODEL = VIDEO_MODEL_PRESETS.fal

const prompt = Args.text({ name: "prompt" }).pipe(Args.withDescription("What to generate"))
const out = (what: string) =>
  Options.file("out").pipe(
    Options.withAlias("o"),
    Options.withDescription(`Save the ${what} to this file`),
    Options.optional
  )

/** Downloads `source` to `path` with a progress line. */
const save = (options: GlobalOptions, source: Parameters<typeof toFile>[0], path: string) => {
  const line = progressLine(options)
  return toFile(source, path, { onProgress: (p) => line.update(downloadLine(`downloading ${path}`, p)) }).pipe(
    Effect.ensuring(Effect.sync(line.end))
  )
}

const savedLine = (file: DownloadedFile) => `saved ${file.path} (${formatBytes(file.size)}, ${file.contentType})`

/** A progress line for a polled request: status, elapsed, the server's estimate. */
const statusLine = (p: RequestProgress): string =>
  `${p.value.requestId}: ${p.status}, ${formatSeconds(p.elapsedMs)} elapsed` +
  (p.estimatedRemainingSeconds !== undefined ? `, about ${Math.round(p.estimatedRemainingSeconds)}s left` : "")

/** Waits for a request with a live progress line. */
const waitFor = (options: GlobalOptions, requestId: string, timeout: Option.Option<number>) =>
  Effect.gen(function*() {
    const requests = yield* Requests
    const line = progressLine(options)
    return yield* requests.wait(requestId, {
      onStatus: (p) => Effect.sync(() => line.update(statusLine(p))),
      ...(Option.isSome(timeout) ? { timeout: `${timeout.value} seconds` as const } : {})
    }).pipe(Effect.ensuring(Effect.sync(line.end)))
  })

const timeoutOption = Options.integer("timeout").pipe(
  Options.withDescription("Give up waiting after this many seconds"),
  Options.optional
)

export const generate = Command.make(
  "generate",
  {
    ...global,
    prompt,
    model: Options.text("model").pipe(Options.withAlias("m"), Options.withDefault(DEFAULT_IMAGE_MODEL)),
    width: Options.integer("width").pipe(Options.optional),
    height: Options.integer("height").pipe(Options.optional),
    seed: Options.integer("seed").pipe(Options.optional),
    out: out("image")
  },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const images = yield* Images
        const result = yield* images.generate(o.model, o.prompt, {
          width: Option.getOrUndefined(o.width),
          height: Option.getOrUndefined(o.height),
          seed: Option.getOrUndefined(o.seed)
        })
        const file = Option.isSome(o.out) ? yield* save(o, result, o.out.value) : undefined
        yield* output(o, { ...result, file }, () => [
          ...(file !== undefined ? [savedLine(file)] : result.images),
          `${result.model} on ${result.provider}, $${result.cost.toFixed(4)}${result.cacheHit ? " (cache hit)" : ""}`
        ])
      })
    )
).pipe(Command.withDescription("Generate an image (POST /images/generate) and optionally save it"))

export const video = Command.make(
  "video",
  {
    ...global,
    prompt,
    model: Options.text("model").pipe(Options.withAlias("m"), Options.withDefault(DEFAULT_VIDEO_MODEL)),
    duration: Options.integer("duration").pipe(
      Options.withDescription("Length in seconds (default 5)"),
      Options.optional
    ),
    timeout: timeoutOption,
    out: out("video")
  },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const videos = yield* Videos
        const submitted = yield* videos.generate(o.model, o.prompt, {
          preferAsync: true,
          durationSeconds: Option.getOrUndefined(o.duration)
        })
        const result = submitted.status === "accepted"
          ? yield* waitFor(o, submitted.requestId, o.timeout)
          : submitted
        const file = Option.isSome(o.out) ? yield* save(o, result, o.out.value) : undefined
        const url = "requestId" in result ? result.outputUrl : result.videoUrl
        yield* output(o, { ...result, file }, () => [file !== undefined ? savedLine(file) : url ?? "(no output URL)"])
      })
    )
).pipe(Command.withDescription("Generate a video: submit async, show progress while it runs, then download"))

export const wait = Command.make(
  "wait",
  {
    ...global,
    requestId: Args.text({ name: "requestId" }),
    timeout: timeoutOption,
    out: out("output")
  },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const status = yield* waitFor(o, o.requestId, o.timeout)
        const file = Option.isSome(o.out) ? yield* save(o, status, o.out.value) : undefined
        yield* output(o, { ...status, file }, () => [
          file !== undefined ? savedLine(file) : status.outputUrl ?? `${status.requestId}: ${status.status}`
        ])
      })
    )
).pipe(Command.withDescription("Wait for an async request (GET /requests/{id}) to finish"))

export const download = Command.make(
  "download",
  {
    ...global,
    url: Args.text({ name: "url" }),
    out: Options.file("out").pipe(Options.withAlias("o"), Options.withDescription("The file to write")),
    maxBytes: Options.integer("max-bytes").pipe(
      Options.withDescription("Size limit (default 100 MiB)"),
      Options.optional
    )
  },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const line = progressLine(o)
        const file = yield* toFile(o.url, o.out, {
          maxBytes: Option.getOrUndefined(o.maxBytes),
          onProgress: (p) => line.update(downloadLine(`downloading ${o.out}`, p))
        }).pipe(Effect.ensuring(Effect.sync(line.end)))
        yield* output(o, file, () => [savedLine(file)])
      })
    )
).pipe(Command.withDescription("Download an output URL to a file (image or video; temp file renamed at the end)"))
