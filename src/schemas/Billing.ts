/**
 * Billing (reference §2.11). Only the key names of `/billing/stats`, `/billing/info` and
 * `/billing/pricing` were seen live; their types are inferred [I], so every field is optional and
 * `raw` keeps the whole body. Checkout and subscription are inferred end to end [I]: their paths
 * and bodies live in {@link BILLING_PATHS}, {@link CheckoutBody} and {@link SubscriptionBody}.
 *
 * Money units differ by field, and the names say which: `*Micro` = micro-USD integers (1e-6 USD),
 * `*Cents` = US cents, `amountUsd` = USD.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NonBlank, optional, PositiveNumber, wire, withFallbacks } from "../internal/schema.js"
import { rawField, withRaw } from "../internal/wire.js"

/** Billing endpoints. [I] `checkout` and `subscription` are inferred: one-line changes here. */
export const BILLING_PATHS = {
  stats: "/billing/stats",
  info: "/billing/info",
  pricing: "/billing/pricing",
  /** [I] `POST`. */
  checkout: "/billing/checkout",
  /** [I] `PUT` (it could be `POST`; see {@link SUBSCRIPTION_METHOD}). */
  subscription: "/billing/subscription"
} as const

/** [I] HTTP method of the subscription update. */
export const SUBSCRIPTION_METHOD = "PUT" as const

/** `GET /billing/stats` 200: public platform figures. */
export class BillingStats extends Schema.Class<BillingStats>("BillingStats")(wire({
  activeUsers: optional(Schema.Number),
  /** Average image cost, micro-USD. */
  avgImageCostMicro: optional(Schema.Number),
  /** Average video cost, micro-USD. */
  avgVideoCostMicro: optional(Schema.Number),
  /** Base fee per request, micro-USD. */
  baseFeeMicro: optional(Schema.Number),
  cacheHitReductionPercent: optional(Schema.Number),
  competitorMarkupPercent: optional(Schema.Number),
  imageMixPercent: optional(Schema.Number),
  /** Minimum fee per request, micro-USD. */
  minRequestFeeMicro: optional(Schema.Number),
  /** A count or a list: not documented, kept as sent. */
  providers: optional(Schema.Unknown),
  requestFeePercent: optional(Schema.Number),
  savingsSharePercent: optional(Schema.Number),
  totalModels: optional(Schema.Number),
  totalRequests: optional(Schema.Number),
  /** Total saved by the cache, micro-USD. */
  totalSavingsMicro: optional(Schema.Number),
  videoMixPercent: optional(Schema.Number),
  /** The whole body as sent. */
  raw: rawField
})) {}

/** Decodes `GET /billing/stats`. */
export const BillingStatsFromWire = withRaw(BillingStats)

/** `GET /billing/info` 200: the organisation's billing state. */
export class BillingInfo extends Schema.Class<BillingInfo>("BillingInfo")(wire({
  /** Prepaid balance, micro-USD (1e-6 USD). */
  balanceMicro: optional(Schema.Number),
  billingStatus: optional(Schema.String),
  companyName: optional(Schema.String),
  freeModeEnabled: optional(Schema.Boolean),
  /** Monthly budget, US cents. */
  monthlyBudgetCents: optional(Schema.Number),
  supportEmail: optional(Schema.String),
  /** Subscription tier, e.g. `starter`. */
  tier: optional(Schema.String),
  /** Spent this month, US cents. */
  usageThisMonthCents: optional(Schema.Number),
  /** The body as sent, without the server's internal `_`-prefixed keys. */
  raw: rawField
})) {}

/** Decodes `GET /billing/info`; `_`-prefixed keys are internal and dropped. */
export const BillingInfoFromWire = withRaw(BillingInfo, (key) => !key.startsWith("_"))

/** `GET /billing/pricing` 200. `pricing` is the model pricing list; its shape is not documented. */
export class BillingPricing extends Schema.Class<BillingPricing>("BillingPricing")(wire({
  /** ISO 8601, as sent. */
  lastUpdated: optional(Schema.String),
  /** Per-model prices, as sent (an array or a map). */
  pricing: optional(Schema.Unknown),
  raw: rawField
})) {}

/** Decodes `GET /billing/pricing`. */
export const BillingPricingFromWire = withRaw(BillingPricing)

/**
 * [I] The `POST /billing/checkout` body: `{amount_usd, success_url, customer_email?}`. The
 * server may call them `amount` and `return_url`: change the wire names here.
 */
export const CheckoutBody = Schema.Struct(wire({
  /** Top-up amount in USD (not cents). */
  amountUsd: Schema.propertySignature(PositiveNumber),
  returnUrl: Schema.propertySignature(NonBlank).pipe(Schema.fromKey("success_url")),
  customerEmail: Schema.optional(NonBlank)
}))

/** [I] `POST /billing/checkout` 200: a checkout session, decoded loosely. */
export class CheckoutSession extends Schema.Class<CheckoutSession>("CheckoutSession")(wire({
  /** Where to send the customer (wire `checkout_url`, or `url`). */
  checkoutUrl: optional(Schema.String),
  sessionId: optional(Schema.String),
  raw: rawField
})) {}

/** Decodes a checkout response; `checkout_url` falls back to `url` [I]. */
export const CheckoutSessionFromWire = withFallbacks(withRaw(CheckoutSession), { checkout_url: ["url"] })

/** [I] The subscription update body: `{tier}` (the name `/billing/info` uses). */
export const SubscriptionBody = Schema.Struct({ tier: NonBlank })

/** [I] Subscription update response, decoded loosely (probably the updated billing info). */
export class SubscriptionUpdate extends Schema.Class<SubscriptionUpdate>("SubscriptionUpdate")(wire({
  tier: optional(Schema.String),
  status: optional(Schema.String),
  raw: rawField
})) {}

/** Decodes a subscription response; an empty body decodes to `{ raw: {} }`. */
export const SubscriptionUpdateFromWire: Schema.Schema<SubscriptionUpdate, unknown> = withRaw(SubscriptionUpdate)
