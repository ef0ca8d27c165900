import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { AuthenticationError } from "../../src/schemas/Errors.js"
import { ImageResult } from "../../src/schemas/Images.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { Requests } from "../../src/services/Requests.js"
import { makeTestLayer, makeTestService } from "../../src/testing.js"

const result = new ImageResult({
  id: "img-1",
  status: "completed",
  images: ["https://img.test/a.png"],
  model: "fal-ai/flux/schnell",
  provider: "fal",
  cost: 0.002,
  cacheHit: false
})

const defectMessage = <A, E>(exit: Exit.Exit<A, E>): string => {
  expect(Exit.isFailure(exit)).toBe(true)
  if (Exit.isSuccess(exit)) return ""
  expect(Cause.isDie(exit.cause)).toBe(true)
  return (Cause.squash(exit.cause) as Error).message
}

describe("makeTestLayer", () => {
  it.effect("a supplied method answers, with its arguments", () =>
    Effect.gen(function*() {
      const calls: Array<[string, string]> = []
      const layer = makeTestLayer(Images)({
        generate: (model: string, prompt: string) => {
          calls.push([model, prompt])
          return Effect.succeed(result)
        }
      })
      const out = yield* Effect.provide(
        Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat")),
        layer
      )
      expect(out).toBe(result)
      expect(calls).toEqual([["fal-ai/flux/schnell", "a cat"]])
    }))

  it.effect("a supplied method can fail with one of the SDK's typed errors", () =>
    Effect.gen(function*() {
      const error = new AuthenticationError({ message: "bad key", errorCode: "AUTHENTICATION_ERROR", statusCode: 401 })
      const layer = makeTestLayer(Health)({ check: () => Effect.fail(error) })
      const failed = yield* Effect.flip(Effect.provide(Effect.flatMap(Health, (s) => s.check()), layer))
      expect(failed).toBe(error)
    }))

  it.effect("an unsupplied method dies with an error naming the service key and the method", () =>
    Effect.gen(function*() {
      const layer = makeTestLayer(Requests)({})
      const exit = yield* Effect.exit(Effect.provide(Effect.flatMap(Requests, (s) => s.get("req-1")), layer))
      expect(defectMessage(exit)).toBe("@visgate_ai/client/Requests.get is not implemented in this test layer")
    }))

  it.effect("several test layers combine; each one only knows what it was given", () =>
    Effect.gen(function*() {
      const layer = Layer.mergeAll(
        makeTestLayer(Images)({ generate: () => Effect.succeed(result) }),
        makeTestLayer(Health)({})
      )
      const program = Effect.gen(function*() {
        const images = yield* Images
        const health = yield* Health
        const image = yield* images.generate("m", "p")
        const exit = yield* Effect.exit(health.check())
        return { image, exit }
      })
      const { exit, image } = yield* Effect.provide(program, layer)
      expect(image).toBe(result)
      expect(defectMessage(exit)).toBe("@visgate_ai/client/Health.check is not implemented in this test layer")
    }))

  it("the service value is not mistaken for a promise or serialised as methods", () => {
    const service = makeTestService(Images, {}) as unknown as Record<string, unknown>
    expect(service.then).toBeUndefined()
    expect(service.toJSON).toBeUndefined()
    expect(typeof service.generate).toBe("function")
    // the same stub is returned every time
    expect(service.generate).toBe(service.generate)
  })
})
