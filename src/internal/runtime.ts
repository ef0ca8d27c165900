/**
 * What the current JavaScript runtime is, read once. Used to decide whether a
 * `User-Agent` may be set and whether a raw key is being used in a browser.
 *
 * @internal
 */
const g = globalThis as {
  readonly window?: unknown
  readonly document?: unknown
  readonly process?: {
    readonly env?: Record<string, string | undefined>
    readonly versions?: { readonly node?: string }
  }
}

/** True in a browser page or web worker (not in Node, Deno, Bun or edge runtimes without `window`). */
export const isBrowser = (): boolean => typeof g.window !== "undefined" && typeof g.document !== "undefined"

/** Reads an environment variable where the runtime has `process.env` (Node, Bun, most edge runtimes). */
export const readEnv = (name: string): string | undefined => {
  try {
    const value = g.process?.env?.[name]
    return value === undefined || value.trim() === "" ? undefined : value.trim()
  } catch {
    return undefined
  }
}
