/**
 * Generation: `POST /generate`, `POST /images/generate` and `POST /videos/generate` (validation,
 * the exact-match cache, failure injection, pricing, usage); async answers go through
 * `FakeRequests`.
 *
 * @internal
 */
import { baseCostMicro, findModel, KNOWN_PREFIXES, mediaTypeOf, providerOfModel } from "../catalog.js"
import type { FakeCore } from "../core.js"
import { errorResponse, fail, failValidation, isInt, isoMain, isRecord, json, notFound, round } from "../http.js"
import { intField, optBool, optString, requireBody } from "../input.js"
import { mediaUrl } from "../media.js"
import type { CacheEntry, UsageRecord } from "../orgs.js"
import { type Route, route, type RouteContext } from "../router.js"
import { failedRecord, latency, MARGIN_PERCENT, type Mode, modeOf, priceOf, PROVIDER_LABEL } from "./pricing.js"
import type { FakeRequests } from "./requests.js"

const IMAGE_SIZES: Record<string, [number, number]> = {
  square_hd: [1024, 1024],
  square: [512, 512],
  portrait_4_3: [768, 1024],
  portrait_16_9: [576, 1024],
  landscape_4_3: [1024, 768],
  landscape_16_9: [1024, 576]
}
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*(\/[A-Za-z0-9._:-]+)*$/

interface ImageInput {
  readonly model: string
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly numImages: number
  readonly seed: number | undefined
  readonly preferCache: boolean
}

/** What the image pipeline produced (or served from the cache). */
interface ImageOutcome {
  readonly id: string
  readonly provider: string
  readonly mode: Mode
  readonly images: ReadonlyArray<string>
  readonly cacheHit: boolean
  readonly cached: CacheEntry | undefined
  readonly latencyMs: number
  readonly billedMicro: number
  readonly providerCostMicro: number
  readonly mp: number
}

const promptOf = (body: Record<string, unknown>): string => {
  const p = body.prompt
  if (p === undefined || p === null) return failValidation("prompt", "prompt is required")
  if (typeof p !== "string") return failValidation("prompt", "prompt must be a string")
  if (p.trim() === "") return failValidation("prompt", "prompt must not be empty")
  if (p.length > 4000) return failValidation("prompt", "prompt must be at most 4000 characters")
  return p
}

const modelOf = (value: unknown, fallback?: string): string => {
  const m = value === undefined || value === null ? fallback : value
  if (m === undefined) return failValidation("model", "model is required")
  if (typeof m !== "string" || m.trim() === "") return failValidation("model", "model must be a non-empty string")
  if (!MODEL_ID.test(m) || m.includes("//")) {
    return failValidation("model", `model has an invalid shape: ${JSON.stringify(m)}`)
  }
  if (!findModel(m) && !KNOWN_PREFIXES.some((p) => m.startsWith(p) && m.length > p.length)) {
    return fail(notFound("MODEL_NOT_FOUND", `Model not supported: ${m}`, { model: m }))
  }
  return m
}

const optionalSeed = (obj: Record<string, unknown>, path?: string): number | undefined =>
  obj.seed === undefined || obj.seed === null ? undefined : intField(obj, "seed", 0, 0, Number.MAX_SAFE_INTEGER, path)

const notVideo = (m: string): void => {
  if (mediaTypeOf(m) === "video") failValidation("model", `${m} is a video model; use POST /videos/generate`)
}

const cacheFields = (cached: CacheEntry | undefined) =>
  cached
    ? {
      cache_source: "exact",
      provider_cost_avoided_micro: cached.providerCostMicro,
      saved_amount: round(cached.billedMicro / 1e6, 6)
    }
    : {}

const wantsAsync = (rc: RouteContext): boolean =>
  /(^|[\s,;])respond-async([\s,;]|$)/i.test(rc.headers.get("prefer") ?? "")

export class FakeGeneration {
  constructor(private readonly core: FakeCore, private readonly requests: FakeRequests) {}

  routes(): ReadonlyArray<Route> {
    return [
      route("POST", "/generate", (rc) => this.generate(rc)),
      route("POST", "/images/generate", (rc) => this.generateImages(rc)),
      route("POST", "/videos/generate", (rc) => this.generateVideo(rc))
    ]
  }

  private providerFailure(
    rc: RouteContext,
    work: Omit<Parameters<typeof failedRecord>[1], "requestId">,
    requestId: string
  ): never {
    rc.org!.usage.push(failedRecord(this.core.rng, { ...work, requestId }, rc.now))
    const label = PROVIDER_LABEL[work.provider] ?? work.provider
    const message = `${label} failed to generate (injected failure)`
    return fail(errorResponse(502, "PROVIDER_FAILURE", message, { provider: work.provider }))
  }

