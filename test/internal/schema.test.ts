/** `wire(fields)`: camelCase fields read from and written to their snake_case keys, exactly typed. */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { optional, snakeCase, wire, withDefault } from "../../src/internal/schema.js"
import { type GenerateResult } from "../../src/schemas/Generate.js"
import { type ImageGenerateBody } from "../../src/schemas/Images.js"

const Model = Schema.Struct(wire({
  id: Schema.String,
  latencyMs: Schema.Number,
  outputSizeBytes: optional(Schema.Number),
  costPerMegapixelUsd: withDefault(Schema.Number, () => 0),
  negativePrompt: Schema.optional(Schema.String),
  /** Renamed explicitly: keeps its own key. */
  cost: withDefault(Schema.Number, () => 0).pipe(Schema.fromKey("estimated_cost_usd"))
}))

describe("wire", () => {
  it("snake-cases camelCase names and leaves lowercase ones alone", () => {
    expect(snakeCase("latencyMs")).toBe("latency_ms")
    expect(snakeCase("costPerMegapixelUsd")).toBe("cost_per_megapixel_usd")
    expect(snakeCase("gpu2Count")).toBe("gpu2_count")
    expect(snakeCase("id")).toBe("id")
  })

  it("decodes from and encodes to the snake_case keys; an explicit fromKey wins", () => {
    const wireValue = {
      id: "r1",
      latency_ms: 12,
      output_size_bytes: null,
      negative_prompt: "blur",
      estimated_cost_usd: 0.5,
      latencyMs: 99 // a camelCase key on the wire is not read
    }
    const decoded = Schema.decodeUnknownSync(Model)(wireValue)
    expect(decoded).toEqual({ id: "r1", latencyMs: 12, costPerMegapixelUsd: 0, negativePrompt: "blur", cost: 0.5 })
    expect(Schema.encodeSync(Model)(decoded)).toEqual({
      id: "r1",
      latency_ms: 12,
      cost_per_megapixel_usd: 0,
      negative_prompt: "blur",
      estimated_cost_usd: 0.5
    })
  })

  it("a missing required field is a decode error naming its wire key", () => {
    expect(() => Schema.decodeUnknownSync(Model)({ id: "r1" })).toThrow(/\["latency_ms"\][\s\S]*is missing/)
  })

  it("types: the Type is camelCase, the Encoded is exactly the snake_case wire shape", () => {
    expectTypeOf<Schema.Schema.Type<typeof Model>>().toEqualTypeOf<{
      readonly id: string
      readonly latencyMs: number
      readonly outputSizeBytes?: number
      readonly costPerMegapixelUsd: number
      readonly negativePrompt?: string
      readonly cost: number
    }>()
    expectTypeOf<Schema.Schema.Encoded<typeof Model>>().toEqualTypeOf<{
      readonly id: string
      readonly latency_ms: number
      readonly output_size_bytes?: number | null | undefined
      readonly cost_per_megapixel_usd?: number | null | undefined
      readonly negative_prompt?: string
      readonly estimated_cost_usd?: number | null | undefined
    }>()
    // The SDK's own models: no index signature, every key exact.
    expectTypeOf<keyof Schema.Schema.Encoded<typeof ImageGenerateBody>>().toEqualTypeOf<
      | "model"
      | "prompt"
      | "width"
      | "height"
      | "num_images"
      | "negative_prompt"
      | "seed"
      | "image_url"
      | "prefer_cache"
      | "max_latency_ms"
      | "webhook_url"
      | "callback_id"
    >()
    expectTypeOf<Schema.Schema.Encoded<typeof GenerateResult>["estimated_cost_usd"]>().toEqualTypeOf<
      number | null | undefined
    >()
  })
})
