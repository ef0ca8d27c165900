/**
 * The caller's identity and API keys (reference §2.13, §2.14; seen live, absent from the seed README).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { wire, withDefault } from "../internal/schema.js"

/** The organisation behind the key or session. */
export class Organization extends Schema.Class<Organization>("Organization")(wire({
  /** 20-character id, e.g. `OYw7Bs28wKjFBzk3hedV`. */
  id: Schema.String,
  name: withDefault(Schema.String, () => "")
})) {}

/** `GET /auth/me` 200. */
export class Me extends Schema.Class<Me>("Me")({
  organization: Organization,
  /** `api-key` when called with a Visgate key. */
  role: Schema.String as Schema.Schema<"api-key" | (string & {}), string>
}) {}

/** One Visgate API key (the secret itself is never returned). */
export class ApiKeyInfo extends Schema.Class<ApiKeyInfo>("ApiKeyInfo")(wire({
  id: Schema.String,
  name: withDefault(Schema.String, () => ""),
  /** `vg-` and 7 hex characters, e.g. `vg-5e27273`. */
  keyPrefix: withDefault(Schema.String, () => "")
})) {}

/** `GET /api-keys` 200: a bare JSON array. */
export const ApiKeyList = Schema.Array(ApiKeyInfo)
