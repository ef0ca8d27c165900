/**
 * `POST /generate`: quick image generation (reference §2.1).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Loose, NonBlank, optional, wire, withDefault } from "../internal/schema.js"
import { ResultStatusField } from "./Requests.js"

/** Default model of `client.generate`. */
export const DEFAULT_GENERATE_MODEL = "fal-ai/flux/schnell"

/** Output resolution. */
export class Resolution extends Schema.Class<Resolution>("Resolution")({
  width: Schema.Number,
  height: Schema.Number
}) {}

/** `POST /generate` 200. `cost` is the wire `estimated_cost_usd` (USD). */
export class GenerateResult extends Schema.Class<GenerateResult>("GenerateResult")(wire({
  id: Schema.String,
  status: ResultStatusField,
  /** First image, or undefined. */
  imageUrl: optional(Schema.String),
  images: withDefault(Schema.Array(Schema.String), () => []),
  model: Schema.String,
  provider: optional(Schema.String),
  /** `managed` (Visgate keys) or `byok` (your provider keys). */
  mode: optional(Schema.String as Schema.Schema<"managed" | "byok" | (string & {}), string>),
  /** Estimated cost in USD (wire `estimated_cost_usd`; 0 when absent). */
  cost: withDefault(Schema.Number, () => 0).pipe(Schema.fromKey("estimated_cost_usd")),
  /** USD per megapixel (0 when absent). */
  costPerMegapixelUsd: withDefault(Schema.Number, () => 0),
  latencyMs: withDefault(Schema.Number, () => 0),
  resolution: optional(Resolution),
  createdAt: optional(Schema.String)
})) {}

/** The `POST /generate` body: camelCase in, snake_case on the wire, validated before sending. */
export const GenerateBody = Schema.Struct({
  prompt: NonBlank,
  model: NonBlank,
  params: Schema.optional(Loose)
})

/** Encoded (wire) form of {@link GenerateBody}. */
export type GenerateBodyWire = Schema.Schema.Encoded<typeof GenerateBody>
