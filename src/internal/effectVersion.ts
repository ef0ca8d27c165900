/**
 * `./effect` and `./testing` run on the app's own `effect` (a peer dependency). Imported first by
 * both entries, this fails at load, with one message, when that `effect` is not the 3.x line they
 * are built for (effect 4 changed the data types and runtime these entries compose with).
 *
 * @internal
 */
import * as Effect from "effect/Effect"

/** Lowest `effect` the entries support: the peer range is `^3.22.0`. */
export const MIN_EFFECT_MINOR = 22

/** `effect` 3 stamps every Effect with its version; effect 4 has no `EffectTypeId` here. */
export const effectVersion = (): string | undefined => {
  const id = (Effect as { readonly EffectTypeId?: symbol }).EffectTypeId
  const variance = id === undefined ? undefined : (Effect.void as unknown as Record<symbol, { _V?: unknown }>)[id]
  return typeof variance?._V === "string" ? variance._V : undefined
}

/** `undefined` when `version` is supported, else the message the entries throw. */
export const unsupportedEffect = (version: string | undefined): string | undefined => {
  const [major, minor] = (version ?? "").split(".").map(Number)
  if (major === 3 && minor !== undefined && minor >= MIN_EFFECT_MINOR) return undefined
  return `@visgate_ai/client/effect and /testing need effect ^3.${MIN_EFFECT_MINOR}.0 with @effect/platform ^0.97.0 ` +
    `(found effect ${version ?? "4 or later"}). Install effect@3 and @effect/platform@0.97, or use the Promise ` +
    `entry "@visgate_ai/client", which bundles its own effect and works beside any version.`
}

const message = unsupportedEffect(effectVersion())
if (message !== undefined) throw new Error(message)
