/**
 * Models (public): `GET /models` (filters, sort, `limit`+`offset`, `page` or `cursor` paging,
 * `featured=true` sections) and `GET /models/{id}` over the deterministic `catalog`.
 *
 * @internal
 */
import { catalog, findModel } from "../catalog.js"
import { failValidation, json, notFound } from "../http.js"
import { type Route, route, type RouteContext } from "../router.js"

const SORTS = ["name", "cost", "newest", "popular"]

type Sortable = { name: string; id: string; normalized_cost_micro: number; first_seen_at: string; run_count: number }

const sortModels = <A extends Sortable>(models: ReadonlyArray<A>, sort: string): Array<A> => {
  const out = models.slice()
  switch (sort) {
    case "name":
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    case "cost":
      return out.sort((a, b) => a.normalized_cost_micro - b.normalized_cost_micro || a.id.localeCompare(b.id))
    case "newest":
      return out.sort((a, b) => b.first_seen_at.localeCompare(a.first_seen_at) || a.id.localeCompare(b.id))
    default:
      return out.sort((a, b) => b.run_count - a.run_count || a.id.localeCompare(b.id))
  }
}

const featured = () => [
  { title: "Popular", key: "popular", models: sortModels(catalog, "popular").slice(0, 6) },
  { title: "New", key: "new", models: sortModels(catalog, "newest").slice(0, 6) },
  {
    title: "Video",
    key: "video",
    models: sortModels(catalog.filter((m) => m.media_type === "video"), "popular").slice(0, 6)
  }
]

const listModels = (rc: RouteContext): Response => {
  const q = rc.query
  const intParam = (name: string, fallback: number, min: number, max: number): number => {
    const raw = q.get(name)
    if (raw === null || raw === "") return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      return failValidation(name, `${name} must be an integer between ${min} and ${max}`)
    }
    return n
  }
  const limit = intParam("limit", 50, 1, 500)
  let offset = intParam("offset", 0, 0, 1_000_000)
  const cursor = q.get("cursor")
  if (cursor) {
    const m = /^o(\d+)$/.exec(cursor)
    if (!m) return failValidation("cursor", "cursor is not valid")
    offset = Number(m[1])
  }
  const page = q.get("page")
  if (page !== null && page !== "") offset = (intParam("page", 1, 1, 1_000_000) - 1) * limit
  const sort = q.get("sort") ?? "popular"
  if (!SORTS.includes(sort)) return failValidation("sort", "sort must be one of name, cost, newest, popular")
  const provider = q.get("provider")
  const mediaType = q.get("media_type")
  const capability = q.get("capability")
  const search = q.get("search")?.toLowerCase()
  let models = catalog.filter((m) =>
    (!provider || m.provider === provider) &&
    (!mediaType || m.media_type === mediaType) &&
    (!capability || m.capabilities.includes(capability)) &&
    (!search || [m.id, m.name, m.description, m.author].some((s) => s.toLowerCase().includes(search)))
  )
  models = sortModels(models, sort)
  const pageItems = models.slice(offset, offset + limit)
  const next = offset + limit < models.length ? `o${offset + limit}` : null
  return json(200, {
    models: pageItems,
    total_count: models.length,
    limit,
    offset,
    next_cursor: next,
    last_updated: catalog[0]!.last_synced_at,
    ...(q.get("featured") === "true" ? { featured: featured() } : {})
  })
}

/** The model routes (public: no key needed). */
export const modelRoutes = (): ReadonlyArray<Route> => [
  route("GET", "/models", listModels, { auth: false }),
  route("GET", "/models/*id", (rc) => {
    const id = rc.params.id!
    const model = findModel(id)
    return model ? json(200, model) : notFound("MODEL_NOT_FOUND", `Model not found: ${id}`, { model_id: id })
  }, { auth: false })
]
