/** `Retry-After` parsing of the one retry policy (the policy itself is tested through the client). */
import { describe, expect, it } from "@effect/vitest"
import { parseRetryAfterMs } from "../../src/services/RetryPolicy.js"

describe("parseRetryAfterMs", () => {
  it("reads seconds and HTTP dates, caps at 60 s, ignores junk", () => {
    expect(parseRetryAfterMs("2", 0)).toBe(2000)
    expect(parseRetryAfterMs("1.5", 0)).toBe(1500)
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined()
    expect(parseRetryAfterMs("soon", 0)).toBeUndefined()
    expect(parseRetryAfterMs("600", 0)).toBe(60_000)
    const now = Date.parse("2026-01-01T00:00:00Z")
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000)
    expect(parseRetryAfterMs("Wed, 31 Dec 2025 00:00:10 GMT", now)).toBe(0)
  })
})
