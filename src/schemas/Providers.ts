/**
 * Provider key management and balances (reference §2.12).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optional, wire, withDefault } from "../internal/schema.js"

/** Provider names; other values are kept as strings. */
export type ProviderName = "fal" | "replicate" | "runway" | "runpod" | "huggingface" | (string & {})

/** A stored provider key; the key itself never comes back, only a mask like `****a346`. */
export class ProviderKeyInfo extends Schema.Class<ProviderKeyInfo>("ProviderKeyInfo")(wire({
  provider: Schema.String as Schema.Schema<ProviderName, string>,
  validated: withDefault(Schema.Boolean, () => false),
  /** ISO 8601, as sent (e.g. `2026-02-10T15:26:01.772000+00:00`). */
  validatedAt: optional(Schema.String),
  /** Four asterisks and the last four characters. */
  maskedKey: optional(Schema.String)
})) {}

/** `GET /providers/keys` 200. */
export class ProviderKeys extends Schema.Class<ProviderKeys>("ProviderKeys")({
  keys: Schema.Array(ProviderKeyInfo)
}) {}

/** `POST /providers/validate` 200. */
export class KeyValidation extends Schema.Class<KeyValidation>("KeyValidation")(wire({
  valid: Schema.Boolean,
  /** e.g. `Valid Fal.ai API key`. */
  message: withDefault(Schema.String, () => "")
})) {}

/**
 * `DELETE /providers/keys/{provider}`: the server may answer 204 or a small JSON object [I];
 * either way this is what the call returns.
 */
export class ProviderKeyDeleted extends Schema.Class<ProviderKeyDeleted>("ProviderKeyDeleted")(wire({
  deleted: withDefault(Schema.Boolean, () => true),
  provider: Schema.String as Schema.Schema<ProviderName, string>,
  message: optional(Schema.String)
})) {}

/**
 * One provider's balance. `limit` and `remaining` are in `currency` (`credits` or `usd`), not
 * necessarily USD; both are absent when the provider does not report them.
 */
export class ProviderBalance extends Schema.Class<ProviderBalance>("ProviderBalance")(wire({
  provider: Schema.String as Schema.Schema<ProviderName, string>,
  configured: withDefault(Schema.Boolean, () => false),
  available: withDefault(Schema.Boolean, () => false),
  limit: optional(Schema.Number),
  remaining: optional(Schema.Number),
  /** `credits` or `usd`. */
  currency: optional(Schema.String),
  message: optional(Schema.String)
})) {}

/** `GET /providers/balances` 200. */
export class ProviderBalances extends Schema.Class<ProviderBalances>("ProviderBalances")({
  balances: Schema.Array(ProviderBalance)
}) {}