  /**
   * The shared image pipeline of `/generate` and `/images/generate`: cache lookup, failure
   * injection, pricing, usage.
   */
  private imageCore(rc: RouteContext, endpoint: string, input: ImageInput): ImageOutcome {
    const org = rc.org!
    const provider = providerOfModel(input.model)
    const mode = modeOf(rc, provider)
    const id = this.core.rng.uuid()
    const cacheKey = `${input.model}\u0000${input.prompt}\u0000${input.width}x${input.height}`
    const cached = input.preferCache ? org.cache.get(cacheKey) : undefined
    const mp = (input.width * input.height) / 1e6
    /** One completed image generation in the org's usage log. */
    const recordUsage = (
      billing: Pick<
        UsageRecord,
        "cacheHit" | "providerCostMicro" | "billedMicro" | "savedMicro" | "latencyMs" | "outputs"
      >
    ) =>
      org.usage.push({
        id: this.core.rng.uuid(),
        requestId: id,
        endpoint,
        mediaType: "image",
        model: input.model,
        provider,
        mode,
        status: "completed",
        at: rc.now,
        ...billing
      })
    if (cached) {
      const latencyMs = latency(this.core.rng, 40, 120)
      recordUsage({
        cacheHit: true,
        providerCostMicro: 0,
        billedMicro: 0,
        savedMicro: cached.billedMicro,
        latencyMs,
        outputs: cached.outputs.length
      })
      const images = cached.outputs
      return { id, provider, mode, images, cacheHit: true, cached, latencyMs, billedMicro: 0, providerCostMicro: 0, mp }
    }
    if (this.core.fails({ kind: "image", model: input.model, prompt: input.prompt })) {
      return this.providerFailure(rc, { endpoint, mediaType: "image", model: input.model, provider, mode }, id)
    }
    const base = this.core.mediaBase(rc)
    const seed = input.seed !== undefined ? { seed: input.seed } : {}
    const { height, prompt, width } = input
    const images = Array.from(
      { length: input.numImages },
      (_, index) => mediaUrl(base, "png", { prompt, width, height, index, ...seed })
    )
    const providerCostMicro = Math.max(1, Math.round(baseCostMicro(input.model) * mp * input.numImages))
    const billedMicro = priceOf(providerCostMicro, mode)
    const latencyMs = latency(this.core.rng, 700, 2500)
    org.cache.set(cacheKey, { outputs: images, providerCostMicro, billedMicro, provider, createdAt: rc.now })
    recordUsage({
      cacheHit: false,
      providerCostMicro: mode === "byok" ? 0 : providerCostMicro,
      billedMicro,
      savedMicro: 0,
      latencyMs,
      outputs: images.length
    })
    const cacheHit = false
    return { id, provider, mode, images, cacheHit, cached: undefined, latencyMs, billedMicro, providerCostMicro, mp }
  }

  private generate(rc: RouteContext): Response {
    const body = requireBody(rc)
    const p = promptOf(body)
    const m = modelOf(body.model, "fal-ai/flux/schnell")
    const params = body.params === undefined || body.params === null
      ? {}
      : isRecord(body.params)
      ? body.params
      : failValidation("params", "params must be an object")
    let width = 1024
    let height = 1024
    if (params.image_size !== undefined) {
      const size = params.image_size
      const preset = typeof size === "string" ? IMAGE_SIZES[size] : undefined
      const match = typeof size === "string" ? /^(\d{2,5})x(\d{2,5})$/.exec(size) : null
      if (preset) [width, height] = preset
      else if (match) [width, height] = [Number(match[1]), Number(match[2])]
      else if (isRecord(size) && isInt(size.width) && isInt(size.height)) [width, height] = [size.width, size.height]
      else {
        const message = "image_size must be like \"1024x1024\", a preset name or {width, height}"
        return failValidation("params.image_size", message)
      }
    }
    width = intField(params, "width", width, 64, 4096, "params.width")
    height = intField(params, "height", height, 64, 4096, "params.height")
    if (width < 64 || width > 4096 || height < 64 || height > 4096) {
      return failValidation("params.image_size", "sizes must be between 64 and 4096")
    }
    const numImages = intField(params, "num_images", 1, 1, 4, "params.num_images")
    const seed = optionalSeed(params, "params.seed")
    notVideo(m)
    const input = { model: m, prompt: p, width, height, numImages, seed, preferCache: true }
    const r = this.imageCore(rc, "/generate", input)
    const billedUsd = r.billedMicro / 1e6
    return json(200, {
      id: r.id,
      status: "completed",
      image_url: r.images[0] ?? null,
      images: r.images,
      model: m,
      provider: r.provider,
      mode: r.mode,
      estimated_cost_usd: round(billedUsd, 6),
      cost_per_megapixel_usd: round(r.mp > 0 ? billedUsd / r.mp : 0, 6),
      latency_ms: r.latencyMs,
      resolution: { width, height },
      cache_hit: r.cacheHit,
      ...cacheFields(r.cached),
      created_at: isoMain(rc.now)
    })
  }

