/**
 * `./effect` and `./testing` run on the app's own `effect` and `@effect/platform` (peer
 * dependencies). This module checks the installed versions from their `package.json`, before any
 * module of the entry is linked: under Node's ESM loader the whole static graph is resolved first,
 * so next to effect 4 Node would stop at a module effect 4 does not have, with its own error, before
 * a check inside the graph could run. The build's entries call it first (`scripts/bundle-entry.mjs`:
 * `dist/node/effect.js` and `dist/node/testing.js` for `import` under Node, the first line of
 * `dist/cjs/effect.js` and `dist/cjs/testing.js` for `require`). No imports: it must load on any effect.
 *
 * @internal
 */

/** Lowest `effect` the entries support: the peer range is `^3.22.0`. */
export const MIN_EFFECT_MINOR = 22
/** Lowest `@effect/platform` the entries support: the peer range is `^0.97.0`. */
export const MIN_PLATFORM_MINOR = 97

/** How the entry reads a peer's `package.json` (a literal `require`, so bundlers can follow it). */
export interface PeerManifests {
  readonly effect: () => unknown
  readonly platform: () => unknown
}

/** What was found: a version, or `undefined` when the peer's `package.json` could not be read. */
export interface PeerVersions {
  readonly effect: string | undefined
  readonly platform: string | undefined
}

const versionOf = (manifest: () => unknown): string | undefined => {
  try {
    const version = (manifest() as { readonly version?: unknown } | undefined)?.version
    return typeof version === "string" ? version : undefined
  } catch {
    return undefined
  }
}

/** Reads both peers' versions; never throws. */
export const peerVersions = (manifests: PeerManifests): PeerVersions => ({
  effect: versionOf(manifests.effect),
  platform: versionOf(manifests.platform)
})

const majorMinor = (version: string): readonly [number, number] => {
  const [major, minor] = version.split(".").map(Number)
  return [major ?? Number.NaN, minor ?? Number.NaN]
}

/** `effect` `^3.22`: any 3.x from 3.22. */
export const isSupportedEffect = (version: string): boolean => {
  const [major, minor] = majorMinor(version)
  return major === 3 && minor >= MIN_EFFECT_MINOR
}

/** `@effect/platform` 0.x from 0.97. */
export const isSupportedPlatform = (version: string): boolean => {
  const [major, minor] = majorMinor(version)
  return major === 0 && minor >= MIN_PLATFORM_MINOR
}

/** The one message of an unsupported install; `found` says what is installed. */
export const unsupportedEffectMessage = (found: string): string =>
  `@visgate_ai/client/effect and /testing need effect ^3.${MIN_EFFECT_MINOR}.0 with @effect/platform ` +
  `^0.${MIN_PLATFORM_MINOR}.0 (${found}). Install effect@3 and @effect/platform@0.${MIN_PLATFORM_MINOR}, ` +
  `or use the Promise entry "@visgate_ai/client", which bundles its own effect and works beside any version.`

/** What is installed, in words: "found effect 4.1.5, @effect/platform is not installed". */
export const foundText = ({ effect, platform }: PeerVersions): string =>
  effect === undefined && platform === undefined
    ? "effect and @effect/platform are not installed"
    : effect === undefined
    ? `effect is not installed, found @effect/platform ${platform}`
    : platform === undefined
    ? `found effect ${effect}, @effect/platform is not installed`
    : `found effect ${effect} and @effect/platform ${platform}`

/**
 * The problem with the installed peers, if any: `mismatch` when a version was found outside the
 * range, `missing` when a peer's `package.json` could not be read.
 */
export const peerProblem = (
  found: PeerVersions
): { readonly kind: "mismatch" | "missing"; readonly message: string } | undefined => {
  const { effect, platform } = found
  const message = unsupportedEffectMessage(foundText(found))
  if (effect !== undefined && !isSupportedEffect(effect)) return { kind: "mismatch", message }
  if (platform !== undefined && !isSupportedPlatform(platform)) return { kind: "mismatch", message }
  if (effect === undefined || platform === undefined) return { kind: "missing", message }
  return undefined
}

/** `require()` of an entry: throws the one message when a peer is missing or out of range. */
export const requireSupportedEffect = (manifests: PeerManifests): void => {
  const problem = peerProblem(peerVersions(manifests))
  if (problem !== undefined) throw new Error(problem.message)
}

/**
 * `import` of an entry under Node: throws the one message, before `load` links the entry, when a
 * peer is out of range. A peer whose `package.json` was not found (not installed, or bundled where
 * it cannot be read) fails only if `load` fails, with the message and the loader's error as `cause`.
 */
export const importSupportedEffect = async <A>(
  manifests: () => PeerManifests,
  load: () => Promise<A>
): Promise<A> => {
  let problem: ReturnType<typeof peerProblem>
  try {
    problem = peerProblem(peerVersions(manifests()))
  } catch {
    problem = undefined
  }
  if (problem?.kind === "mismatch") throw new Error(problem.message)
  try {
    return await load()
  } catch (cause) {
    if (problem?.kind === "missing") throw new Error(problem.message, { cause })
    throw cause
  }
}
