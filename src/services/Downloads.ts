/**
 * `Downloads`: fetching a generated output (an image or a video) as a `Stream` of bytes, with a
 * size cap, a content-type check and optional download tracking (`usage.trackDownload`).
 *
 * Media URLs are public (storage buckets, CDNs): they are fetched with the plain `HttpClient`,
 * without the API key. Writing to a file is {@link toFile} (on `@effect/platform`'s `FileSystem`:
 * a temporary file in the same folder, renamed at the end, removed on failure).
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { unwrapScoped } from "../internal/stream.js"
import { DownloadError, type VisgateApiError } from "../schemas/Errors.js"
import { Usage } from "./Usage.js"
import { VisgateClient } from "./VisgateClient.js"

/** 100 MiB: the default `maxBytes`. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024

/**
 * What can be downloaded: a URL, or a result that carries one (an image result, a video result,
 * a `GenerateResult`, a completed `RequestStatus`).
 */
export type DownloadSource =
  | string
  | URL
  | {
    readonly videoUrl?: string | undefined
    readonly outputUrl?: string | undefined
    readonly imageUrl?: string | undefined
    readonly images?: ReadonlyArray<string> | undefined
    readonly requestId?: string | undefined
    readonly id?: string | undefined
    readonly mediaType?: string | undefined
  }

/** Progress of a download, reported as chunks arrive. */
export interface DownloadProgress {
  readonly receivedBytes: number
  /** From `Content-Length`, when the server sent it. */
  readonly totalBytes: number | undefined
}

/** Options of every download. */
export interface DownloadOptions {
  /** Fail with `DownloadError` (`TooLarge`) past this many bytes. Default 100 MiB. */
  readonly maxBytes?: number | undefined
  /** Called as chunks arrive. */
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined
  /**
   * Record the download with `usage.trackDownload` once it has completed (needs the result's
   * request id: a result source, not a bare URL). Default `false`.
   */
  readonly track?: boolean | undefined
}

/** An opened download: the response head checked, the body not read yet. */
export interface OpenedDownload {
  readonly url: string
  /** The `Content-Type` the server sent (`application/octet-stream` when absent). */
  readonly contentType: string
  /** From `Content-Length`, when sent. */
  readonly totalBytes: number | undefined
  /** The body, counted against `maxBytes` (and reported to `onProgress`) as it streams. */
  readonly body: Stream.Stream<Uint8Array, DownloadError>
}

/** A downloaded output held in memory. */
export interface DownloadedBytes {
  readonly url: string
  readonly contentType: string
  readonly size: number
  readonly bytes: Uint8Array
}

/** A downloaded output written to a file. */
export interface DownloadedFile {
  readonly url: string
  readonly contentType: string
  readonly size: number
  /** The file written. */
  readonly path: string
}

/** The `Downloads` service. */
export interface Service {
  /** The output's bytes as a stream: fails with `DownloadError` before or while streaming. */
  readonly stream: (
    source: DownloadSource,
    options?: DownloadOptions
  ) => Stream.Stream<Uint8Array, DownloadError | VisgateApiError>
  /**
   * Sends the request and checks the head (status, type, `Content-Length`); the body is read by
   * running `body` within the scope (the connection is released when the scope closes).
   * `track` applies to {@link Service.bytes} and {@link toFile}, which know when the body ended.
   */
  readonly open: (
    source: DownloadSource,
    options?: DownloadOptions
  ) => Effect.Effect<OpenedDownload, DownloadError | VisgateApiError, Scope.Scope>
  /** The whole output in memory. */
  readonly bytes: (
    source: DownloadSource,
    options?: DownloadOptions
  ) => Effect.Effect<DownloadedBytes, DownloadError | VisgateApiError>
  /** Records a completed download (`usage.trackDownload`) when `options.track` is set. */
  readonly track: (
    source: DownloadSource,
    url: string,
    options?: DownloadOptions
  ) => Effect.Effect<void, VisgateApiError>
}

/** Tag of the `Downloads` service. */
export class Downloads extends Context.Tag("@visgate_ai/client/Downloads")<Downloads, Service>() {}

const fail = (
  reason: DownloadError["reason"],
  message: string,
  extra: { url?: string; contentType?: string; maxBytes?: number; statusCode?: number } = {}
) =>
  new DownloadError({
    message,
    errorCode: `DOWNLOAD_${reason.replace(/[A-Z]/g, (c, i) => (i > 0 ? "_" : "") + c).toUpperCase()}`,
    reason,
    ...extra
  })

/** The URL of a source, or a `NoUrl` failure. */
export const urlOf = (source: DownloadSource): Effect.Effect<string, DownloadError> => {
  const raw = typeof source === "string"
    ? source
    : source instanceof URL
    ? source.href
    : typeof source === "object" && source !== null
    ? source.videoUrl ?? source.outputUrl ?? source.imageUrl ?? source.images?.[0]
    : undefined
  if (raw === undefined || raw === "") {
    return Effect.fail(fail("NoUrl", "Nothing to download: the result has no output URL (still processing, or failed)"))
  }
  return /^https?:\/\//i.test(raw)
    ? Effect.succeed(raw)
    : Effect.fail(fail("NoUrl", `Not an http(s) URL: ${JSON.stringify(raw.slice(0, 100))}`, { url: raw }))
}

const mediaTypeOf = (source: DownloadSource, contentType: string): "image" | "video" | undefined => {
  if (typeof source === "object" && !(source instanceof URL)) {
    if (source.mediaType === "image" || source.mediaType === "video") return source.mediaType
    if (source.videoUrl !== undefined) return "video"
    if (source.imageUrl !== undefined || source.images !== undefined) return "image"
  }
  return contentType.startsWith("video/") ? "video" : contentType.startsWith("image/") ? "image" : undefined
}

