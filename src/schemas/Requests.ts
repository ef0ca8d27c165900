/**
 * Async generation: the 202 acknowledgement and `GET /requests/{id}` status.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optional, wire, withDefault, withFallbacks } from "../internal/schema.js"

/**
 * Status of an async request. `completed` and `failed` are terminal; `accepted` means the same
 * as `pending`. Unknown future values are kept as strings and treated as not terminal.
 */
export type RequestStatusValue = "pending" | "accepted" | "processing" | "completed" | "failed" | (string & {})

/** Terminal statuses of an async request. */
export const TERMINAL_REQUEST_STATUSES: ReadonlySet<string> = new Set(["completed", "failed"])

/** Whether a status value is terminal. */
export const isTerminalStatus = (status: string): boolean => TERMINAL_REQUEST_STATUSES.has(status)

/** `GET /requests/{request_id}` (reference §2.4). */
export class RequestStatus extends Schema.Class<RequestStatus>("RequestStatus")(wire({
  /** The request id (wire `request_id`, falling back to `id`). */
  requestId: Schema.String,
  status: withDefault(Schema.String as Schema.Schema<RequestStatusValue, string>, () => "pending"),
  /** `image` | `video` | `audio`; `video` when the server leaves it out. */
  mediaType: withDefault(Schema.String, () => "video"),
  provider: optional(Schema.String),
  model: optional(Schema.String),
  /** Set once completed. */
  outputUrl: optional(Schema.String),
  /** Set when failed. */
  errorMessage: optional(Schema.String),
  /** ISO 8601, as sent. */
  createdAt: optional(Schema.String),
  /** ISO 8601, set on success or failure. */
  completedAt: optional(Schema.String),
  /** Server hint: seconds until the next poll is worth making. */
  pollIntervalSeconds: optional(Schema.Number),
  /** Server estimate of the seconds left. */
  estimatedRemainingSeconds: optional(Schema.Number)
})) {}

/** Decodes a request status body, applying the `request_id` -> `id` fallback. */
export const RequestStatusFromWire = withFallbacks(RequestStatus, { request_id: ["id"] })

/**
 * The answer to a generation sent with `preferAsync: true` that the server accepted for later
 * (HTTP 202). The wire status may say `pending` or `accepted`; it is always `accepted` here.
 * Poll `requests.get(requestId)` (or `requests.wait`) for the outcome.
 */
export class AcceptedResult extends Schema.Class<AcceptedResult>("AcceptedResult")({
  status: Schema.Literal("accepted"),
  requestId: Schema.String
}) {}

/** The wire form of a 202 body: `{request_id | id, status}`. */
const AcceptedWire = Schema.Struct({
  request_id: Schema.String,
  status: Schema.optionalWith(Schema.String, { nullable: true })
})

/** Decodes a 202 body into an {@link AcceptedResult}. */
export const AcceptedFromWire: Schema.Schema<AcceptedResult, unknown> = withFallbacks(
  Schema.transform(AcceptedWire, Schema.typeSchema(AcceptedResult), {
    strict: true,
    decode: (wire) => new AcceptedResult({ status: "accepted", requestId: wire.request_id }),
    encode: (result) => ({ request_id: result.requestId, status: "pending" })
  }),
  { request_id: ["id"] }
)

/**
 * Status of a finished (HTTP 200) generation result. The wire value is kept when it is one of
 * these; a result without one is `completed`. This is the one place that decides it.
 */
export type ResultStatus = "completed" | "failed" | "processing" | "pending"

const RESULT_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "processing", "pending"])

/** Decodes the optional wire `status` of a 200 result into a {@link ResultStatus}. */
export const ResultStatusField = Schema.optionalWith(
  Schema.transform(Schema.String, Schema.Literal("completed", "failed", "processing", "pending"), {
    strict: true,
    decode: (s) => {
      const lower = s.toLowerCase()
      if (RESULT_STATUSES.has(lower)) return lower as ResultStatus
      if (lower === "accepted" || lower === "queued") return "pending"
      if (lower === "running" || lower === "in_progress") return "processing"
      if (lower === "error" || lower === "cancelled" || lower === "canceled") return "failed"
      return "completed"
    },
    encode: (s) => s
  }),
  { nullable: true, default: () => "completed" as const }
)

/**
 * Fields `/images/generate` and `/videos/generate` results share (reference §2.2, §2.3): billing,
 * cache and timing. Money: `cost` and `savedAmount` in USD, `providerCostAvoidedMicro` in micro-USD.
 */
export const generationResultFields = wire({
  id: Schema.String,
  status: ResultStatusField,
  model: Schema.String,
  provider: Schema.String,
  /** Billed cost in USD (0 on cache hits and when absent). */
  cost: withDefault(Schema.Number, () => 0),
  cacheHit: withDefault(Schema.Boolean, () => false),
  /** `exact` or `semantic` when the result came from the cache. */
  cacheSource: optional(Schema.String),
  /** Provider cost avoided by a cache hit, in micro-USD (1e-6 USD). */
  providerCostAvoidedMicro: optional(Schema.Number),
  /** Amount saved by a cache hit, in USD. */
  savedAmount: optional(Schema.Number),
  latencyMs: optional(Schema.Number),
  createdAt: optional(Schema.String)
})
