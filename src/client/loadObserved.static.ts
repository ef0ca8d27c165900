/**
 * `loadObserved.ts` for the CommonJS build (`scripts/bundle-entry.mjs`): the module imported
 * statically, since one CommonJS file has no chunk to load later (and `import()` inlined there
 * would wrap every module it reaches in a lazy initializer).
 *
 * @internal
 */
import * as Observed from "./observed.js"

/** The module, already loaded. */
export const loadObserved = (): Promise<typeof Observed> => Promise.resolve(Observed)
