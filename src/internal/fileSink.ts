/**
 * Writing a download to a file from the Promise client (`client.download(source, { to })`): the
 * shape both variants of the package-private import `#visgate/fs` share (package.json `imports`).
 * Node, Deno and Bun resolve it (by the `node` condition) to `fileSink.node.ts`, which imports
 * `node:fs/promises` statically; every other runtime and bundler (browsers, workerd, edge) to
 * `fileSink.default.ts`, which has no file system: `openFileSink` is `undefined` there, and the
 * client fails with a typed error before any request. The Promise bundle keeps `#visgate/fs` as an
 * import, so it carries no file-system code and no non-literal `import()`.
 *
 * Both variants import nothing of the SDK (they are loaded beside the bundle, not inside it).
 *
 * @internal
 */

/** An open temporary file that becomes its target on `commit`, or is removed on `abort`. */
export interface FileSink {
  readonly write: (chunk: Uint8Array) => Promise<void>
  readonly commit: () => Promise<void>
  readonly abort: () => Promise<void>
}

/** Opens a temporary file next to `path` (`<path>.<random>.part`, created exclusively). */
export type OpenFileSink = (path: string) => Promise<FileSink>

/** What `#visgate/fs` exports: `openFileSink` where the runtime has a file system, else `undefined`. */
export interface FileSinkModule {
  readonly openFileSink: OpenFileSink | undefined
}
