/**
 * The part of `node:fs/promises` that `src/internal/fileSink.node.ts` (`#visgate/fs` on Node, Deno
 * and Bun) uses, for the build's program only (tsconfig.build.json): it has no `@types/node`
 * (`types: []`), so no Node global can leak into the shipped types. tsconfig.json, which has
 * `@types/node`, does not include this file.
 */
declare module "node:fs/promises" {
  interface FileHandle {
    write(data: Uint8Array): Promise<unknown>
    close(): Promise<void>
  }
  export function open(path: string, flags: string): Promise<FileHandle>
  export function rename(from: string, to: string): Promise<void>
  export function rm(path: string, options: { readonly force: boolean }): Promise<void>
}
