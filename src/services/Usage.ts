/**
 * `Usage`: usage summary, request logs, dashboard and download tracking.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { badInt, bodyEncoder, invalid, omitNullish } from "../internal/body.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import type { MediaType } from "../schemas/Models.js"
import {
  DashboardFromWire,
  type DashboardSummary,
  isUsagePeriod,
  TrackDownloadBody,
  USAGE_PERIODS,
  type UsageLogEntry,
  UsageLogsFromWire,
  type UsagePeriod,
  type UsageSummary,
  UsageSummaryFromWire
} from "../schemas/Usage.js"
import { VisgateClient } from "./VisgateClient.js"

/** Options of `usage.logs(options)`. */
export interface UsageLogsOptions {
  /** Entries per page (default 50). */
  readonly limit?: number | null | undefined
  /** Entries to skip (default 0). */
  readonly offset?: number | null | undefined
}

/** Options of `usage.trackDownload(requestId, url, options)`. */
export interface TrackDownloadOptions {
  /** `image` | `video` | `audio`. */
  readonly mediaType?: MediaType | null | undefined
}

/** The `Usage` service. */
export interface Service {
  /** `GET /usage?period=`: totals for a period (default `month`). */
  readonly get: (period?: UsagePeriod) => Effect.Effect<UsageSummary, VisgateApiError>
  /** `GET /usage/logs?limit=&offset=`: recent request log entries (default 50 from 0). */
  readonly logs: (options?: UsageLogsOptions) => Effect.Effect<ReadonlyArray<UsageLogEntry>, VisgateApiError>
  /** `GET /dashboard?period=`: dashboard figures for a period (default `month`). */
  readonly dashboard: (period?: UsagePeriod) => Effect.Effect<DashboardSummary, VisgateApiError>
  /** `POST /usage/downloads`: records that a generated output was downloaded. */
  readonly trackDownload: (
    requestId: string,
    url: string,
    options?: TrackDownloadOptions
  ) => Effect.Effect<void, VisgateApiError>
}

/** Tag of the `Usage` service. */
export class Usage extends Context.Tag("@visgate_ai/client/Usage")<Usage, Service>() {}

const decodeSummary = Schema.decodeUnknown(UsageSummaryFromWire)
const decodeLogs = Schema.decodeUnknown(UsageLogsFromWire)
const decodeDashboard = Schema.decodeUnknown(DashboardFromWire)
const encodeDownload = bodyEncoder(TrackDownloadBody, "usage.trackDownload arguments")

/** Checks a period before any request. */
const checkPeriod = (period: unknown): Effect.Effect<UsagePeriod, VisgateApiError> =>
  isUsagePeriod(period)
    ? Effect.succeed(period)
    : invalid("period", `period must be one of ${USAGE_PERIODS.join(", ")}; got ${JSON.stringify(period)}`)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  get: (period = "month") =>
    Effect.flatMap(
      checkPeriod(period),
      (p) => client.request({ method: "GET", path: "/usage", query: { period: p } }, decodeSummary)
    ),
  logs: (options = {}) => {
    const limit = options.limit ?? 50
    const offset = options.offset ?? 0
    const bad = badInt("limit", limit, 1) ?? badInt("offset", offset, 0)
    if (bad !== undefined) return bad
    return client.request({ method: "GET", path: "/usage/logs", query: { limit, offset } }, decodeLogs)
  },
  dashboard: (period = "month") =>
    Effect.flatMap(
      checkPeriod(period),
      (p) => client.request({ method: "GET", path: "/dashboard", query: { period: p } }, decodeDashboard)
    ),
  trackDownload: (requestId, url, options = {}) =>
    Effect.flatMap(
      encodeDownload(omitNullish({ requestId, url, mediaType: options.mediaType })),
      // The response is not documented (an acknowledgement, or 204): any 2xx is success.
      (body) => Effect.asVoid(client.send({ method: "POST", path: "/usage/downloads", body }))
    )
}))

/** The `Usage` layer. */
export const layer: Layer.Layer<Usage, never, VisgateClient> = Layer.effect(Usage, make)
