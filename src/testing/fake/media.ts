/**
 * Output media of the fake: URLs whose token encodes prompt, size, index and seed (stateless,
 * so they survive `reset()`), and the `GET /_fake/media/{file}` route that draws them (a real
 * PNG; a placeholder MP4 for videos).
 *
 * @internal
 */
import { notFound } from "./http.js"
import { placeholderMp4, renderPng } from "./png.js"
import { type Route, route } from "./router.js"

export interface MediaSpec {
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly index?: number
  readonly seed?: number
}

const utf8ToBase64Url = (s: string): string => {
  const bytes = new TextEncoder().encode(s)
  let bin = ""
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!)
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

const base64UrlToUtf8 = (s: string): string => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"))
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

/** `{base}/_fake/media/img_<token>.png` (or `vid_<token>.mp4`). */
export const mediaUrl = (base: string, kind: "png" | "mp4", spec: MediaSpec): string => {
  const { height: h, index: i = 0, prompt, seed: s = null, width: w } = spec
  const token = utf8ToBase64Url(JSON.stringify({ p: prompt.slice(0, 500), w, h, i, s }))
  return `${base}/_fake/media/${kind === "png" ? "img" : "vid"}_${token}.${kind}`
}

const IMMUTABLE = "public, max-age=31536000, immutable"

/** `GET /_fake/media/:file` (public), with a small cache of rendered PNGs. */
export const mediaRoute = (maxSide: () => number): Route => {
  const pngCache = new Map<string, Uint8Array<ArrayBuffer>>()
  return route("GET", "/_fake/media/:file", (rc) => {
    const file = rc.params.file!
    const m = /^(img|vid)_([A-Za-z0-9_-]+)\.(png|mp4)$/.exec(file)
    if (!m) return notFound("NOT_FOUND", `Unknown media: ${file}`)
    let spec: { p: string; w: number; h: number; i: number; s: number | null }
    try {
      spec = JSON.parse(base64UrlToUtf8(m[2]!))
    } catch {
      return notFound("NOT_FOUND", `Unknown media: ${file}`)
    }
    if (m[3] === "mp4") {
      return new Response(placeholderMp4(spec.p), {
        status: 200,
        headers: { "content-type": "video/mp4", "cache-control": IMMUTABLE }
      })
    }
    let png = pngCache.get(file)
    if (!png) {
      png = renderPng({
        prompt: spec.p,
        width: spec.w,
        height: spec.h,
        index: spec.i,
        seed: spec.s ?? undefined,
        maxSide: maxSide()
      })
      if (pngCache.size >= 32) pngCache.delete(pngCache.keys().next().value!)
      pngCache.set(file, png)
    }
    return new Response(png, { status: 200, headers: { "content-type": "image/png", "cache-control": IMMUTABLE } })
  }, { auth: false })
}
