/**
 * `Requests`: status of async generations (`GET /requests/{id}`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { invalid } from "../internal/body.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { type RequestStatus, RequestStatusFromWire } from "../schemas/Requests.js"
import { VisgateClient } from "./VisgateClient.js"

/** The `Requests` service. */
export interface Service {
  /** `GET /requests/{id}`: the current status of an async generation. */
  readonly get: (requestId: string) => Effect.Effect<RequestStatus, VisgateApiError>
}

/** Tag of the `Requests` service. */
export class Requests extends Context.Tag("@visgate_ai/client/Requests")<Requests, Service>() {}

const decodeStatus = Schema.decodeUnknown(RequestStatusFromWire)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  get: (requestId) =>
    typeof requestId !== "string" || requestId.trim() === ""
      ? invalid("requestId", "requestId must be a non-empty string")
      : client.request({ method: "GET", path: `/requests/${encodeURIComponent(requestId.trim())}` }, decodeStatus)
}))

/** The `Requests` layer. */
export const layer: Layer.Layer<Requests, never, VisgateClient> = Layer.effect(Requests, make)
