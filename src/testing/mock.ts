/**
 * Mock layers for users' own tests: a service layer built from a partial implementation, where
 * every method not supplied fails loudly (a defect naming the service and the method).
 *
 * ```ts
 * const ImagesTest = makeTestLayer(Images.Images)({
 *   generate: () => Effect.succeed(fakeResult)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * Builds a layer for `tag` from a partial implementation. Calling a method that was not supplied
 * dies with `Error("<Tag key>.<method> is not implemented in this test layer")`.
 */
export const makeTestLayer = <I, S extends object>(tag: Context.Tag<I, S>) => (service: Partial<S>): Layer.Layer<I> =>
  Layer.succeed(tag, makeTestService(tag, service))

/** The service value behind {@link makeTestLayer}. */
export const makeTestService = <I, S extends object>(tag: Context.Tag<I, S>, service: Partial<S>): S => {
  const cache = new Map<PropertyKey, unknown>()
  return new Proxy(service as S, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver)
      if (typeof prop === "symbol" || prop === "then" || prop === "toJSON") return undefined
      let fn = cache.get(prop)
      if (fn === undefined) {
        const name = `${tag.key}.${prop}`
        fn = () => Effect.die(new Error(`${name} is not implemented in this test layer`))
        cache.set(prop, fn)
      }
      return fn
    }
  })
}
