/**
 * `client.billing`: platform figures, your balance, pricing, top-ups and the subscription.
 *
 * @since 0.1.0
 */
import type {
  BillingInfo,
  BillingPricing,
  BillingStats,
  CheckoutSession,
  SubscriptionUpdate
} from "../schemas/Billing.js"
import { Billing, type CheckoutOptions, layer } from "../services/Billing.js"
import { type RequestOptions, withoutSignal } from "./options.js"
import type { ClientRuntime } from "./runtime.js"

/** `client.billing`. */
export interface BillingResource {
  /** `GET /billing/stats`: public platform figures. */
  getStats(options?: RequestOptions): Promise<BillingStats>
  /** `GET /billing/info`: your organisation's tier, balance and budget. */
  getInfo(options?: RequestOptions): Promise<BillingInfo>
  /** `GET /billing/pricing`: the model pricing list. */
  getPricing(options?: RequestOptions): Promise<BillingPricing>
  /** `POST /billing/checkout`: starts a top-up of `amount` USD; redirect to `checkoutUrl`. */
  checkout(amount: number, returnUrl: string, options?: CheckoutOptions & RequestOptions): Promise<CheckoutSession>
  /** `PUT /billing/subscription`: changes the subscription tier. */
  updateSubscription(tier: string, options?: RequestOptions): Promise<SubscriptionUpdate>
}

/** The Promise resource over the `Billing` service. */
export const makeBilling = ({ call }: ClientRuntime<Billing>): BillingResource => ({
  getStats: (options) => call(Billing, (s) => s.getStats(), options),
  getInfo: (options) => call(Billing, (s) => s.getInfo(), options),
  getPricing: (options) => call(Billing, (s) => s.getPricing(), options),
  checkout: (amount, returnUrl, options) =>
    call(Billing, (s) => s.checkout(amount, returnUrl, withoutSignal(options)), options),
  updateSubscription: (tier, options) => call(Billing, (s) => s.updateSubscription(tier), options)
})

/** `makeBilling` on the client's runtime with the `Billing` service added (on first use, `client/lazy.ts`). */
export const loadBilling = async (runtime: ClientRuntime): Promise<BillingResource> =>
  makeBilling(await runtime.provide(layer))
