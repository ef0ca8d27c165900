/**
 * Minimal wire models for watching deployments: the status part of `GET /deployments/{id}`
 * (reference §3.5), the `status` / `log` / `done` / `error` server-sent events (§3.9), decoded
 * loosely (unknown fields are ignored). The full `Deployment` model and the status vocabulary
 * (`DeploymentStatus`, `isTerminalDeploymentStatus`) live in `Deployments.ts`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optional, wire, withDefault } from "../internal/schema.js"
import type { DeploymentStatus } from "./Deployments.js"

/**
 * Status of a deployment, as `GET /deployments/{id}` and the `status` event report it.
 * `error` is the failure reason (also set on a `ready` deployment whose webhook failed).
 */
export class DeploymentState extends Schema.Class<DeploymentState>("DeploymentState")(wire({
  deploymentId: Schema.String,
  status: withDefault(Schema.String as Schema.Schema<DeploymentStatus, string>, () => "validating"),
  /** Set once ready: the RunPod run URL. */
  endpointUrl: optional(Schema.String),
  error: optional(Schema.String),
  /** Server estimate of the seconds left (§5.2 table). */
  estimatedRemainingSeconds: optional(Schema.Number),
  /** Server hint for the next poll (only on the 202 of create). */
  pollIntervalSeconds: optional(Schema.Number),
  /** ISO time of the event (SSE only). */
  timestamp: optional(Schema.String)
})) {}

/** One live log line (`event: log`). */
export class DeploymentLogLine extends Schema.Class<DeploymentLogLine>("DeploymentLogLine")(wire({
  deploymentId: withDefault(Schema.String, () => ""),
  /** Unix epoch seconds (float) on the live stream; an ISO string is kept as sent. */
  timestamp: withDefault(Schema.Union(Schema.Number, Schema.String), () => 0),
  /** `INFO`, `WARNING`, `ERROR`, ... */
  level: withDefault(Schema.String, () => "INFO"),
  message: withDefault(Schema.String, () => "")
})) {}

/** `event: error` on the status stream, e.g. `{deployment_id, error: "not_found"}`. */
export const StreamErrorEvent = Schema.Struct({
  deployment_id: Schema.optional(Schema.String),
  error: Schema.optionalWith(Schema.String, { nullable: true, default: () => "unknown" })
})
