/**
 * `#visgate/fs` everywhere but Node, Deno and Bun (browsers, workerd, edge runtimes and their
 * bundlers): no file system, so `client.download` with `to` fails with a typed `DownloadError`
 * before any request. See `fileSink.ts`.
 *
 * @internal
 */
import type { OpenFileSink } from "./fileSink.js"

export const openFileSink: OpenFileSink | undefined = undefined
