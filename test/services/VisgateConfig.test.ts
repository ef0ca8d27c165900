import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"
import { VERSION } from "../../src/internal/version.js"
import * as VisgateConfig from "../../src/services/VisgateConfig.js"

const fromMap = (entries: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

describe("VisgateConfig", () => {
  it.effect("layerConfig reads VISGATE_API_KEY (redacted) and VISGATE_BASE_URL", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(
        VisgateConfig.VisgateConfig,
        VisgateConfig.layerConfig().pipe(
          Layer.provide(fromMap({ VISGATE_API_KEY: "vg-from-config", VISGATE_BASE_URL: "http://cfg.test/api/v1/" }))
        )
      )
      expect(Redacted.isRedacted(config.apiKey)).toBe(true)
      expect(Redacted.value(config.apiKey!)).toBe("vg-from-config")
      expect(String(config.apiKey)).not.toContain("vg-from-config")
      expect(config.url).toBe("http://cfg.test/api/v1")
      expect(config.timeoutMs).toBe(120_000)
      expect(config.maxRetries).toBe(2)
    }))

  it.effect("layerConfig without a key fails with AuthenticationError", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        Effect.provide(VisgateConfig.VisgateConfig, VisgateConfig.layerConfig().pipe(Layer.provide(fromMap({}))))
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("AuthenticationError")
    }))

  it.effect("layerConfig: explicit options win; timeout and retries from config", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(
        VisgateConfig.VisgateConfig,
        VisgateConfig.layerConfig({ baseUrl: "http://opt.test" }).pipe(
          Layer.provide(fromMap({
            VISGATE_API_KEY: "vg-x",
            VISGATE_BASE_URL: "http://cfg.test",
            VISGATE_TIMEOUT: "5000",
            VISGATE_MAX_RETRIES: "0"
          }))
        )
      )
      expect(config.url).toBe("http://opt.test")
      expect(config.timeoutMs).toBe(5000)
      expect(config.maxRetries).toBe(0)
    }))

  it("resolve: defaults, proxy mode drops keys, deploymentsBaseUrl", () => {
    const r = Either.getOrThrow(
      VisgateConfig.resolve({ apiKey: "vg-1", deploymentsBaseUrl: "https://deploy.test/v1/" })
    )
    expect(r.url).toBe("https://visgateai.com/api/v1")
    expect(r.deploymentsUrl).toBe("https://deploy.test/v1")
    const p = Either.getOrThrow(VisgateConfig.resolve({ proxyUrl: "/api/visgate", apiKey: "vg-1", runpodKey: "rpa_1" }))
    expect(p.apiKey).toBeUndefined()
    expect(p.byok.runpod).toBeUndefined()
    expect(p.url).toBe("/api/visgate")
    expect(p.deploymentsUrl).toBe("/api/visgate")
    const k = Either.getOrThrow(VisgateConfig.resolve({ apiKey: Redacted.make("vg-r"), runpodKey: "rpa_1" }))
    expect(Redacted.value(k.byok.runpod!)).toBe("rpa_1")
  })

  it("the package version matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })
})
