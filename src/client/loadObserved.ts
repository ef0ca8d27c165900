/**
 * How the Promise client loads its logging and tracing (`observed.ts`): with `import()`, so that
 * module is a chunk of its own that a client without them never loads. The CommonJS build, which
 * has no chunks, swaps this file for `loadObserved.static.ts` (`scripts/bundle-entry.mjs`).
 *
 * @internal
 */
import type * as Observed from "./observed.js"

/** The module, loaded once. */
export const loadObserved = (): Promise<typeof Observed> => import("./observed.js")
