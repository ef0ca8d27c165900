/**
 * `visgate models [search <query>]` and `visgate usage`: the model catalog as a table, and
 * usage totals.
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { MediaType, ModelInfo, ModelProvider } from "../schemas/Models.js"
import { USAGE_PERIODS } from "../schemas/Usage.js"
import { Models } from "../services/Models.js"
import { Usage } from "../services/Usage.js"
import { global, output, table, withSdk } from "./common.js"

const provider = Options.choice("provider", ["fal", "replicate", "runway"]).pipe(
  Options.withDescription("Only this provider's models"),
  Options.optional
)
const mediaType = Options.choice("media-type", ["image", "video", "audio"]).pipe(
  Options.withDescription("Only image, video or audio models"),
  Options.optional
)
const limit = Options.integer("limit").pipe(Options.withDescription("At most this many models"), Options.optional)

const price = (m: ModelInfo): string =>
  m.pricing ?? (m.normalizedCostMicro > 0 ? `$${(m.normalizedCostMicro / 1e6).toFixed(4)}` : "")

const modelTable = (models: ReadonlyArray<ModelInfo>, total: number | undefined): Array<string> => [
  ...table(
    ["MODEL", "PROVIDER", "MEDIA", "PRICE", "NAME"],
    models.map((m) => [m.id, m.provider, m.mediaType, price(m), m.name])
  ),
  `${models.length}${total !== undefined && total > models.length ? ` of ${total}` : ""} models`
]

const filters = (o: {
  readonly provider: Option.Option<string>
  readonly mediaType: Option.Option<string>
}) => ({
  provider: Option.getOrUndefined(o.provider) as ModelProvider | undefined,
  mediaType: Option.getOrUndefined(o.mediaType) as MediaType | undefined
})

const search = Command.make(
  "search",
  { ...global, query: Args.text({ name: "query" }), provider, mediaType, limit },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const models = yield* Models
        // Search with the filters (`GET /models?search=`), so they apply server-side.
        const page = yield* models.list({ ...filters(o), search: o.query, limit: Option.getOrElse(o.limit, () => 20) })
        yield* output(o, page.models, () => modelTable(page.models, page.totalCount))
      })
    )
).pipe(Command.withDescription("Search the catalog by name, description or author"))

export const models = Command.make(
  "models",
  { ...global, provider, mediaType, limit },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const models = yield* Models
        const page = yield* models.list({ ...filters(o), limit: Option.getOrElse(o.limit, () => 50) })
        yield* output(o, page.models, () => modelTable(page.models, page.totalCount))
      })
    )
).pipe(
  Command.withDescription("List the model catalog as a table (GET /models)"),
  Command.withSubcommands([search])
)

export const usage = Command.make(
  "usage",
  {
    ...global,
    period: Options.choice("period", USAGE_PERIODS).pipe(
      Options.withDescription("day, week, month or year"),
      Options.withDefault("month" as const)
    )
  },
  (o) =>
    withSdk(
      o,
      Effect.gen(function*() {
        const summary = yield* (yield* Usage).get(o.period)
        yield* output(o, summary, () =>
          table(
            ["FIELD", "VALUE"],
            Object.entries(summary).filter(([, v]) => typeof v !== "object").map(([k, v]) => [k, String(v)])
          ))
      })
    )
).pipe(Command.withDescription("Usage totals for a period (GET /usage)"))
