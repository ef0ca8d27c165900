/**
 * A stateful fake of the whole Visgate HTTP contract (`shared/api/visgate-api.md`), in the
 * spirit of stripe-mock and MSW: one implementation, reachable as a web `fetch` function,
 * as an Effect `HttpClient` layer (`layer.ts`) and as a loopback HTTP server (`server.ts`).
 *
 * The core is web-standard only (`Request`, `Response`, `ReadableStream`), so it runs in
 * Node and browsers alike.
 */
import { baseCostMicro, catalog, findModel, KNOWN_PREFIXES, mediaTypeOf, providerOfModel } from "./catalog.js"
import { FakeDeployments } from "./deployments.js"
import { connectionResetError, damageResponse, type Fault, FaultController, faultResponse } from "./faults.js"
import {
  abortError,
  errorResponse,
  fail,
  failValidation,
  hangUntilAborted,
  headersToObject,
  HttpFailure,
  isInt,
  isoMain,
  isRecord,
  json,
  notFound,
  round,
  sleepAbortable
} from "./http.js"
import { placeholderMp4, renderPng } from "./png.js"
import { Prng } from "./random.js"
import {
  type AsyncJob,
  matchRoute,
  type OrgState,
  route,
  type Route,
  type RouteContext,
  type UsageRecord
} from "./router.js"
import { layerHttpClient } from "./layer.js"
import { type SseDriver, timerSseStream } from "./sse.js"
import {
  defaultTimings,
  type FailureQuery,
  type FakeRequestContext,
  type FakeRequestRecord,
  type FakeTimings,
  type FakeUsageTotals,
  type FakeVisgateOptions
} from "./types.js"

const PERIODS: Record<string, number> = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, year: 365 * 86_400_000 }
const BUCKETS: Record<string, number> = { day: 24, week: 7, month: 30, year: 12 }
const MARGIN_PERCENT = 20
const BYOK_FEE_MICRO = 500
const PROVIDERS = ["fal", "replicate", "runway", "runpod"] as const
const KEY_PREFIX: Record<string, string> = { fal: "fal_", replicate: "r8_", runway: "rw_", runpod: "rpa_" }
const PROVIDER_LABEL: Record<string, string> = { fal: "Fal.ai", replicate: "Replicate", runway: "Runway", runpod: "RunPod" }
const BYOK_HEADER: Record<string, string> = { fal: "x-fal-key", replicate: "x-replicate-key", runway: "x-runway-key" }
const TIERS = ["free", "starter", "pro", "business", "enterprise"]
const IMAGE_SIZES: Record<string, [number, number]> = {
  square_hd: [1024, 1024],
  square: [512, 512],
  portrait_4_3: [768, 1024],
  portrait_16_9: [576, 1024],
  landscape_4_3: [1024, 768],
  landscape_16_9: [1024, 576]
}
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*(\/[A-Za-z0-9._:-]+)*$/

/** The prepared request a transport hands from `receive` to `respond`. */
export interface ReceivedRequest {
  readonly request: Request
  readonly url: URL
  readonly path: string
  readonly prefix: string
  readonly rawBody: string
  readonly body: unknown
  /** the fault picked for this request, if a rule hit */
  readonly fault: Fault | undefined
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

interface MediaSpec {
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly index?: number
  readonly seed?: number
}

/**
 * The fake Visgate API.
 *
 * ```ts
 * const fake = new FakeVisgate({ startAt: Date.UTC(2026, 2, 1) })
 * const client = new Client({ apiKey: "vg-test-key", fetch: fake.fetch, baseUrl: "http://fake.local/api/v1" })
 * ```
 */
export class FakeVisgate {
  /** `FakeVisgate.layer(fake)`: a layer providing `HttpClient.HttpClient` answered by `fake` (see `layerHttpClient`). */
  static readonly layer = layerHttpClient

  /** Scripted and rate-based fault injection. */
  readonly faults: FaultController
  readonly options: Readonly<FakeVisgateOptions>
  readonly basePath: string

  private readonly timings: FakeTimings
  private readonly seed: number
  private rng: Prng
  private offsetMs = 0
  private readonly baseClock: () => number
  private transportNow: number | undefined = undefined
  private orgs = new Map<string, OrgState>()
  private readonly defaultOrgId: string
  private log: Array<FakeRequestRecord> = []
  private readonly wakers = new Set<() => void>()
  private readonly deploymentsState: FakeDeployments
  private readonly routes: ReadonlyArray<Route>
  private readonly pngCache = new Map<string, Uint8Array<ArrayBuffer>>()

  constructor(options: FakeVisgateOptions = {}) {
    this.options = options
    this.seed = options.seed ?? 1
    this.rng = new Prng(this.seed)
    this.faults = new FaultController(this.seed)
    const base = options.basePath ?? "/api/v1"
    this.basePath = base === "/" ? "" : base.replace(/\/+$/, "")
    const t = options.timings ?? {}
    this.timings = {
      ...defaultTimings,
      ...Object.fromEntries(Object.entries(t).filter(([k, v]) => k !== "deployment" && v !== undefined)),
      deployment: { ...defaultTimings.deployment, ...t.deployment }
    } as FakeTimings
    if (options.startAt !== undefined) {
      const start = options.startAt instanceof Date ? options.startAt.getTime() : options.startAt
      this.baseClock = () => start
    } else {
      this.baseClock = options.clock ?? (() => Date.now())
    }
    this.defaultOrgId = new Prng(this.seed ^ 0x0badf00d).firestoreId()
    this.deploymentsState = new FakeDeployments({
      rng: () => this.rng,
      timings: () => this.timings,
      failWhen: (q) => this.fails(q),
      mediaBase: (ctx) => this.mediaBase(ctx),
      mediaUrl: (base, kind, spec) => this.mediaUrl(base, kind, spec),
      settle: (now) => this.settle(now)
    })
    this.routes = this.buildRoutes()
  }

  // ================================================================ public inspection API

  /**
   * The current time of the fake's clock (epoch ms), including `advance` offsets. Once a transport
   * has passed its own time (the Effect layer on `TestClock`), this is the latest such time, so
   * inspection (`billedCount`, `usageTotals()`) never runs ahead of the caller's clock.
   */
  now(): number {
    return (this.transportNow ?? this.baseClock()) + this.offsetMs
  }

  /** The fake's time for a base clock reading (a transport's `now`): adds the `advance` offset. */
  timeAt(baseNow?: number): number {
    if (baseNow === undefined) return this.baseClock() + this.offsetMs
    this.transportNow = Math.max(this.transportNow ?? baseNow, baseNow)
    return baseNow + this.offsetMs
  }

  /**
   * Moves the fake's clock forward by `ms` (added to every later reading, `ctx.now` included)
   * and wakes open SSE streams. Returns the new time.
   */
  advance(ms: number): number {
    this.offsetMs += ms
    for (const wake of [...this.wakers]) wake()
    return this.now()
  }

