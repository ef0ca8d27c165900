/**
 * Real PNG pictures for the fake's image outputs, drawn deterministically from the
 * prompt: a two-colour gradient with a few discs and a band, all chosen from a hash of
 * the prompt (plus the seed and image index). Encoded with `fast-png`, which works in
 * Node and browsers.
 */
import { encode } from "fast-png"
import { hash32, Prng } from "./random.js"

export interface PictureSpec {
  readonly prompt: string
  /** Requested size; the picture keeps the aspect ratio but is capped at `maxSide`. */
  readonly width: number
  readonly height: number
  readonly index?: number
  readonly seed?: number | undefined
  readonly maxSide?: number
}

const hsl = (h: number, s: number, l: number): [number, number, number] => {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}

/** Output size for a requested size: same aspect ratio, longest side at most `maxSide`. */
export const pictureSize = (width: number, height: number, maxSide = 256): { width: number; height: number } => {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale))
  }
}

/** Draws the picture for `spec` and returns PNG bytes (8-bit RGB). */
export const renderPng = (spec: PictureSpec): Uint8Array<ArrayBuffer> => {
  const { height, width } = pictureSize(spec.width, spec.height, spec.maxSide ?? 256)
  const rng = new Prng(hash32(`${spec.prompt}\u0000${spec.seed ?? ""}\u0000${spec.index ?? 0}`))
  const hue = rng.next() * 360
  const c1 = hsl(hue, 0.65, 0.55)
  const c2 = hsl((hue + 90 + rng.next() * 180) % 360, 0.7, 0.35)
  const angle = rng.next() * Math.PI * 2
  const dx = Math.cos(angle)
  const dy = Math.sin(angle)
  const discs = Array.from({ length: 3 + rng.int(0, 3) }, () => ({
    x: rng.next() * width,
    y: rng.next() * height,
    r: (0.08 + rng.next() * 0.25) * Math.min(width, height),
    color: hsl(rng.next() * 360, 0.8, 0.5 + rng.next() * 0.3),
    alpha: 0.5 + rng.next() * 0.4
  }))
  const bandY = rng.next() * height
  const bandH = Math.max(2, Math.round(height * (0.03 + rng.next() * 0.06)))
  const bandColor = hsl((hue + 180) % 360, 0.9, 0.85)

  const data = new Uint8Array(width * height * 3)
  const diag = Math.abs(dx) * width + Math.abs(dy) * height || 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, ((x - width / 2) * dx + (y - height / 2) * dy) / diag + 0.5))
      let r = c1[0] + (c2[0] - c1[0]) * t
      let g = c1[1] + (c2[1] - c1[1]) * t
      let b = c1[2] + (c2[2] - c1[2]) * t
      for (const d of discs) {
        const ddx = x - d.x
        const ddy = y - d.y
        if (ddx * ddx + ddy * ddy <= d.r * d.r) {
          r = r * (1 - d.alpha) + d.color[0] * d.alpha
          g = g * (1 - d.alpha) + d.color[1] * d.alpha
          b = b * (1 - d.alpha) + d.color[2] * d.alpha
        }
      }
      if (y >= bandY && y < bandY + bandH) {
        r = (r + bandColor[0]) / 2
        g = (g + bandColor[1]) / 2
        b = (b + bandColor[2]) / 2
      }
      const i = (y * width + x) * 3
      data[i] = Math.round(r)
      data[i + 1] = Math.round(g)
      data[i + 2] = Math.round(b)
    }
  }
  const text = { Description: spec.prompt.slice(0, 200).replace(/[^\x20-\x7e]/g, "?"), Software: "visgate fake" }
  const png = encode({ width, height, data, channels: 3, depth: 8, text })
  return new Uint8Array(png)
}

/**
 * Bytes served for fake video URLs. **Not a playable video**: an MP4 `ftyp` box
 * followed by a `free` box that carries the prompt, enough for content sniffing and
 * size checks.
 */
export const placeholderMp4 = (prompt: string): Uint8Array<ArrayBuffer> => {
  const text = new TextEncoder().encode(`visgate fake video: ${prompt}`.slice(0, 512))
  const ftyp = [0, 0, 0, 24, ...ascii("ftyp"), ...ascii("isom"), 0, 0, 2, 0, ...ascii("isom"), ...ascii("mp41")]
  const freeSize = 8 + text.length
  const out = new Uint8Array(ftyp.length + freeSize)
  out.set(ftyp, 0)
  const view = new DataView(out.buffer)
  view.setUint32(ftyp.length, freeSize)
  out.set(ascii("free"), ftyp.length + 4)
  out.set(text, ftyp.length + 8)
  return out
}

const ascii = (s: string): Array<number> => Array.from(s, (c) => c.charCodeAt(0))
