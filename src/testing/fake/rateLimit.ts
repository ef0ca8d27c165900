/**
 * The fake's rate limiter (`FakeVisgateOptions.rateLimit`): a token bucket on the fake's clock,
 * `requestsPerSecond` refilled continuously up to `burst`. A request without a token gets the
 * Deploy API's 429 (`RATE_LIMIT_EXCEEDED`) with `Retry-After`: the time until the next token, in
 * whole seconds rounded up (at least 1, as real servers send it) or, with `retryAfter: "exact"`,
 * in fractional seconds. Rejected requests do not run the route, so they are never billed.
 *
 * @internal
 */
import { errorResponse } from "./http.js"

/** Options of the fake's rate limiter. */
export interface FakeRateLimitOptions {
  /** Tokens added per second. */
  readonly requestsPerSecond: number
  /** Bucket size: how many requests may arrive at once. Default 1. */
  readonly burst?: number
  /** `Retry-After` in whole seconds, rounded up (`"seconds"`, the default) or fractional (`"exact"`). */
  readonly retryAfter?: "seconds" | "exact"
}

export class FakeRateLimiter {
  private tokens: number
  private last: number | undefined
  /** Requests answered with 429 so far. */
  rejected = 0
  /** Requests let through so far. */
  admitted = 0

  constructor(readonly options: FakeRateLimitOptions) {
    if (!(options.requestsPerSecond > 0)) throw new RangeError("rateLimit.requestsPerSecond must be positive")
    this.tokens = this.burst
  }

  private get burst(): number {
    return Math.max(1, this.options.burst ?? 1)
  }

  /** Takes a token at `now`, or returns the 429 to answer with. */
  take(now: number): Response | undefined {
    const rate = this.options.requestsPerSecond / 1000
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * rate)
    }
    if (this.last === undefined || now > this.last) this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      this.admitted++
      return undefined
    }
    this.rejected++
    const waitSeconds = (1 - this.tokens) / rate / 1000
    const header = this.options.retryAfter === "exact"
      ? String(Math.round(waitSeconds * 1000) / 1000)
      : String(Math.max(1, Math.ceil(waitSeconds)))
    return errorResponse(
      429,
      "RATE_LIMIT_EXCEEDED",
      "Rate limit exceeded. Try again later.",
      { retry_after_seconds: Number(header) },
      { "retry-after": header }
    )
  }

  reset(): void {
    this.tokens = this.burst
    this.last = undefined
    this.rejected = 0
    this.admitted = 0
  }
}
