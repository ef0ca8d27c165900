/**
 * `Billing`: platform stats, the organisation's billing info, pricing, checkout and subscription.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { bodyEncoder, omitNullish } from "../internal/body.js"
import {
  BILLING_PATHS,
  type BillingInfo,
  BillingInfoFromWire,
  type BillingPricing,
  BillingPricingFromWire,
  type BillingStats,
  BillingStatsFromWire,
  CheckoutBody,
  type CheckoutSession,
  CheckoutSessionFromWire,
  SUBSCRIPTION_METHOD,
  SubscriptionBody,
  type SubscriptionUpdate,
  SubscriptionUpdateFromWire
} from "../schemas/Billing.js"
import type { VisgateApiError } from "../schemas/Errors.js"
import { VisgateClient } from "./VisgateClient.js"

/** Options of `billing.checkout(amount, returnUrl, options)`. */
export interface CheckoutOptions {
  /** Prefills the customer's email on the checkout page. */
  readonly customerEmail?: string | null | undefined
}

/** The `Billing` service. */
export interface Service {
  /** `GET /billing/stats`: public platform figures. */
  readonly getStats: () => Effect.Effect<BillingStats, VisgateApiError>
  /** `GET /billing/info`: the organisation's tier, balance and budget. */
  readonly getInfo: () => Effect.Effect<BillingInfo, VisgateApiError>
  /** `GET /billing/pricing`: the model pricing list. */
  readonly getPricing: () => Effect.Effect<BillingPricing, VisgateApiError>
  /** `POST /billing/checkout` [I]: starts a top-up of `amount` USD; returns where to redirect. */
  readonly checkout: (
    amount: number,
    returnUrl: string,
    options?: CheckoutOptions
  ) => Effect.Effect<CheckoutSession, VisgateApiError>
  /** `PUT /billing/subscription` [I]: changes the subscription tier (e.g. `starter`). */
  readonly updateSubscription: (tier: string) => Effect.Effect<SubscriptionUpdate, VisgateApiError>
}

/** Tag of the `Billing` service. */
export class Billing extends Context.Tag("@visgate_ai/client/Billing")<Billing, Service>() {}

const decodeStats = Schema.decodeUnknown(BillingStatsFromWire)
const decodeInfo = Schema.decodeUnknown(BillingInfoFromWire)
const decodePricing = Schema.decodeUnknown(BillingPricingFromWire)
const decodeCheckout = Schema.decodeUnknown(CheckoutSessionFromWire)
const decodeSubscription = Schema.decodeUnknown(SubscriptionUpdateFromWire)
const encodeCheckout = bodyEncoder(CheckoutBody, "billing.checkout arguments")
const encodeSubscription = bodyEncoder(SubscriptionBody, "billing.updateSubscription arguments")

/** Builds the service on the core client. */
export const make: Effect.Effect<Service, never, VisgateClient> = Effect.map(VisgateClient, (client) => ({
  getStats: () => client.request({ method: "GET", path: BILLING_PATHS.stats }, decodeStats),
  getInfo: () => client.request({ method: "GET", path: BILLING_PATHS.info }, decodeInfo),
  getPricing: () => client.request({ method: "GET", path: BILLING_PATHS.pricing }, decodePricing),
  checkout: (amount, returnUrl, options = {}) =>
    Effect.flatMap(
      encodeCheckout(omitNullish({ amountUsd: amount, returnUrl, customerEmail: options.customerEmail })),
      (body) =>
        client.request(
          { method: "POST", path: BILLING_PATHS.checkout, body, idempotencyKey: true },
          decodeCheckout
        )
    ),
  updateSubscription: (tier) =>
    Effect.flatMap(
      encodeSubscription({ tier }),
      (body) =>
        Effect.flatMap(
          client.send({ method: SUBSCRIPTION_METHOD, path: BILLING_PATHS.subscription, body }),
          // An empty answer (204) is success too.
          (response) =>
            client.decode(
              decodeSubscription,
              response.body ?? {},
              `${SUBSCRIPTION_METHOD} ${BILLING_PATHS.subscription}`
            )
        )
    )
}))

/** The `Billing` layer. */
export const layer: Layer.Layer<Billing, never, VisgateClient> = Layer.effect(Billing, make)
