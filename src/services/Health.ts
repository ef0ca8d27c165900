/**
 * `Health`: `GET /health` (no key needed by the server).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type { VisgateApiError } from "../schemas/Errors.js"
import { HealthStatus } from "../schemas/Health.js"
import { VisgateClient } from "./VisgateClient.js"

/** The `Health` service. */
export interface Service {
  /** `GET /health`. */
  readonly check: () => Effect.Effect<HealthStatus, VisgateApiError>
}

/** Tag of the `Health` service. */
export class Health extends Context.Tag("@visgate_ai/client/Health")<Health, Service>() {}

const decodeHealth = Schema.decodeUnknown(HealthStatus)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  check: () => client.request({ method: "GET", path: "/health" }, decodeHealth)
}))

/** The `Health` layer. */
export const layer: Layer.Layer<Health, never, VisgateClient> = Layer.effect(Health, make)
