/**
 * `client.usage`: usage figures, request logs, the dashboard, download tracking.
 *
 * @since 0.1.0
 */
import type { DashboardSummary, UsageLogEntry, UsagePeriod, UsageSummary } from "../schemas/Usage.js"
import { layer, type TrackDownloadOptions, Usage, type UsageLogsOptions } from "../services/Usage.js"
import { type RequestOptions, withoutSignal } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** `client.usage`. */
export interface UsageResource {
  /** `GET /usage`: totals for `day` | `week` | `month` (default) | `year`. */
  get(period?: UsagePeriod, options?: RequestOptions): Promise<UsageSummary>
  /** `GET /usage/logs`: recent request log entries (default 50 from offset 0). */
  logs(options?: UsageLogsOptions & RequestOptions): Promise<ReadonlyArray<UsageLogEntry>>
  /** `GET /dashboard`: dashboard figures for a period (default `month`). */
  dashboard(period?: UsagePeriod, options?: RequestOptions): Promise<DashboardSummary>
  /** `POST /usage/downloads`: records a download of a generated output. */
  trackDownload(requestId: string, url: string, options?: TrackDownloadOptions & RequestOptions): Promise<void>
}

/** The Promise resource over the `Usage` service. */
export const makeUsage = ({ call }: ClientRuntime<Usage>): UsageResource => ({
  get: (period, options) => call(Usage, (s) => s.get(period), options),
  logs: (options) => call(Usage, (s) => s.logs(withoutSignal(options)), options),
  dashboard: (period, options) => call(Usage, (s) => s.dashboard(period), options),
  trackDownload: (requestId, url, options) =>
    call(Usage, (s) => s.trackDownload(requestId, url, withoutSignal(options)), options)
})

/** `makeUsage` on the client's runtime with the `Usage` service added (on first use, `client/lazy.ts`). */
export const loadUsage = async (runtime: ClientRuntime): Promise<UsageResource> =>
  makeUsage(await runtime.provide(layer))