  private parseImageRequest(rc: RouteContext): ImageInput {
    const body = requireBody(rc)
    const m = modelOf(body.model)
    const p = promptOf(body)
    const width = intField(body, "width", 1024, 64, 4096)
    const height = intField(body, "height", 1024, 64, 4096)
    const numImages = intField(body, "num_images", 1, 1, 4)
    const seed = optionalSeed(body)
    optString(body, "negative_prompt")
    optString(body, "image_url")
    optString(body, "webhook_url")
    optString(body, "callback_id")
    const preferCache = optBool(body, "prefer_cache") ?? true
    if (body.max_latency_ms !== undefined && body.max_latency_ms !== null) {
      intField(body, "max_latency_ms", 0, 1, 3_600_000)
    }
    notVideo(m)
    return { model: m, prompt: p, width, height, numImages, seed, preferCache }
  }

  private generateImages(rc: RouteContext): Response {
    const input = this.parseImageRequest(rc)
    const includeSteps = rc.query.get("include_steps") === "true"
    const steps = (r: ImageOutcome) => [
      { name: "cache_lookup", status: r.cacheHit ? "hit" : "miss", duration_ms: 12 },
      ...(r.cacheHit
        ? []
        : [{
          name: "provider_call",
          provider: r.provider,
          status: "completed",
          duration_ms: Math.max(1, r.latencyMs - 60)
        }]),
      { name: "storage", status: "completed", duration_ms: r.cacheHit ? 0 : 45 }
    ]
    const buildResult = (r: ImageOutcome, createdAt: number): Record<string, unknown> => ({
      id: r.id,
      status: "completed",
      images: r.images,
      model: input.model,
      provider: r.provider,
      mode: r.mode,
      cost: round(r.billedMicro / 1e6, 6),
      cache_hit: r.cacheHit,
      ...cacheFields(r.cached),
      margin_percent: r.mode === "managed" && !r.cacheHit ? MARGIN_PERCENT : 0,
      latency_ms: r.latencyMs,
      output_storage: new URL(r.images[0] ?? this.core.mediaBase(rc)).host,
      output_size_bytes: null,
      created_at: isoMain(createdAt),
      ...(includeSteps ? { steps: steps(r) } : {})
    })
    if (wantsAsync(rc)) {
      return this.requests.accept(rc, "/images/generate", "image", input.model, input.prompt, (at) => {
        const r = this.imageCore({ ...rc, now: at }, "/images/generate", { ...input, preferCache: false })
        const record = rc.org!.usage.pop()!
        return { outputUrl: r.images[0]!, result: buildResult(r, at), record }
      })
    }
    const r = this.imageCore(rc, "/images/generate", input)
    return json(200, buildResult(r, rc.now))
  }

  private generateVideo(rc: RouteContext): Response {
    const body = requireBody(rc)
    const m = modelOf(body.model)
    const p = promptOf(body)
    let duration = 5
    if (body.duration_seconds !== undefined && body.duration_seconds !== null) {
      const d = body.duration_seconds
      if (typeof d !== "number" || !Number.isFinite(d)) {
        return failValidation("duration_seconds", "duration_seconds must be a number")
      }
      if (d <= 0 || d > 60) return failValidation("duration_seconds", "duration_seconds must be between 0 and 60")
      duration = d
    }
    optString(body, "image_url")
    optString(body, "webhook_url")
    optString(body, "callback_id")
    optBool(body, "skip_gcs_upload")
    if (mediaTypeOf(m) !== "video") return failValidation("model", `${m} is an image model; use POST /images/generate`)
    const provider = providerOfModel(m)
    const mode = modeOf(rc, provider)
    const produce = (at: number, base: string) => {
      const rng = this.core.rng
      const id = rng.uuid()
      const url = mediaUrl(base, "mp4", { prompt: p, width: 1280, height: 720 })
      const providerCostMicro = Math.round(baseCostMicro(m) * duration)
      const billedMicro = priceOf(providerCostMicro, mode)
      const latencyMs = latency(rng, 20_000, 90_000)
      const record: UsageRecord = {
        id: rng.uuid(),
        requestId: id,
        endpoint: "/videos/generate",
        mediaType: "video",
        model: m,
        provider,
        mode,
        status: "completed",
        cacheHit: false,
        providerCostMicro: mode === "byok" ? 0 : providerCostMicro,
        billedMicro,
        savedMicro: 0,
        latencyMs,
        at,
        outputs: 1
      }
      const result = {
        id,
        status: "completed",
        video_url: url,
        model: m,
        provider,
        mode,
        cost: round(billedMicro / 1e6, 6),
        cache_hit: false,
        latency_ms: latencyMs,
        duration_seconds: duration,
        created_at: isoMain(at)
      }
      return { outputUrl: url, result, record }
    }
    const base = this.core.mediaBase(rc)
    if (wantsAsync(rc)) return this.requests.accept(rc, "/videos/generate", "video", m, p, (at) => produce(at, base))
    if (this.core.fails({ kind: "video", model: m, prompt: p })) {
      const work = { endpoint: "/videos/generate", mediaType: "video", model: m, provider, mode } as const
      return this.providerFailure(rc, work, this.core.rng.uuid())
    }
    const done = produce(rc.now, base)
    rc.org!.usage.push(done.record)
    return json(200, done.result)
  }
}
