/**
 * `./effect` and `./testing` run on the app's own `effect` (a peer dependency). Imported first by
 * both entries, this fails at load, with one message, when the `effect` they run on is not the 3.x
 * line they are built for (effect 4 changed the data types and runtime these entries compose with).
 * Node checks the installed `package.json` before this (`effectPeers.ts`); this is the check of the
 * `effect` actually loaded, for bundlers and any runtime that links the entry as it is.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { isSupportedEffect, unsupportedEffectMessage } from "./effectPeers.js"

/** `effect` 3 stamps every Effect with its version; effect 4 has no `EffectTypeId` here. */
export const effectVersion = (): string | undefined => {
  const id = (Effect as { readonly EffectTypeId?: symbol }).EffectTypeId
  const variance = id === undefined ? undefined : (Effect.void as unknown as Record<symbol, { _V?: unknown }>)[id]
  return typeof variance?._V === "string" ? variance._V : undefined
}

/** `undefined` when `version` is supported, else the message the entries throw. */
export const unsupportedEffect = (version: string | undefined): string | undefined =>
  version !== undefined && isSupportedEffect(version)
    ? undefined
    : unsupportedEffectMessage(`found effect ${version ?? "4 or later"}`)

const message = unsupportedEffect(effectVersion())
if (message !== undefined) throw new Error(message)
