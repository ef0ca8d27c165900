/**
 * `Generate`: quick image generation through `POST /generate`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { bodyEncoder, omitNullish } from "../internal/body.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { DEFAULT_GENERATE_MODEL, GenerateBody, GenerateResult } from "../schemas/Generate.js"
import { VisgateClient } from "./VisgateClient.js"

/** Options of `generate(prompt, options)`. */
export interface GenerateOptions {
  /** Model id (default `fal-ai/flux/schnell`). */
  readonly model?: string | null | undefined
  /** Model-specific parameters, sent nested under `params` (e.g. `{ num_images: 2 }`). */
  readonly params?: Readonly<Record<string, unknown>> | null | undefined
  /** Your own idempotency key; one is generated per call otherwise. */
  readonly idempotencyKey?: string | null | undefined
}

/** The `Generate` service. */
export interface Service {
  /** `POST /generate`: one prompt, one model (default `fal-ai/flux/schnell`), `params` nested. */
  readonly generate: (prompt: string, options?: GenerateOptions) => Effect.Effect<GenerateResult, VisgateApiError>
}

/** Tag of the `Generate` service. */
export class Generate extends Context.Tag("@visgate_ai/client/Generate")<Generate, Service>() {}

const encodeBody = bodyEncoder(GenerateBody, "generate request")
const decodeResult = Schema.decodeUnknown(GenerateResult)

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  generate: (prompt, options = {}) =>
    Effect.flatMap(
      encodeBody(omitNullish({
        prompt,
        model: options.model ?? DEFAULT_GENERATE_MODEL,
        params: options.params !== null && options.params !== undefined && Object.keys(options.params).length > 0
          ? options.params
          : undefined
      })),
      (body) =>
        client.request({
          method: "POST",
          path: "/generate",
          body,
          idempotencyKey: options.idempotencyKey ?? true
        }, decodeResult)
    )
}))

/** The `Generate` layer. */
export const layer: Layer.Layer<Generate, never, VisgateClient> = Layer.effect(Generate, make)
