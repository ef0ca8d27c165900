/**
 * `client.download(source, options)`: an output as bytes, or streamed to a file (`to`, Node).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
// Package-private import (package.json `imports`): the file sink on Node, Deno and Bun, none elsewhere.
import { openFileSink } from "#visgate/fs"
import { DownloadError } from "../schemas/Errors.js"
import {
  type DownloadedBytes,
  type DownloadedFile,
  type DownloadOptions,
  Downloads,
  type DownloadSource,
  layer as downloadsLayer
} from "../services/Downloads.js"
import { layer as usageLayer } from "../services/Usage.js"
import type { RequestOptions } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** Options of `client.download`. */
export interface ClientDownloadOptions extends DownloadOptions, RequestOptions {
  /**
   * A file path (Node, Deno, Bun): the output is streamed into a temporary file next to it and
   * renamed to it once complete (removed on failure). Without it, the bytes are returned. In a
   * runtime without a file system (browsers, workers, edge) it fails with a `DownloadError`
   * (`reason: "File"`) before any request.
   */
  readonly to?: string | undefined
}

/** `client.download`: both forms. */
export interface DownloadFunction {
  (source: DownloadSource, options: ClientDownloadOptions & { readonly to: string }): Promise<DownloadedFile>
  (source: DownloadSource, options?: ClientDownloadOptions): Promise<DownloadedBytes>
}

const noSignal = ({ signal: _s, to: _t, ...rest }: ClientDownloadOptions): DownloadOptions => rest

const noFileSystem = (to: string) =>
  new DownloadError({
    message: `Writing to a file (\`to: ${JSON.stringify(to)}\`) needs Node, Deno or Bun; ` +
      "leave `to` out to get the bytes (`new Blob([bytes], { type: contentType })` for a Blob)",
    errorCode: "DOWNLOAD_FILE",
    reason: "File"
  })

/** The Promise `download` over the `Downloads` service. */
export const makeDownload = ({ call }: ClientRuntime<Downloads>): DownloadFunction =>
  ((source: DownloadSource, options: ClientDownloadOptions = {}) => {
    const to = options.to
    if (to === undefined) return call(Downloads, (s) => s.bytes(source, noSignal(options)), options)
    const open = openFileSink
    if (open === undefined) return call(Downloads, () => Effect.fail(noFileSystem(to)), options)
    return call(Downloads, (s) =>
      Effect.scoped(Effect.gen(function*() {
        const d = yield* s.open(source, noSignal(options))
        const fileError = (cause: unknown) =>
          new DownloadError({
            message: `Writing ${to} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
            errorCode: "DOWNLOAD_FILE",
            reason: "File",
            url: d.url
          })
        const sink = yield* Effect.tryPromise({ try: () => open(to), catch: fileError })
        let size = 0
        const write = Stream.runForEach(d.body, (chunk) => {
          size += chunk.length
          return Effect.tryPromise({ try: () => sink.write(chunk), catch: fileError })
        }).pipe(Effect.zipRight(Effect.tryPromise({ try: () => sink.commit(), catch: fileError })))
        yield* Effect.onExit(write, (exit) => (exit._tag === "Success" ? Effect.void : Effect.promise(sink.abort)))
        yield* s.track(source, d.url, options)
        return { url: d.url, contentType: d.contentType, size, path: to }
      })), options)
  }) as DownloadFunction

/** `makeDownload` on the client's runtime with its services added (on first use, `client/lazy.ts`). */
export const loadDownload = async (runtime: ClientRuntime): Promise<DownloadFunction> =>
  makeDownload(await runtime.provide(Layer.provideMerge(downloadsLayer, usageLayer)))
