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
import { makeIdempotencyKey, VisgateClient } from "./VisgateClient.js"

/** Options of `generate(prompt, options)`. */
export interface GenerateOptions {
  /** Model id (default `fal-ai/flux/schnell`). */
  readonly model?: string | null | undefined
  /** Model-specific parameters, sent nested under `params` (e.g. `{ num_images: 2 }`). */
  readonly params?: Readonly<Record<string, unknown>> | null | undefined
  /**
   * Your own idempotency key. Otherwise one is generated when the call is made (per Promise call;
   * per Effect value, so re-running the same effect sends the same key).
   */
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
  generate: (prompt, options = {}) => {
    // Fixed when the Effect value is made, so re-running it (Effect.retry, a Schedule) reuses it.
    const idempotencyKey = typeof options.idempotencyKey === "string"
      ? options.idempotencyKey
      : makeIdempotencyKey()
    return Effect.flatMap(
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
          idempotencyKey
        }, decodeResult)
    )
  }
}))

/** The `Generate` layer. */
export const layer: Layer.Layer<Generate, never, VisgateClient> = Layer.effect(Generate, make)
