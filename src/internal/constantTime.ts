/**
 * Comparing a secret without leaking it through timing: portable (no `node:crypto`), so it runs
 * in Node, browsers, edge runtimes and Workers.
 *
 * @internal
 */

/**
 * Whether `received` equals `expected`, byte for byte, in time that depends only on
 * `expected.length`: every byte of `expected` is visited whatever `received` holds (no early exit
 * on the first difference or on a length mismatch; the length difference is folded into the
 * result instead).
 */
export const constantTimeEqual = (received: Uint8Array, expected: Uint8Array): boolean => {
  const n = received.length
  let diff = n ^ expected.length
  for (let i = 0; i < expected.length; i++) {
    // `received` is read cyclically so a shorter (or empty) value costs the same loop
    diff |= (n === 0 ? 0 : received[i % n]!) ^ expected[i]!
  }
  return diff === 0
}
