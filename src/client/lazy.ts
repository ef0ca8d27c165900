/**
 * Resources loaded on first use. `client.billing`, `client.deployments` and the other resources
 * off the generation path are objects of plain functions here; their wiring, services and wire
 * models (`import()`ed: a chunk of their own in the ESM build) load when one of their methods is
 * first called, so importing the Promise entry does not build their schema classes.
 *
 * @since 0.1.0
 */

/** How each member of a resource returns: a `Promise`, or an `AsyncIterable` (handed out at once). */
export type ResourceShape<T> = {
  readonly [K in keyof T]: T[K] extends (...args: never) => AsyncIterable<unknown> ? "iterable" : "promise"
}

type Method = (...args: ReadonlyArray<unknown>) => unknown

/**
 * An async iterable whose iterator is opened on the first `next()`. `return()` before that opens
 * nothing; after it, closes the iterator it opened.
 */
const deferredIterable = <A>(open: () => Promise<AsyncIterable<A>>): AsyncIterable<A> => ({
  [Symbol.asyncIterator](): AsyncIterator<A> {
    let opened: Promise<AsyncIterator<A>> | undefined
    let done = false
    return {
      async next() {
        if (done) return { done: true, value: undefined }
        opened ??= open().then((iterable) => iterable[Symbol.asyncIterator]())
        return await (await opened).next()
      },
      async return(value?: unknown) {
        done = true
        const iterator = opened === undefined ? undefined : await opened.catch(() => undefined)
        if (iterator?.return !== undefined) return await iterator.return(value)
        return { done: true, value: value as A }
      }
    }
  }
})

/**
 * A resource of the shape `shape` whose members call the resource `load` resolves with, loaded
 * once (a failed load is tried again on the next call). The members are async functions awaiting
 * the real ones, so a rejection still lists the caller's frames.
 */
export const lazyResource = <T extends object>(load: () => Promise<T>, shape: ResourceShape<T>): T => {
  let loading: Promise<Record<string, Method>> | undefined
  const loaded = () =>
    loading ??= (load() as Promise<unknown> as Promise<Record<string, Method>>).catch((error: unknown) => {
      loading = undefined
      throw error
    })
  const resource: Record<string, Method> = {}
  for (const [name, kind] of Object.entries(shape) as ReadonlyArray<[string, "iterable" | "promise"]>) {
    resource[name] = kind === "iterable"
      ? (...args) => deferredIterable(async () => (await loaded())[name]!(...args) as AsyncIterable<unknown>)
      : async (...args) => await (await loaded())[name]!(...args)
  }
  return resource as T
}

/** A function loaded on its first call, as {@link lazyResource}'s members. */
export const lazyFunction = <F extends (...args: never) => Promise<unknown>>(load: () => Promise<F>): F => {
  const resource = lazyResource(async () => ({ call: await load() }), { call: "promise" } as ResourceShape<{ call: F }>)
  return resource.call
}