/** `image/*`, `video/*`, and the generic binary types storage buckets use (or none at all). */
const acceptedType = (contentType: string): boolean =>
  /^(image|video)\//.test(contentType) || contentType === "application/octet-stream" ||
  contentType === "binary/octet-stream"

const checkMax = (maxBytes: number): Effect.Effect<number, DownloadError> =>
  Number.isFinite(maxBytes) && maxBytes > 0
    ? Effect.succeed(maxBytes)
    : Effect.fail(fail("TooLarge", `maxBytes must be a positive number; got ${maxBytes}`, { maxBytes }))

/** Builds the service on the core client's transport (`openUrl`: no API key is sent) and `Usage` (for `track`). */
export const make: Effect.Effect<Service, never, VisgateClient | Usage> = Effect.map(
  Effect.zip(VisgateClient, Usage),
  ([client, usage]) => {
    const open: Service["open"] = (source, options = {}) =>
      Effect.gen(function*() {
        const maxBytes = yield* checkMax(options.maxBytes ?? DEFAULT_MAX_BYTES)
        const url = yield* urlOf(source)
        const response = yield* client.openUrl(url).pipe(
          Effect.mapError((e) =>
            e._tag === "HttpStatusFailure"
              ? fail("Status", `Download of ${url} failed: HTTP ${e.status}`, { url, statusCode: e.status })
              : fail("Network", `Download of ${url} failed: ${e._tag === "TransportFailure" ? e.reason : "timeout"}`, {
                url
              })
          )
        )
        const contentType = (response.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim()
          .toLowerCase()
        if (!acceptedType(contentType)) {
          return yield* fail("ContentType", `Download of ${url}: expected an image or a video, got ${contentType}`, {
            url,
            contentType
          })
        }
        const length = Number(response.headers["content-length"])
        const totalBytes = Number.isFinite(length) && length >= 0 ? length : undefined
        const tooLarge = (n: number) =>
          fail("TooLarge", `Download of ${url}: ${n} bytes is over maxBytes (${maxBytes})`, { url, maxBytes })
        if (totalBytes !== undefined && totalBytes > maxBytes) return yield* tooLarge(totalBytes)
        let received = 0
        const body = response.body.pipe(
          Stream.mapError((e) =>
            fail("Network", `Download of ${url} broke off: ${e instanceof Error ? e.message : String(e)}`, { url })
          ),
          Stream.mapChunksEffect((chunk) => {
            Chunk.forEach(chunk, (bytes) => (received += bytes.length))
            if (received > maxBytes) return Effect.fail(tooLarge(received))
            options.onProgress?.({ receivedBytes: received, totalBytes })
            return Effect.succeed(chunk)
          })
        )
        return { url, contentType, totalBytes, body }
      })

    const track: Service["track"] = (source, url, options = {}) => {
      if (options.track !== true || typeof source !== "object" || source instanceof URL) return Effect.void
      const requestId = source.requestId ?? source.id
      if (requestId === undefined) return Effect.void
      const mediaType = mediaTypeOf(source, "")
      return usage.trackDownload(requestId, url, mediaType !== undefined ? { mediaType } : {})
    }

    return {
      open,
      track,
      stream: (source, options) => unwrapScoped(Effect.map(open(source, options), (d) => d.body)),
      bytes: (source, options) =>
        Effect.scoped(Effect.gen(function*() {
          const d = yield* open(source, options)
          const chunks = yield* Stream.runCollect(d.body)
          let size = 0
          Chunk.forEach(chunks, (c) => (size += c.length))
          const bytes = new Uint8Array(size)
          let offset = 0
          Chunk.forEach(chunks, (c) => {
            bytes.set(c, offset)
            offset += c.length
          })
          yield* track(source, d.url, options)
          return { url: d.url, contentType: d.contentType, size, bytes }
        }))
    }
  }
)

/** The `Downloads` layer. */
export const layer: Layer.Layer<Downloads, never, VisgateClient | Usage> = Layer.effect(Downloads, make)

/**
 * Streams an output to `path` on `@effect/platform`'s `FileSystem` (provide `NodeFileSystem` from
 * `@effect/platform-node`, or any other): into a temporary file in the same folder, renamed to
 * `path` once complete, so no half-written output is ever left at `path`; on any failure or
 * interruption the temporary file is removed. Then `track`, when set.
 */
export const toFile = (
  source: DownloadSource,
  path: string,
  options: DownloadOptions = {}
): Effect.Effect<DownloadedFile, DownloadError | VisgateApiError, Downloads | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const downloads = yield* Downloads
    const fs = yield* FileSystem.FileSystem
    const result = yield* Effect.scoped(Effect.gen(function*() {
      const d = yield* downloads.open(source, options)
      const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`
      const fileError = (e: { message: string }) => fail("File", `Writing ${path} failed: ${e.message}`, { url: d.url })
      let size = 0
      const write = Stream.run(
        Stream.tap(d.body, (c) => Effect.sync(() => (size += c.length))),
        fs.sink(tmp)
      ).pipe(
        Effect.mapError((e) => (e instanceof DownloadError ? e : fileError(e))),
        Effect.zipRight(Effect.mapError(fs.rename(tmp, path), fileError))
      )
      yield* Effect.onExit(write, (exit) => exit._tag === "Success" ? Effect.void : Effect.ignore(fs.remove(tmp)))
      return { url: d.url, contentType: d.contentType, size, path }
    }))
    yield* downloads.track(source, result.url, options)
    return result
  })
