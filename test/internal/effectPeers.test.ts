import { describe, expect, it } from "vitest"
import {
  foundText,
  importSupportedEffect,
  isSupportedEffect,
  isSupportedPlatform,
  peerProblem,
  peerVersions,
  requireSupportedEffect
} from "../../src/internal/effectPeers.js"
import { unsupportedEffect } from "../../src/internal/effectVersion.js"

const notFound = () => {
  throw Object.assign(new Error("Cannot find module 'effect/package.json'"), { code: "MODULE_NOT_FOUND" })
}
const manifests = (effect: string | undefined, platform: string | undefined) => ({
  effect: effect === undefined ? notFound : () => ({ name: "effect", version: effect }),
  platform: platform === undefined ? notFound : () => ({ name: "@effect/platform", version: platform })
})
const range = "need effect ^3.22.0 with @effect/platform ^0.97.0"
const promise = `use the Promise entry "@visgate_ai/client", which bundles its own effect and works beside any version`

describe("effectPeers", () => {
  it("supports effect ^3.22 and @effect/platform from 0.97", () => {
    expect(["3.22.0", "3.22.4", "3.30.1"].map(isSupportedEffect)).toEqual([true, true, true])
    expect(["3.21.9", "3.10.19", "4.0.0", "4.1.5", "2.4.0", "", "x"].map(isSupportedEffect)).toEqual(
      [false, false, false, false, false, false, false]
    )
    expect(["0.97.0", "0.97.2", "0.98.0"].map(isSupportedPlatform)).toEqual([true, true, true])
    expect(["0.96.9", "4.0.0", ""].map(isSupportedPlatform)).toEqual([false, false, false])
  })

  it("reads both versions; an unreadable package.json is undefined, never a throw", () => {
    expect(peerVersions(manifests("4.1.5", undefined))).toEqual({ effect: "4.1.5", platform: undefined })
    expect(peerVersions({ effect: () => ({}), platform: () => null })).toEqual({
      effect: undefined,
      platform: undefined
    })
  })

  it("names what is installed", () => {
    expect(foundText({ effect: "4.1.5", platform: "0.97.2" })).toBe("found effect 4.1.5 and @effect/platform 0.97.2")
    expect(foundText({ effect: "4.1.5", platform: undefined })).toBe(
      "found effect 4.1.5, @effect/platform is not installed"
    )
    expect(foundText({ effect: undefined, platform: "0.97.2" })).toBe(
      "effect is not installed, found @effect/platform 0.97.2"
    )
    expect(foundText({ effect: undefined, platform: undefined })).toBe("effect and @effect/platform are not installed")
  })

  it("a version out of range is a mismatch, an unread one missing, a supported pair nothing", () => {
    expect(peerProblem({ effect: "3.22.0", platform: "0.97.0" })).toBeUndefined()
    const effect4 = peerProblem({ effect: "4.1.5", platform: undefined })
    expect(effect4?.kind).toBe("mismatch")
    expect(effect4?.message).toContain(range)
    expect(effect4?.message).toContain("(found effect 4.1.5, @effect/platform is not installed)")
    expect(effect4?.message).toContain(promise)
    expect(peerProblem({ effect: "3.22.4", platform: "0.96.0" })?.kind).toBe("mismatch")
    expect(peerProblem({ effect: "3.22.4", platform: undefined })?.kind).toBe("missing")
    expect(peerProblem({ effect: undefined, platform: undefined })?.kind).toBe("missing")
  })

  it("require: throws the one message on a mismatch or a missing peer", () => {
    expect(() => requireSupportedEffect(manifests("3.22.4", "0.97.2"))).not.toThrow()
    expect(() => requireSupportedEffect(manifests("4.1.5", "0.97.2"))).toThrow(
      /need effect \^3\.22\.0 .*\(found effect 4\.1\.5 and @effect\/platform 0\.97\.2\)/
    )
    expect(() => requireSupportedEffect(manifests(undefined, undefined))).toThrow(
      "(effect and @effect/platform are not installed)"
    )
  })

  it("import: a mismatch fails before the entry is loaded", async () => {
    let loaded = false
    const load = async () => {
      loaded = true
      return { ok: true }
    }
    const error = await importSupportedEffect(() => manifests("4.1.5", undefined), load).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain("(found effect 4.1.5, @effect/platform is not installed)")
    expect(loaded).toBe(false)
    await expect(importSupportedEffect(() => manifests("3.22.4", "0.97.2"), load)).resolves.toEqual({ ok: true })
    expect(loaded).toBe(true)
  })

  it("import: a peer not found fails only if the entry does not load, with the loader's error as cause", async () => {
    const linkError = new Error("Cannot find package 'effect'")
    const error = await importSupportedEffect(() => manifests(undefined, undefined), () => Promise.reject(linkError))
      .catch((e: Error) => e)
    expect((error as Error).message).toContain(range)
    expect((error as Error).message).toContain("(effect and @effect/platform are not installed)")
    expect((error as Error).cause).toBe(linkError)
    // Bundled where package.json cannot be read, the entry loads: no error.
    await expect(importSupportedEffect(() => manifests(undefined, undefined), async () => 1)).resolves.toBe(1)
    // No createRequire (the manifests cannot even be asked for): the entry alone decides.
    const noRequire = () => {
      throw new TypeError("createRequire: not a file URL")
    }
    await expect(importSupportedEffect(noRequire, async () => 2)).resolves.toBe(2)
    const other = new Error("other")
    await expect(importSupportedEffect(() => manifests("3.22.4", "0.97.2"), () => Promise.reject(other))).rejects
      .toBe(other)
  })

  it("the loaded effect's own check: effect 3 from 3.22 passes, effect 4 (no version stamp) does not", () => {
    expect(unsupportedEffect("3.22.4")).toBeUndefined()
    expect(unsupportedEffect("3.21.0")).toContain("(found effect 3.21.0)")
    expect(unsupportedEffect(undefined)).toContain("(found effect 4 or later)")
    expect(unsupportedEffect(undefined)).toContain(promise)
  })
})
