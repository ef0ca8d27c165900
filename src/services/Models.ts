/**
 * `Models`: the model catalog (`GET /models`, `GET /models/{id}`), with a paging walk over the
 * whole catalog as a `Stream`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { badInt, invalid, nonBlank, pathId } from "../internal/body.js"
import { encodeSegments } from "../internal/wire.js"
import { VisgateError } from "../schemas/Errors.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import {
  DEFAULT_MODELS_PAGE_SIZE,
  DEFAULT_MODELS_SEARCH_LIMIT,
  type MediaType,
  ModelInfo,
  type ModelProvider,
  MODELS_QUERY,
  type ModelSort,
  ModelsResponse
} from "../schemas/Models.js"
import type { QueryValue } from "./VisgateClient.js"
import { VisgateClient } from "./VisgateClient.js"

/** Filters of `models.list(options)`; `null` or `undefined` means not sent. */
export interface ListModelsOptions {
  /** `fal` | `replicate` | `runway`. */
  readonly provider?: ModelProvider | null | undefined
  /** `image` | `video` (wire `media_type`). */
  readonly mediaType?: MediaType | null | undefined
  /**
   * Alias of `mediaType` (the Python SDK's `model_type`). It is never sent under its own name:
   * it is sent as `media_type` when `mediaType` is unset; giving both with different values is a
   * `ValidationError`.
   */
  readonly modelType?: MediaType | null | undefined
  /** e.g. `text-to-image`, `image-to-video`. */
  readonly capability?: string | null | undefined
  /** Matches name, description or author. */
  readonly search?: string | null | undefined
  /** `name` | `cost` | `newest` | `popular`. */
  readonly sort?: ModelSort | null | undefined
  /** Page size (a positive integer). The server's default applies when unset. */
  readonly limit?: number | null | undefined
  /** Entries to skip (a non-negative integer), for paging. */
  readonly offset?: number | null | undefined
  /** Include the curated `featured` sections (sent as `featured=true`). */
  readonly featured?: boolean | null | undefined
}

/** Options of `models.search(query, options)`. */
export interface SearchModelsOptions {
  /** Maximum number of models (default 20). */
  readonly limit?: number | null | undefined
}

/** Options of `models.iterate(options)`: the `list` filters, plus the page size. */
export interface IterateModelsOptions extends Omit<ListModelsOptions, "limit" | "offset" | "featured"> {
  /** Models fetched per request (default 100). */
  readonly pageSize?: number | null | undefined
}

/** The `Models` service. */
export interface Service {
  /** `GET /models`: one page of the catalog. */
  readonly list: (options?: ListModelsOptions) => Effect.Effect<ModelsResponse, VisgateApiError>
  /** `GET /models/{id}`: one model; the id keeps its slashes (`fal-ai/flux/schnell`). */
  readonly get: (modelId: string) => Effect.Effect<ModelInfo, VisgateApiError>
  /** `GET /models?search=...&limit=20`: models whose name, description or author match. */
  readonly search: (query: string, options?: SearchModelsOptions) => Effect.Effect<ModelsResponse, VisgateApiError>
  /**
   * Every model matching the filters, one `GET /models?limit=&offset=` page at a time, fetched as
   * the stream is consumed. Ends on a short page or once `total_count` models have been read.
   */
  readonly iterate: (options?: IterateModelsOptions) => Stream.Stream<ModelInfo, VisgateApiError>
}

/** Tag of the `Models` service. */
export class Models extends Context.Tag("@visgate_ai/client/Models")<Models, Service>() {}

const decodeList = Schema.decodeUnknown(ModelsResponse)
const decodeModel = Schema.decodeUnknown(ModelInfo)

/** Builds the wire query, checking it before any request. */
const buildQuery = (
  options: ListModelsOptions
): Effect.Effect<Record<string, QueryValue>, VisgateApiError> => {
  const { limit, mediaType, modelType, offset } = options
  const bad = badInt("limit", limit, 1) ?? badInt("offset", offset, 0)
  if (bad !== undefined) return bad
  if (mediaType != null && modelType != null && mediaType !== modelType) {
    return invalid(
      "modelType",
      `modelType is an alias of mediaType; got mediaType "${mediaType}" and modelType "${modelType}"`
    )
  }
  const blankToUndefined = (s: string | null | undefined) => (s == null || s.trim() === "" ? undefined : s)
  return Effect.succeed({
    [MODELS_QUERY.provider]: blankToUndefined(options.provider),
    [MODELS_QUERY.mediaType]: blankToUndefined(mediaType ?? modelType),
    [MODELS_QUERY.capability]: blankToUndefined(options.capability),
    [MODELS_QUERY.search]: blankToUndefined(options.search),
    [MODELS_QUERY.sort]: blankToUndefined(options.sort),
    [MODELS_QUERY.limit]: limit ?? undefined,
    [MODELS_QUERY.offset]: offset ?? undefined,
    [MODELS_QUERY.featured]: options.featured === true ? "true" : undefined
  })
}

interface PageState {
  readonly offset: number
  readonly previousFirstId: string | undefined
}

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => {
  const list = (options: ListModelsOptions = {}): Effect.Effect<ModelsResponse, VisgateApiError> =>
    Effect.flatMap(
      buildQuery(options),
      (query) => client.request({ method: "GET", path: "/models", query }, decodeList)
    )

  const get = (modelId: string): Effect.Effect<ModelInfo, VisgateApiError> =>
    Effect.flatMap(
      pathId("modelId", modelId, true),
      (id) => client.request({ method: "GET", path: `/models/${encodeSegments(id)}` }, decodeModel)
    )

  const search = (query: string, options: SearchModelsOptions = {}): Effect.Effect<ModelsResponse, VisgateApiError> =>
    Effect.flatMap(
      nonBlank("query", query),
      (search) => list({ search, limit: options.limit ?? DEFAULT_MODELS_SEARCH_LIMIT })
    )

  const iterate = (options: IterateModelsOptions = {}): Stream.Stream<ModelInfo, VisgateApiError> => {
    const { pageSize: size, ...filters } = options
    const bad = badInt("pageSize", size, 1)
    if (bad !== undefined) return Stream.fromEffect(bad)
    const pageSize = size ?? DEFAULT_MODELS_PAGE_SIZE
    const page = (state: PageState) =>
      Effect.flatMap(list({ ...filters, limit: pageSize, offset: state.offset }), (response) => {
        const models = response.models
        const firstId = models[0]?.id
        if (state.offset > 0 && firstId !== undefined && firstId === state.previousFirstId) {
          // The server ignored `offset`: stop loudly instead of repeating the first page forever.
          return Effect.fail(
            new VisgateError({
              message:
                "GET /models returned the same page for a later offset; the server does not support offset paging",
              errorCode: "PAGINATION_UNSUPPORTED",
              details: { offset: state.offset }
            })
          )
        }
        const read = state.offset + models.length
        const done = models.length < pageSize ||
          (response.totalCount !== undefined && read >= response.totalCount)
        const next: Option.Option<PageState> = done
          ? Option.none()
          : Option.some({ offset: read, previousFirstId: firstId })
        return Effect.succeed([models, next] as const)
      })
    return Stream.paginateEffect<PageState, ReadonlyArray<ModelInfo>, VisgateApiError, never>(
      { offset: 0, previousFirstId: undefined },
      page
    ).pipe(Stream.flattenIterables)
  }

  return { list, get, search, iterate }
})

/** The `Models` layer. */
export const layer: Layer.Layer<Models, never, VisgateClient> = Layer.effect(Models, make)
