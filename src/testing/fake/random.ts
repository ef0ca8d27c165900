/**
 * Deterministic hashing and pseudo-random numbers for the fake Visgate API.
 *
 * Everything the fake invents (ids, latencies, fault rates, pictures) comes from
 * these functions, so two fakes built with the same seed behave the same way.
 *
 * @internal
 */

/** 32-bit FNV-1a hash of a string (UTF-16 code units). */
export const hash32 = (input: string, seed = 0x811c9dc5): number => {
  let h = seed >>> 0
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

/** Hex digest of `bytes * 4` hex characters built from chained 32-bit hashes. */
export const hashHex = (input: string, chars = 8): string => {
  let out = ""
  let i = 0
  while (out.length < chars) {
    out += hash32(input, 0x811c9dc5 ^ Math.imul(i + 1, 0x9e3779b9)).toString(16).padStart(8, "0")
    i++
  }
  return out.slice(0, chars)
}

/** A small seeded generator (mulberry32). */
export class Prng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  hex(chars: number): string {
    let out = ""
    while (out.length < chars) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, "0")
    return out.slice(0, chars)
  }
  /** A UUID v4 string. */
  uuid(): string {
    const h = this.hex(32).split("")
    h[12] = "4"
    h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
    const s = h.join("")
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
  }
  /** A 20-character alphanumeric id, like the Firestore ids of the live API. */
  firestoreId(): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    let out = ""
    for (let i = 0; i < 20; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}
