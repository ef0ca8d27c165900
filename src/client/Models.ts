/**
 * `client.models`: the model catalog.
 *
 * @since 0.1.0
 */
import type { ModelInfo, ModelsResponse } from "../schemas/Models.js"
import {
  type IterateModelsOptions,
  layer,
  type ListModelsOptions,
  Models,
  type SearchModelsOptions
} from "../services/Models.js"
import { type RequestOptions, withoutSignal } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** `client.models`. */
export interface ModelsResource {
  /** `GET /models`: one page of the catalog, filtered. */
  list(options?: ListModelsOptions & RequestOptions): Promise<ModelsResponse>
  /** `GET /models/{id}`: one model; ids keep their slashes (`fal-ai/flux/schnell`). */
  get(modelId: string, options?: RequestOptions): Promise<ModelInfo>
  /** `GET /models?search=`: models matching `query` (default limit 20). */
  search(query: string, options?: SearchModelsOptions & RequestOptions): Promise<ModelsResponse>
  /**
   * Every model matching the filters, fetched a page at a time as you iterate
   * (`for await (const m of client.models.iterate())`). `break` stops fetching.
   */
  iterate(options?: IterateModelsOptions & RequestOptions): AsyncIterable<ModelInfo>
}

/** The Promise resource over the `Models` service. */
export const makeModels = ({ call, iterate }: ClientRuntime<Models>): ModelsResource => ({
  list: (options) => call(Models, (s) => s.list(withoutSignal(options)), options),
  get: (modelId, options) => call(Models, (s) => s.get(modelId), options),
  search: (query, options) => call(Models, (s) => s.search(query, withoutSignal(options)), options),
  iterate: (options) => iterate(Models, (s) => s.iterate(withoutSignal(options)), options)
})

/** `makeModels` on the client's runtime with its services added (on first use, `client/lazy.ts`). */
export const loadModels = async (runtime: ClientRuntime): Promise<ModelsResource> =>
  makeModels(await runtime.provide(layer))
