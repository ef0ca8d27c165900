/**
 * `GET /health` (reference §2.15).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optional, wire } from "../internal/schema.js"

/** `GET /health` 200: `{status, version}`; `database` and `cache` when the server reports them. */
export class HealthStatus extends Schema.Class<HealthStatus>("HealthStatus")(wire({
  status: Schema.String,
  version: optional(Schema.String),
  database: optional(Schema.Unknown),
  cache: optional(Schema.Unknown)
})) {}