  /** Every request received so far, oldest first, secrets included. */
  get requests(): ReadonlyArray<FakeRequestRecord> {
    return this.log
  }

  /** The most recent request, optionally the most recent one for `"METHOD /path"` or `/path`. */
  lastRequest(route?: string): FakeRequestRecord | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const r = this.log[i]!
      if (route === undefined) return r
      const [method, path] = route.includes(" ") ? route.split(" ", 2) : [undefined, route]
      if ((method === undefined || r.method === method.toUpperCase()) && r.path === path) return r
    }
    return undefined
  }

  /** Clears the request log only. */
  clearRequests(): void {
    this.log = []
  }

  /** Forgets all state (organisations, caches, jobs, deployments, usage, request log, faults, clock offset). */
  reset(): void {
    this.orgs = new Map()
    this.log = []
    this.offsetMs = 0
    this.rng = new Prng(this.seed)
    this.faults.clear()
    this.deploymentsState.reset()
  }

  /** Usage totals over every organisation (async jobs count once they complete). */
  usageTotals(now: number = this.now()): FakeUsageTotals {
    this.settle(now)
    const records = [...this.orgs.values()].flatMap((o) => o.usage)
    return {
      requests: records.length,
      successful: records.filter((r) => r.status === "completed").length,
      failed: records.filter((r) => r.status === "failed").length,
      cached: records.filter((r) => r.cacheHit).length,
      billed: records.filter((r) => r.billedMicro > 0).length,
      billedCostUsd: round(records.reduce((s, r) => s + r.billedMicro, 0) / 1e6, 6),
      providerCostUsd: round(records.reduce((s, r) => s + r.providerCostMicro, 0) / 1e6, 6),
      savingsUsd: round(records.reduce((s, r) => s + r.savedMicro, 0) / 1e6, 6)
    }
  }

  /** Number of generations billed so far (cache hits, failures and idempotent replays are not). */
  get billedCount(): number {
    return this.usageTotals().billed
  }

  // ================================================================ transports

  /**
   * A `fetch`-compatible function: `new Client({ fetch: fake.fetch, baseUrl: "http://fake.local/api/v1" })`.
   * Honours `init.signal` (rejects with an `AbortError`), applies faults with real timers.
   */
  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let request: Request
    try {
      request = new Request(input, init)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.handle(request)
  }

  /**
   * Handles one web `Request` and returns its `Response` (faults included, with real timers;
   * an aborted `request.signal` rejects with an `AbortError`). `ctx.now` overrides the clock.
   */
  async handle(request: Request, ctx: FakeRequestContext = {}): Promise<Response> {
    const signal = request.signal
    if (signal.aborted) throw abortError(signal.reason)
    const received = await this.receive(request)
    const fault = received.fault
    if (fault) {
      switch (fault.kind) {
        case "reset":
          throw connectionResetError()
        case "hang":
          return hangUntilAborted(signal)
        case "latency":
          await sleepAbortable(fault.ms, signal)
          break
        default: {
          const r = faultResponse(fault)
          if (r) return r
        }
      }
    }
    if (signal.aborted) throw abortError(signal.reason)
    const sseDriver = ctx.sseDriver ?? this.timerDriver(signal)
    const response = await this.respond(received, ctx.now === undefined ? { sseDriver } : { now: ctx.now, sseDriver })
    return fault ? damageResponse(fault, response) : response
  }

  /** An SSE driver on real timers, stopping when `signal` aborts. */
  timerDriver(signal?: AbortSignal | null): SseDriver {
    return (source) =>
      timerSseStream(source, {
        now: () => this.now(),
        pollMs: this.options.ssePollMs ?? 100,
        ...(this.options.sseKeepaliveMs ? { keepaliveMs: this.options.sseKeepaliveMs } : {}),
        signal: signal ?? null,
        subscribe: (wake) => {
          this.wakers.add(wake)
          return () => this.wakers.delete(wake)
        }
      })
  }

  /**
   * @internal Step 1 of handling, shared by the transports: reads the body, logs the request
   * and picks the fault (if any).
   */
  async receive(request: Request): Promise<ReceivedRequest> {
    const url = new URL(request.url)
    const { path, prefix } = this.splitPath(url.pathname)
    const method = request.method.toUpperCase()
    const rawBody = method === "GET" || method === "HEAD" ? "" : await request.text()
    let body: unknown = undefined
    if (rawBody !== "") {
      try {
        body = JSON.parse(rawBody)
      } catch {
        body = rawBody
      }
    }
    const fault = this.faults.take(method, path)
    this.log.push({
      method,
      url: request.url,
      path,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: headersToObject(request.headers),
      body,
      receivedAt: this.now(),
      ...(fault ? { fault: fault.kind ?? "status" } : {})
    })
    return { request, url, path, prefix, rawBody, body, fault }
  }

  /** @internal Step 2 of handling: runs the route (no faults). */
  async respond(received: ReceivedRequest, ctx: FakeRequestContext & { readonly sseDriver: SseDriver }): Promise<Response> {
    const now = this.timeAt(ctx.now)
    this.settle(now)
    const { request, url, path } = received
    const method = request.method.toUpperCase()
    let params: Record<string, string> | undefined
    let matched: Route | undefined
    const allowed: Array<string> = []
    for (const r of this.routes) {
      const p = matchRoute(r.segments, path)
      if (!p) continue
      if (r.method === method || (method === "HEAD" && r.method === "GET")) {
        matched = r
        params = p
        break
      }
      allowed.push(r.method)
    }
    if (!matched || !params) {
      if (allowed.length > 0) {
        return errorResponse(405, "METHOD_NOT_ALLOWED", `Method ${method} not allowed on ${path}`, { allowed }, {
          allow: [...new Set(allowed)].join(", ")
        })
      }
      return notFound("NOT_FOUND", `No route for ${method} ${path}`, { path })
    }
    const rc: RouteContext = {
      request,
      method,
      url,
      path,
      prefix: received.prefix,
      query: url.searchParams,
      headers: request.headers,
      now,
      rawBody: received.rawBody,
      body: received.body,
      params,
      sseDriver: ctx.sseDriver,
      org: undefined,
      role: undefined,
      apiKey: undefined
    }
    try {
      if (matched.auth) {
        const denied = this.authenticate(rc)
        if (denied) return denied
      }
      const idemKey = request.headers.get("idempotency-key")
      if (idemKey && rc.org && method !== "GET" && method !== "HEAD" && !matched.stream) {
        return await this.idempotent(rc, idemKey, () => this.run(matched!, rc))
      }
      return await this.run(matched, rc)
    } catch (error) {
      if (error instanceof HttpFailure) return error.response
      throw error
    }
  }

  private async run(r: Route, rc: RouteContext): Promise<Response> {
    try {
      return await r.handler(rc)
    } catch (error) {
      if (error instanceof HttpFailure) return error.response
      return new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } })
    }
  }

  // ================================================================ plumbing

  private splitPath(pathname: string): { path: string; prefix: string } {
    const base = this.basePath
    if (base !== "") {
      const i = pathname.indexOf(`${base}/`)
      if (i !== -1) return { prefix: pathname.slice(0, i + base.length), path: pathname.slice(i + base.length) }
      if (pathname.endsWith(base)) return { prefix: pathname, path: "/" }
    }
    if (pathname.startsWith("/v1/")) return { prefix: "/v1", path: pathname.slice(3) }
    return { prefix: "", path: pathname === "" ? "/" : pathname }
  }

  private fails(q: FailureQuery): boolean {
    return this.options.failWhen ? this.options.failWhen(q) : /fail/i.test(q.prompt)
  }

  private newOrg(id: string, name: string): OrgState {
    return {
      id,
      name,
      tier: "starter",
      cache: new Map(),
      idempotency: new Map(),
      usage: [],
      jobs: new Map(),
      providerKeys: new Map(),
      downloads: [],
      checkouts: [],
      balanceMicro: Math.round((this.options.initialBalanceUsd ?? 25) * 1e6)
    }
  }

  private org(id: string, name: string): OrgState {
    let o = this.orgs.get(id)
    if (!o) {
      o = this.newOrg(id, name)
      this.orgs.set(id, o)
    }
    return o
  }

  private authenticate(rc: RouteContext): Response | undefined {
    const header = rc.headers.get("authorization") ?? ""
    const m = /^Bearer\s+(.+)$/i.exec(header.trim())
    const token = m ? m[1]!.trim() : ""
    const keys = this.options.apiKeys ?? ["vg-test-key"]
    if (token !== "" && keys.includes(token)) {
      rc.org = this.org(this.defaultOrgId, "Fake Visgate Org")
      rc.role = "api-key"
      rc.apiKey = token
      return undefined
    }
    if (token !== "" && (this.options.sessionTokens ?? []).includes(token)) {
      rc.org = this.org(this.defaultOrgId, "Fake Visgate Org")
      rc.role = "session"
      rc.apiKey = token
      return undefined
    }
    if (token.startsWith("vg-") && token.length > 3 && (this.options.acceptAnyVgKey ?? true)) {
      const id = new Prng(hashSeed(token)).firestoreId()
      rc.org = this.org(id, `Org of ${token.slice(0, 10)}`)
      rc.role = "api-key"
      rc.apiKey = token
      return undefined
    }
    return errorResponse(401, "AUTHENTICATION_ERROR", token === "" ? "Missing API key: send Authorization: Bearer <key>" : "Invalid API key", {}, {
      "www-authenticate": "Bearer"
    })
  }

  private async idempotent(rc: RouteContext, key: string, run: () => Promise<Response>): Promise<Response> {
    const org = rc.org!
    const fingerprint = `${rc.method} ${rc.path}?${rc.url.searchParams.toString()}\n${rc.rawBody}`
    const stored = org.idempotency.get(key)
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return errorResponse(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request", {
          field: "Idempotency-Key",
          idempotency_key: key
        })
      }
      const headers = new Headers(stored.headers as Array<[string, string]>)
      headers.set("idempotent-replayed", "true")
      return new Response(stored.status === 204 ? null : stored.body, { status: stored.status, headers })
    }
    const response = await run()
    if (response.status >= 500 || response.status === 401 || response.status === 429) return response
    const body = await response.text()
    const entry = { fingerprint, status: response.status, headers: [...response.headers.entries()] as Array<[string, string]>, body }
    org.idempotency.set(key, entry)
    return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers })
  }

  /** Brings async jobs and deployments up to `now` (billing completed jobs). */
  private settle(now: number): void {
    for (const org of this.orgs.values()) {
      for (const job of org.jobs.values()) this.settleJob(org, job, now)
    }
    this.deploymentsState.settle(now)
  }

  private settleJob(org: OrgState, job: AsyncJob, now: number): void {
    if (job.status === "completed" || job.status === "failed") return
    const processingAt = job.createdAt + job.pendingMs
    const doneAt = processingAt + job.processingMs
    if (now >= doneAt) {
      job.completedAt = doneAt
      if (job.fails) {
        job.status = "failed"
        job.errorMessage = `Provider ${job.provider} failed to generate: injected failure for prompt "${job.prompt.slice(0, 60)}"`
        org.usage.push(this.failedRecord(job.endpoint, job.id, job.mediaType, job.model, job.provider, job.mode, doneAt))
      } else {
        const done = job.complete(doneAt)
        job.status = "completed"
        job.outputUrl = done.outputUrl
        job.result = done.result
        org.usage.push(done.record)
      }
    } else if (now >= processingAt) {
      job.status = "processing"
    }
  }

  private mediaBase(rc: RouteContext): string {
    return this.options.origin ? `${this.options.origin.replace(/\/+$/, "")}${this.basePath}` : `${rc.url.origin}${rc.prefix}`
  }

  private mediaUrl(base: string, kind: "png" | "mp4", spec: MediaSpec): string {
    const token = utf8ToBase64Url(JSON.stringify({ p: spec.prompt.slice(0, 500), w: spec.width, h: spec.height, i: spec.index ?? 0, s: spec.seed ?? null }))
    return `${base}/_fake/media/${kind === "png" ? "img" : "vid"}_${token}.${kind}`
  }

  // ================================================================ routes

  private buildRoutes(): ReadonlyArray<Route> {
    return [
      route("GET", "/health", () => json(200, { status: "ok", version: this.options.version ?? "0.2.0" }), { auth: false }),
      route("GET", "/_fake/media/:file", (rc) => this.media(rc), { auth: false }),
      route("GET", "/_fake/checkout/:session", (rc) =>
        new Response(`<!doctype html><title>Fake checkout</title><h1>Fake checkout ${escapeHtml(rc.params.session!)}</h1>`, {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8" }
        }), { auth: false }),
      route("POST", "/generate", (rc) => this.generate(rc)),
      route("POST", "/images/generate", (rc) => this.generateImages(rc)),
      route("POST", "/videos/generate", (rc) => this.generateVideo(rc)),
      route("GET", "/requests/:id", (rc) => this.requestStatus(rc)),
      route("GET", "/models", (rc) => this.listModels(rc), { auth: false }),
      route("GET", "/models/*id", (rc) => {
        const id = rc.params.id!
        const model = findModel(id)
        return model ? json(200, model) : notFound("MODEL_NOT_FOUND", `Model not found: ${id}`, { model_id: id })
      }, { auth: false }),
      route("GET", "/usage", (rc) => this.usage(rc)),
      route("GET", "/usage/logs", (rc) => this.usageLogs(rc)),
      route("POST", "/usage/downloads", (rc) => this.trackDownload(rc)),
      route("GET", "/dashboard", (rc) => this.dashboard(rc)),
      route("GET", "/billing/stats", () => this.billingStats()),
      route("GET", "/billing/info", (rc) => json(200, this.billingInfo(rc))),
      route("GET", "/billing/pricing", () => this.billingPricing()),
      route("POST", "/billing/checkout", (rc) => this.checkout(rc)),
      route("PUT", "/billing/subscription", (rc) => this.subscription(rc)),
      route("GET", "/providers/keys", (rc) => json(200, { keys: [...rc.org!.providerKeys.values()].sort((a, b) => a.provider.localeCompare(b.provider)).map(keyInfo) })),
      route("PUT", "/providers/keys", (rc) => this.putProviderKey(rc)),
      route("DELETE", "/providers/keys/:provider", (rc) => {
        const provider = rc.params.provider!.toLowerCase()
        if (!rc.org!.providerKeys.delete(provider)) {
          return notFound("PROVIDER_KEY_NOT_FOUND", `No ${provider} key stored`, { provider })
        }
        return json(200, { deleted: true, provider })
      }),
      route("POST", "/providers/validate", (rc) => this.validateProviderKey(rc)),
      route("GET", "/providers/balances", (rc) => this.balances(rc)),
      route("GET", "/auth/me", (rc) =>
        json(200, {
          organization: { id: rc.org!.id, name: rc.org!.name },
          role: rc.role,
          key_prefix: rc.role === "api-key" ? rc.apiKey!.slice(0, 10) : null
        })),
      route("GET", "/api-keys", (rc) => this.apiKeys(rc)),
      ...this.deploymentsState.routes()
    ]
  }

  // ---------------------------------------------------------------- media

  private media(rc: RouteContext): Response {
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
      return new Response(placeholderMp4(spec.p), { status: 200, headers: { "content-type": "video/mp4", "cache-control": "public, max-age=31536000, immutable" } })
    }
    let png = this.pngCache.get(file)
    if (!png) {
      png = renderPng({
        prompt: spec.p,
        width: spec.w,
        height: spec.h,
        index: spec.i,
        seed: spec.s ?? undefined,
        maxSide: this.options.maxImageSide ?? 256
      })
      if (this.pngCache.size >= 32) this.pngCache.delete(this.pngCache.keys().next().value!)
      this.pngCache.set(file, png)
    }
    return new Response(png, { status: 200, headers: { "content-type": "image/png", "cache-control": "public, max-age=31536000, immutable" } })
  }

  // ---------------------------------------------------------------- generation

  private body(rc: RouteContext): Record<string, unknown> {
    if (rc.body === undefined) return failValidation("body", "Request body is required (JSON object)")
    if (typeof rc.body === "string") return failValidation("body", "Request body is not valid JSON")
    return isRecord(rc.body) ? rc.body : failValidation("body", "Request body must be a JSON object")
  }

  private prompt(body: Record<string, unknown>): string {
    const p = body.prompt
    if (p === undefined || p === null) return failValidation("prompt", "prompt is required")
    if (typeof p !== "string") return failValidation("prompt", "prompt must be a string")
    if (p.trim() === "") return failValidation("prompt", "prompt must not be empty")
    if (p.length > 4000) return failValidation("prompt", "prompt must be at most 4000 characters")
    return p
  }

  private model(value: unknown, fallback?: string): string {
    const m = value === undefined || value === null ? fallback : value
    if (m === undefined) return failValidation("model", "model is required")
    if (typeof m !== "string" || m.trim() === "") return failValidation("model", "model must be a non-empty string")
    if (!MODEL_ID.test(m) || m.includes("//")) return failValidation("model", `model has an invalid shape: ${JSON.stringify(m)}`)
    if (!findModel(m) && !KNOWN_PREFIXES.some((p) => m.startsWith(p) && m.length > p.length)) {
      return fail(notFound("MODEL_NOT_FOUND", `Model not supported: ${m}`, { model: m }))
    }
    return m
  }

  private intField(obj: Record<string, unknown>, field: string, fallback: number, min: number, max: number, path = field): number {
    const v = obj[field]
    if (v === undefined || v === null) return fallback
    if (!isInt(v)) return failValidation(path, `${path} must be an integer`)
    if (v < min || v > max) return failValidation(path, `${path} must be between ${min} and ${max}`)
    return v
  }

  private optString(obj: Record<string, unknown>, field: string): string | undefined {
    const v = obj[field]
    if (v === undefined || v === null) return undefined
    if (typeof v !== "string") return failValidation(field, `${field} must be a string`)
    return v
  }

  private optBool(obj: Record<string, unknown>, field: string): boolean | undefined {
    const v = obj[field]
    if (v === undefined || v === null) return undefined
    if (typeof v !== "boolean") return failValidation(field, `${field} must be a boolean`)
    return v
  }

  private mode(rc: RouteContext, provider: string): "managed" | "byok" {
    const header = BYOK_HEADER[provider]
    return header && (rc.headers.get(header) ?? "") !== "" ? "byok" : "managed"
  }

  private latency(min: number, max: number): number {
    return this.rng.int(min, max)
  }

  private prices(providerCostMicro: number, mode: "managed" | "byok"): number {
    return mode === "byok" ? BYOK_FEE_MICRO : Math.round(providerCostMicro * (1 + MARGIN_PERCENT / 100))
  }

  private failedRecord(endpoint: string, requestId: string, mediaType: "image" | "video", model: string, provider: string, mode: "managed" | "byok", at: number): UsageRecord {
    return {
      id: this.rng.uuid(),
      requestId,
      endpoint,
      mediaType,
      model,
      provider,
      mode,
      status: "failed",
      cacheHit: false,
      providerCostMicro: 0,
      billedMicro: 0,
      savedMicro: 0,
      latencyMs: this.latency(300, 2000),
      at,
      outputs: 0
    }
  }

  private providerFailure(rc: RouteContext, endpoint: string, id: string, mediaType: "image" | "video", model: string, provider: string, mode: "managed" | "byok"): never {
    rc.org!.usage.push(this.failedRecord(endpoint, id, mediaType, model, provider, mode, rc.now))
    return fail(errorResponse(502, "PROVIDER_FAILURE", `${PROVIDER_LABEL[provider] ?? provider} failed to generate (injected failure)`, { provider }))
  }

  /**
   * The shared image pipeline of `/generate` and `/images/generate`: cache lookup, failure
   * injection, pricing, usage.
   */
  private imageCore(rc: RouteContext, endpoint: string, input: {
    model: string
    prompt: string
    width: number
    height: number
    numImages: number
    seed: number | undefined
    preferCache: boolean
  }) {
    const org = rc.org!
    const provider = providerOfModel(input.model)
    const mode = this.mode(rc, provider)
    const id = this.rng.uuid()
    const cacheKey = `${input.model}\u0000${input.prompt}\u0000${input.width}x${input.height}`
    const cached = input.preferCache ? org.cache.get(cacheKey) : undefined
    const mp = (input.width * input.height) / 1e6
    /** One completed image generation in the org's usage log. */
    const recordUsage = (
      billing: Pick<
        (typeof org.usage)[number],
        "cacheHit" | "providerCostMicro" | "billedMicro" | "savedMicro" | "latencyMs" | "outputs"
      >
    ) =>
      org.usage.push({
        id: this.rng.uuid(),
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
      const latencyMs = this.latency(40, 120)
      recordUsage({
        cacheHit: true,
        providerCostMicro: 0,
        billedMicro: 0,
        savedMicro: cached.billedMicro,
        latencyMs,
        outputs: cached.outputs.length
      })
      return { id, provider, mode, images: cached.outputs, cacheHit: true as const, cached, latencyMs, billedMicro: 0, providerCostMicro: 0, mp }
    }
    if (this.fails({ kind: "image", model: input.model, prompt: input.prompt })) {
      return this.providerFailure(rc, endpoint, id, "image", input.model, provider, mode)
    }
    const base = this.mediaBase(rc)
    const images = Array.from({ length: input.numImages }, (_, index) =>
      this.mediaUrl(base, "png", { prompt: input.prompt, width: input.width, height: input.height, index, ...(input.seed !== undefined ? { seed: input.seed } : {}) }))
    const providerCostMicro = Math.max(1, Math.round(baseCostMicro(input.model) * mp * input.numImages))
    const billedMicro = this.prices(providerCostMicro, mode)
    const latencyMs = this.latency(700, 2500)
    org.cache.set(cacheKey, { outputs: images, providerCostMicro, billedMicro, provider, createdAt: rc.now })
    recordUsage({
      cacheHit: false,
      providerCostMicro: mode === "byok" ? 0 : providerCostMicro,
      billedMicro,
      savedMicro: 0,
      latencyMs,
      outputs: images.length
    })
    return { id, provider, mode, images, cacheHit: false as const, cached: undefined, latencyMs, billedMicro, providerCostMicro, mp }
  }

  private generate(rc: RouteContext): Response {
    const body = this.body(rc)
    const prompt = this.prompt(body)
    const model = this.model(body.model, "fal-ai/flux/schnell")
    const params = body.params === undefined || body.params === null ? {} : isRecord(body.params) ? body.params : failValidation("params", "params must be an object")
    let width = 1024
    let height = 1024
    if (params.image_size !== undefined) {
      const size = params.image_size
      const preset = typeof size === "string" ? IMAGE_SIZES[size] : undefined
      const m = typeof size === "string" ? /^(\d{2,5})x(\d{2,5})$/.exec(size) : null
      if (preset) [width, height] = preset
      else if (m) [width, height] = [Number(m[1]), Number(m[2])]
      else if (isRecord(size) && isInt(size.width) && isInt(size.height)) [width, height] = [size.width, size.height]
      else return failValidation("params.image_size", "image_size must be like \"1024x1024\", a preset name or {width, height}")
    }
    width = this.intField(params, "width", width, 64, 4096, "params.width")
    height = this.intField(params, "height", height, 64, 4096, "params.height")
    if (width < 64 || width > 4096 || height < 64 || height > 4096) return failValidation("params.image_size", "sizes must be between 64 and 4096")
    const numImages = this.intField(params, "num_images", 1, 1, 4, "params.num_images")
    const seed = params.seed === undefined || params.seed === null ? undefined : this.intField(params, "seed", 0, 0, Number.MAX_SAFE_INTEGER, "params.seed")
    if (mediaTypeOf(model) === "video") return failValidation("model", `${model} is a video model; use POST /videos/generate`)
    const r = this.imageCore(rc, "/generate", { model, prompt, width, height, numImages, seed, preferCache: true })
    const billedUsd = r.billedMicro / 1e6
    return json(200, {
      id: r.id,
      status: "completed",
      image_url: r.images[0] ?? null,
      images: r.images,
      model,
      provider: r.provider,
      mode: r.mode,
      estimated_cost_usd: round(billedUsd, 6),
      cost_per_megapixel_usd: round(r.mp > 0 ? billedUsd / r.mp : 0, 6),
      latency_ms: r.latencyMs,
      resolution: { width, height },
      cache_hit: r.cacheHit,
      ...(r.cached ? { cache_source: "exact", provider_cost_avoided_micro: r.cached.providerCostMicro, saved_amount: round(r.cached.billedMicro / 1e6, 6) } : {}),
      created_at: isoMain(rc.now)
    })
  }

  private parseImageRequest(rc: RouteContext) {
    const body = this.body(rc)
    const model = this.model(body.model)
    const prompt = this.prompt(body)
    const width = this.intField(body, "width", 1024, 64, 4096)
    const height = this.intField(body, "height", 1024, 64, 4096)
    const numImages = this.intField(body, "num_images", 1, 1, 4)
    const seed = body.seed === undefined || body.seed === null ? undefined : this.intField(body, "seed", 0, 0, Number.MAX_SAFE_INTEGER)
    this.optString(body, "negative_prompt")
    this.optString(body, "image_url")
    this.optString(body, "webhook_url")
    this.optString(body, "callback_id")
    const preferCache = this.optBool(body, "prefer_cache") ?? true
    if (body.max_latency_ms !== undefined && body.max_latency_ms !== null) this.intField(body, "max_latency_ms", 0, 1, 3_600_000)
    if (mediaTypeOf(model) === "video") return failValidation("model", `${model} is a video model; use POST /videos/generate`)
    return { model, prompt, width, height, numImages, seed, preferCache }
  }

  private wantsAsync(rc: RouteContext): boolean {
    return /(^|[\s,;])respond-async([\s,;]|$)/i.test(rc.headers.get("prefer") ?? "")
  }

  private generateImages(rc: RouteContext): Response {
    const input = this.parseImageRequest(rc)
    const includeSteps = rc.query.get("include_steps") === "true"
    const buildResult = (r: ReturnType<FakeVisgate["imageCore"]>, createdAt: number): Record<string, unknown> => ({
      id: r.id,
      status: "completed",
      images: r.images,
      model: input.model,
      provider: r.provider,
      mode: r.mode,
      cost: round(r.billedMicro / 1e6, 6),
      cache_hit: r.cacheHit,
      ...(r.cached
        ? { cache_source: "exact", provider_cost_avoided_micro: r.cached.providerCostMicro, saved_amount: round(r.cached.billedMicro / 1e6, 6) }
        : {}),
      margin_percent: r.mode === "managed" && !r.cacheHit ? MARGIN_PERCENT : 0,
      latency_ms: r.latencyMs,
      output_storage: new URL(r.images[0] ?? this.mediaBase(rc)).host,
      output_size_bytes: null,
      created_at: isoMain(createdAt),
      ...(includeSteps
        ? {
          steps: [
            { name: "cache_lookup", status: r.cacheHit ? "hit" : "miss", duration_ms: 12 },
            ...(r.cacheHit ? [] : [{ name: "provider_call", provider: r.provider, status: "completed", duration_ms: Math.max(1, r.latencyMs - 60) }]),
            { name: "storage", status: "completed", duration_ms: r.cacheHit ? 0 : 45 }
          ]
        }
        : {})
    })
    if (this.wantsAsync(rc)) {
      return this.accept(rc, "/images/generate", "image", input.model, input.prompt, (at) => {
        const r = this.imageCore({ ...rc, now: at }, "/images/generate", { ...input, preferCache: false })
        const record = rc.org!.usage.pop()!
        return { outputUrl: r.images[0]!, result: buildResult(r, at), record }
      })
    }
    const r = this.imageCore(rc, "/images/generate", input)
    return json(200, buildResult(r, rc.now))
  }

  private generateVideo(rc: RouteContext): Response {
    const body = this.body(rc)
    const model = this.model(body.model)
    const prompt = this.prompt(body)
    let duration = 5
    if (body.duration_seconds !== undefined && body.duration_seconds !== null) {
      const d = body.duration_seconds
      if (typeof d !== "number" || !Number.isFinite(d)) return failValidation("duration_seconds", "duration_seconds must be a number")
      if (d <= 0 || d > 60) return failValidation("duration_seconds", "duration_seconds must be between 0 and 60")
      duration = d
    }
    this.optString(body, "image_url")
    this.optString(body, "webhook_url")
    this.optString(body, "callback_id")
    this.optBool(body, "skip_gcs_upload")
    if (mediaTypeOf(model) !== "video") return failValidation("model", `${model} is an image model; use POST /images/generate`)
    const provider = providerOfModel(model)
    const mode = this.mode(rc, provider)
    const produce = (at: number, base: string) => {
      const id = this.rng.uuid()
      const url = this.mediaUrl(base, "mp4", { prompt, width: 1280, height: 720 })
      const providerCostMicro = Math.round(baseCostMicro(model) * duration)
      const billedMicro = this.prices(providerCostMicro, mode)
      const latencyMs = this.latency(20_000, 90_000)
      const record: UsageRecord = {
        id: this.rng.uuid(),
        requestId: id,
        endpoint: "/videos/generate",
        mediaType: "video",
        model,
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
        model,
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
    const base = this.mediaBase(rc)
    if (this.wantsAsync(rc)) return this.accept(rc, "/videos/generate", "video", model, prompt, (at) => produce(at, base))
    if (this.fails({ kind: "video", model, prompt })) {
      return this.providerFailure(rc, "/videos/generate", this.rng.uuid(), "video", model, provider, mode)
    }
    const done = produce(rc.now, base)
    rc.org!.usage.push(done.record)
    return json(200, done.result)
  }

  private accept(
    rc: RouteContext,
    endpoint: string,
    mediaType: "image" | "video",
    model: string,
    prompt: string,
    complete: AsyncJob["complete"]
  ): Response {
    const provider = providerOfModel(model)
    const id = this.rng.uuid()
    const job: AsyncJob = {
      id,
      endpoint,
      mediaType,
      model,
      provider,
      mode: this.mode(rc, provider),
      prompt,
      createdAt: rc.now,
      pendingMs: mediaType === "video" ? this.timings.videoPendingMs : this.timings.imagePendingMs,
      processingMs: mediaType === "video" ? this.timings.videoProcessingMs : this.timings.imageProcessingMs,
      fails: this.fails({ kind: mediaType, model, prompt }),
      complete,
      status: "pending",
      completedAt: null,
      outputUrl: null,
      errorMessage: null,
      result: null
    }
    rc.org!.jobs.set(id, job)
    // a zero-length job completes at once
    this.settleJob(rc.org!, job, rc.now)
    return json(202, {
      request_id: id,
      status: "pending",
      poll_interval_seconds: this.pollInterval(job),
      estimated_remaining_seconds: Math.ceil((job.pendingMs + job.processingMs) / 1000)
    }, { location: `${rc.prefix}/requests/${id}` })
  }

  private pollInterval(job: AsyncJob): number {
    return Math.max(1, Math.min(5, Math.round((job.pendingMs + job.processingMs) / 1000 / 5)))
  }

  private requestStatus(rc: RouteContext): Response {
    const id = rc.params.id!
    const job = rc.org!.jobs.get(id)
    if (!job) return notFound("REQUEST_NOT_FOUND", `Request not found: ${id}`, { request_id: id })
    const remaining = job.status === "completed" || job.status === "failed"
      ? 0
      : Math.max(0, Math.ceil((job.createdAt + job.pendingMs + job.processingMs - rc.now) / 1000))
    return json(200, {
      request_id: job.id,
      status: job.status,
      media_type: job.mediaType,
      provider: job.provider,
      model: job.model,
      output_url: job.outputUrl,
      error_message: job.errorMessage,
      created_at: isoMain(job.createdAt),
      completed_at: job.completedAt === null ? null : isoMain(job.completedAt),
      poll_interval_seconds: this.pollInterval(job),
      estimated_remaining_seconds: remaining,
      ...(job.result ? { result: job.result } : {})
    })
  }

  // ---------------------------------------------------------------- models

  private listModels(rc: RouteContext): Response {
    const q = rc.query
    const intParam = (name: string, fallback: number, min: number, max: number): number => {
      const raw = q.get(name)
      if (raw === null || raw === "") return fallback
      const n = Number(raw)
      if (!Number.isInteger(n) || n < min || n > max) return failValidation(name, `${name} must be an integer between ${min} and ${max}`)
      return n
    }
    const limit = intParam("limit", 50, 1, 500)
    let offset = intParam("offset", 0, 0, 1_000_000)
    const cursor = q.get("cursor")
    if (cursor) {
      const m = /^o(\d+)$/.exec(cursor)
      if (!m) return failValidation("cursor", "cursor is not valid")
      offset = Number(m[1])
    }
    const page = q.get("page")
    if (page !== null && page !== "") offset = (intParam("page", 1, 1, 1_000_000) - 1) * limit
    const sort = q.get("sort") ?? "popular"
    if (!["name", "cost", "newest", "popular"].includes(sort)) return failValidation("sort", "sort must be one of name, cost, newest, popular")
    const provider = q.get("provider")
    const mediaType = q.get("media_type")
    const capability = q.get("capability")
    const search = q.get("search")?.toLowerCase()
    let models = catalog.filter((m) =>
      (!provider || m.provider === provider) &&
      (!mediaType || m.media_type === mediaType) &&
      (!capability || m.capabilities.includes(capability)) &&
      (!search || [m.id, m.name, m.description, m.author].some((s) => s.toLowerCase().includes(search)))
    )
    models = sortModels(models, sort)
    const pageItems = models.slice(offset, offset + limit)
    const next = offset + limit < models.length ? `o${offset + limit}` : null
    return json(200, {
      models: pageItems,
      total_count: models.length,
      limit,
      offset,
      next_cursor: next,
      last_updated: catalog[0]!.last_synced_at,
      ...(q.get("featured") === "true"
        ? {
          featured: [
            { title: "Popular", key: "popular", models: sortModels(catalog, "popular").slice(0, 6) },
            { title: "New", key: "new", models: sortModels(catalog, "newest").slice(0, 6) },
            { title: "Video", key: "video", models: sortModels(catalog.filter((m) => m.media_type === "video"), "popular").slice(0, 6) }
          ]
        }
        : {})
    })
  }

  // ---------------------------------------------------------------- usage

  private period(rc: RouteContext): string {
    const period = rc.query.get("period") ?? "month"
    if (!(period in PERIODS)) return failValidation("period", "period must be one of day, week, month, year")
    return period
  }

  private usage(rc: RouteContext): Response {
    const period = this.period(rc)
    const span = PERIODS[period]!
    const start = rc.now - span
    const records = rc.org!.usage.filter((r) => r.at > start && r.at <= rc.now)
    const byProvider: Record<string, number> = {}
    const byModel: Record<string, number> = {}
    for (const r of records) {
      byProvider[r.provider] = (byProvider[r.provider] ?? 0) + 1
      byModel[r.model] = (byModel[r.model] ?? 0) + 1
    }
    const successful = records.filter((r) => r.status === "completed")
    const buckets = BUCKETS[period]!
    const width = span / buckets
    const history = Array.from({ length: buckets }, (_, i) => {
      const from = start + i * width
      const inBucket = records.filter((r) => r.at > from && r.at <= from + width)
      return {
        date: isoMain(from),
        requests: inBucket.length,
        cached_requests: inBucket.filter((r) => r.cacheHit).length,
        billed_cost: round(inBucket.reduce((s, r) => s + r.billedMicro, 0) / 1e6, 6)
      }
    })
    return json(200, {
      period,
      period_start: isoMain(start),
      period_end: isoMain(rc.now),
      total_requests: records.length,
      successful_requests: successful.length,
      failed_requests: records.length - successful.length,
      cached_requests: records.filter((r) => r.cacheHit).length,
      total_provider_cost: round(records.reduce((s, r) => s + r.providerCostMicro, 0) / 1e6, 6),
      total_billed_cost: round(records.reduce((s, r) => s + r.billedMicro, 0) / 1e6, 6),
      total_savings: round(records.reduce((s, r) => s + r.savedMicro, 0) / 1e6, 6),
      by_provider: byProvider,
      by_model: byModel,
      avg_latency: successful.length === 0 ? 0 : Math.round(successful.reduce((s, r) => s + r.latencyMs, 0) / successful.length),
      history
    })
  }

  private usageLogs(rc: RouteContext): Response {
    const limit = Number(rc.query.get("limit") ?? "50")
    const offset = Number(rc.query.get("offset") ?? "0")
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return failValidation("limit", "limit must be an integer between 1 and 1000")
    if (!Number.isInteger(offset) || offset < 0) return failValidation("offset", "offset must be a non-negative integer")
    const logs = rc.org!.usage
      .slice()
      .sort((a, b) => b.at - a.at)
      .slice(offset, offset + limit)
      .map((r) => ({
        id: r.id,
        request_id: r.requestId,
        created_at: isoMain(r.at),
        endpoint: r.endpoint,
        media_type: r.mediaType,
        model: r.model,
        provider: r.provider,
        mode: r.mode,
        status: r.status,
        cache_hit: r.cacheHit,
        cost: round(r.billedMicro / 1e6, 6),
        provider_cost: round(r.providerCostMicro / 1e6, 6),
        saved_amount: round(r.savedMicro / 1e6, 6),
        latency_ms: r.latencyMs,
        outputs: r.outputs
      }))
    return json(200, this.options.usageLogsShape === "array" ? logs : { logs })
  }

  private dashboard(rc: RouteContext): Response {
    const period = this.period(rc)
    const start = rc.now - PERIODS[period]!
    const records = rc.org!.usage.filter((r) => r.at > start && r.at <= rc.now)
    const ok = records.filter((r) => r.status === "completed")
    const topModels = Object.entries(records.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.model]: (acc[r.model] ?? 0) + 1 }), {}))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([model, count]) => ({ model, count }))
    return json(200, {
      period,
      total_generations: records.length,
      total_images: ok.filter((r) => r.mediaType === "image").reduce((s, r) => s + r.outputs, 0),
      total_videos: ok.filter((r) => r.mediaType === "video").length,
      total_cost_usd: round(records.reduce((s, r) => s + r.billedMicro, 0) / 1e6, 6),
      total_savings_usd: round(records.reduce((s, r) => s + r.savedMicro, 0) / 1e6, 6),
      cache_hits: records.filter((r) => r.cacheHit).length,
      cache_hit_rate: records.length === 0 ? 0 : round((records.filter((r) => r.cacheHit).length / records.length) * 100, 2),
      avg_latency_ms: ok.length === 0 ? 0 : Math.round(ok.reduce((s, r) => s + r.latencyMs, 0) / ok.length),
      success_rate: records.length === 0 ? 0 : round((ok.length / records.length) * 100, 2),
      top_models: topModels
    })
  }

  private trackDownload(rc: RouteContext): Response {
    const body = this.body(rc)
    const requestId = body.request_id
    if (typeof requestId !== "string" || requestId === "") return failValidation("request_id", "request_id is required")
    const url = body.url ?? body.output_url ?? body.download_url
    if (typeof url !== "string" || url === "") return failValidation("url", "url is required")
    const mediaType = this.optString(body, "media_type")
    if (mediaType !== undefined && !["image", "video", "audio"].includes(mediaType)) return failValidation("media_type", "media_type must be image, video or audio")
    const entry = { id: this.rng.uuid(), request_id: requestId, url, media_type: mediaType ?? null, created_at: isoMain(rc.now) }
    rc.org!.downloads.push(entry)
    return json(201, { tracked: true, ...entry })
  }

  // ---------------------------------------------------------------- billing

  private billingStats(): Response {
    const records = [...this.orgs.values()].flatMap((o) => o.usage)
    const images = records.filter((r) => r.mediaType === "image" && r.billedMicro > 0)
    const videos = records.filter((r) => r.mediaType === "video" && r.billedMicro > 0)
    const avg = (rs: ReadonlyArray<UsageRecord>, fallback: number) => rs.length === 0 ? fallback : Math.round(rs.reduce((s, r) => s + r.billedMicro, 0) / rs.length)
    const imageMix = records.length === 0 ? 80 : round((records.filter((r) => r.mediaType === "image").length / records.length) * 100, 2)
    return json(200, {
      active_users: this.orgs.size,
      avg_image_cost_micro: avg(images, 3_600),
      avg_video_cost_micro: avg(videos, 300_000),
      base_fee_micro: BYOK_FEE_MICRO,
      cache_hit_reduction_percent: 100,
      competitor_markup_percent: 35,
      image_mix_percent: imageMix,
      min_request_fee_micro: BYOK_FEE_MICRO,
      providers: 3,
      request_fee_percent: MARGIN_PERCENT,
      savings_share_percent: 0,
      total_models: catalog.length,
      total_requests: records.length,
      total_savings_micro: records.reduce((s, r) => s + r.savedMicro, 0),
      video_mix_percent: round(100 - imageMix, 2)
    })
  }

  private billingInfo(rc: RouteContext): Record<string, unknown> {
    const org = rc.org!
    const billed = org.usage.reduce((s, r) => s + r.billedMicro, 0)
    const monthStart = rc.now - PERIODS.month!
    const month = org.usage.filter((r) => r.at > monthStart).reduce((s, r) => s + r.billedMicro, 0)
    return {
      tier: org.tier,
      balance_micro: org.balanceMicro - billed,
      billing_status: "active",
      company_name: org.name,
      free_mode_enabled: org.tier === "free",
      monthly_budget_cents: 5_000,
      support_email: "support@visgateai.com",
      usage_this_month_cents: Math.round(month / 10_000),
      _internal_stripe_customer_id: `cus_fake_${org.id}`,
      _internal_flags: { fake: true }
    }
  }

  private billingPricing(): Response {
    return json(200, {
      last_updated: catalog[0]!.last_synced_at,
      pricing: catalog.map((m) => ({
        model_id: m.id,
        provider: m.provider,
        media_type: m.media_type,
        unit: m.pricing_unit,
        base_cost_micro: m.base_cost_micro,
        price_usd: round((m.base_cost_micro * (1 + MARGIN_PERCENT / 100)) / 1e6, 6),
        display: m.pricing
      }))
    })
  }

  private checkout(rc: RouteContext): Response {
    const body = this.body(rc)
    const amount = body.amount_usd ?? body.amount
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0 || amount > 10_000) {
      return failValidation("amount_usd", "amount_usd must be a number between 0 and 10000")
    }
    const successUrl = body.success_url ?? body.return_url
    if (typeof successUrl !== "string" || !/^https?:\/\//.test(successUrl)) return failValidation("success_url", "success_url must be an http(s) URL")
    const email = this.optString(body, "customer_email")
    if (email !== undefined && !email.includes("@")) return failValidation("customer_email", "customer_email must be an email address")
    const sessionId = `cs_test_${this.rng.hex(24)}`
    rc.org!.checkouts.push({ session_id: sessionId, amount_usd: amount, success_url: successUrl, customer_email: email ?? null })
    return json(200, { checkout_url: `${this.mediaBase(rc)}/_fake/checkout/${sessionId}`, session_id: sessionId })
  }

  private subscription(rc: RouteContext): Response {
    const body = this.body(rc)
    const tier = body.tier
    if (typeof tier !== "string" || !TIERS.includes(tier)) return failValidation("tier", `tier must be one of ${TIERS.join(", ")}`)
    rc.org!.tier = tier
    return json(200, this.billingInfo(rc))
  }

  // ---------------------------------------------------------------- providers, auth, keys

  private providerBody(rc: RouteContext): { provider: string; apiKey: string } {
    const body = this.body(rc)
    const provider = typeof body.provider === "string" ? body.provider.trim().toLowerCase() : failValidation("provider", "provider is required")
    const apiKey = typeof body.api_key === "string" ? body.api_key.trim() : failValidation("api_key", "api_key is required")
    return { provider, apiKey }
  }

  private putProviderKey(rc: RouteContext): Response {
    const { apiKey, provider } = this.providerBody(rc)
    if (!(PROVIDERS as ReadonlyArray<string>).includes(provider)) return failValidation("provider", `provider must be one of ${PROVIDERS.join(", ")}`)
    if (apiKey === "") return failValidation("api_key", "api_key must not be empty")
    const validated = apiKey.startsWith(KEY_PREFIX[provider]!)
    const stored = { provider, key: apiKey, validated, validatedAt: validated ? rc.now : null }
    rc.org!.providerKeys.set(provider, stored)
    return json(200, keyInfo(stored))
  }

  private validateProviderKey(rc: RouteContext): Response {
    const body = isRecord(rc.body) ? rc.body : {}
    const provider = typeof body.provider === "string" ? body.provider.trim().toLowerCase() : ""
    const apiKey = typeof body.api_key === "string" ? body.api_key.trim() : ""
    if (!(PROVIDERS as ReadonlyArray<string>).includes(provider)) {
      return json(200, { valid: false, message: `Unsupported provider '${provider}'. Supported providers: ${PROVIDERS.join(", ")}` })
    }
    if (apiKey === "") return json(200, { valid: false, message: "API key is required" })
    const valid = apiKey.startsWith(KEY_PREFIX[provider]!)
    return json(200, { valid, message: `${valid ? "Valid" : "Invalid"} ${PROVIDER_LABEL[provider]} API key` })
  }

  private balances(rc: RouteContext): Response {
    const org = rc.org!
    const item = (provider: "fal" | "replicate" | "runway", currency: string, remaining: number | null, limit: number | null) => {
      const configured = org.providerKeys.has(provider) || this.mode(rc, provider) === "byok"
      return {
        provider,
        configured,
        available: configured,
        limit: configured ? limit : null,
        remaining: configured ? remaining : null,
        currency,
        message: configured ? null : `No ${PROVIDER_LABEL[provider]} key configured`
      }
    }
    return json(200, {
      balances: [item("fal", "credits", null, null), item("replicate", "usd", null, null), item("runway", "credits", 1880.0, 10000.0)]
    })
  }

  private apiKeys(rc: RouteContext): Response {
    const org = rc.org!
    const keys = org.id === this.defaultOrgId ? (this.options.apiKeys ?? ["vg-test-key"]) : [rc.apiKey!]
    const rng = new Prng(hashSeed(org.id))
    return json(200, keys.map((k, i) => ({
      id: rng.firestoreId(),
      name: i === 0 ? "default" : `key-${i + 1}`,
      key_prefix: k.slice(0, 10),
      created_at: isoMain(Date.UTC(2026, 0, 1 + i))
    })))
  }
}

const hashSeed = (s: string): number => {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

const keyInfo = (k: { provider: string; key: string; validated: boolean; validatedAt: number | null }) => ({
  provider: k.provider,
  validated: k.validated,
  validated_at: k.validatedAt === null ? null : isoMain(k.validatedAt),
  masked_key: `****${k.key.slice(-4)}`
})

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const sortModels = <A extends { name: string; id: string; normalized_cost_micro: number; first_seen_at: string; run_count: number }>(
  models: ReadonlyArray<A>,
  sort: string
): Array<A> => {
  const out = models.slice()
  switch (sort) {
    case "name":
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    case "cost":
      return out.sort((a, b) => a.normalized_cost_micro - b.normalized_cost_micro || a.id.localeCompare(b.id))
    case "newest":
      return out.sort((a, b) => b.first_seen_at.localeCompare(a.first_seen_at) || a.id.localeCompare(b.id))
    default:
      return out.sort((a, b) => b.run_count - a.run_count || a.id.localeCompare(b.id))
  }
}

/** `new FakeVisgate(options)`, as a function. */
export const makeFakeVisgate = (options: FakeVisgateOptions = {}): FakeVisgate => new FakeVisgate(options)
