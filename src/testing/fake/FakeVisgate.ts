/**
 * A stateful fake of the whole Visgate HTTP contract (`shared/api/visgate-api.md`), in the
 * spirit of stripe-mock and MSW: one implementation, reachable as a web `fetch` function,
 * as an Effect `HttpClient` layer (`layer.ts`) and as a loopback HTTP server (`serve.ts`).
 *
 * This class is the public face: the inspection API, the `fetch`/`handle` transport and the
 * two steps every transport shares (`receive`, `respond`: routing, auth, idempotency). The
 * state and rules live in the core (`core.ts`, `clock.ts`, `orgs.ts`, `auth.ts`,
 * `idempotency.ts`, `router.ts`, `media.ts`) and in one module per route group (`routes/`).
 *
 * The core is web-standard only (`Request`, `Response`, `ReadableStream`), so it runs in
 * Node and browsers alike.
 */
import { authenticate } from "./auth.js"
import { FakeCore } from "./core.js"
import { connectionResetError, damageResponse, FaultController, faultResponse } from "./faults.js"
import { abortError, hangUntilAborted, headersToObject, HttpFailure, json, round, sleepAbortable } from "./http.js"
import { idempotent } from "./idempotency.js"
import { layerHttpClient } from "./layer.js"
import { mediaRoute } from "./media.js"
import { FakeRateLimiter } from "./rateLimit.js"
import { findRoute, type Route, route, type RouteContext, splitPath } from "./router.js"
import { accountRoutes } from "./routes/account.js"
import { FakeBilling } from "./routes/billing.js"
import { FakeDeployments } from "./routes/deployments.js"
import { FakeGeneration } from "./routes/generation.js"
import { modelRoutes } from "./routes/models.js"
import { FakeRequests } from "./routes/requests.js"
import { usageRoutes } from "./routes/usage.js"
import { type SseDriver, timerSseStream } from "./sse.js"
import type {
  FakeEndpoint,
  FakeRequestContext,
  FakeRequestRecord,
  FakeUsageTotals,
  FakeVisgateOptions,
  ReceivedRequest
} from "./types.js"

import type { FakeWebhookDelivery } from "./webhooks.js"

export type { ReceivedRequest } from "./types.js"

/**
 * The fake Visgate API.
 *
 * ```ts
 * const fake = new FakeVisgate({ startAt: Date.UTC(2026, 2, 1) })
 * const client = new Client({ apiKey: "vg-test-key", fetch: fake.fetch, baseUrl: "http://fake.local/api/v1" })
 * ```
 */
export class FakeVisgate implements FakeEndpoint {
  /** `FakeVisgate.layer(fake)`: a layer providing `HttpClient.HttpClient` answered by `fake` (`layerHttpClient`). */
  static readonly layer = layerHttpClient

  /** Scripted and rate-based fault injection. */
  readonly faults: FaultController
  /** The rate limiter of `options.rateLimit` (`admitted`, `rejected` counts), if any. */
  readonly rateLimiter: FakeRateLimiter | undefined
  readonly options: Readonly<FakeVisgateOptions>
  readonly basePath: string

  private readonly core: FakeCore
  private log: Array<FakeRequestRecord> = []
  private readonly deployments: FakeDeployments
  private readonly routes: ReadonlyArray<Route>

  constructor(options: FakeVisgateOptions = {}) {
    const core = new FakeCore(options)
    this.core = core
    this.options = core.options
    this.basePath = core.basePath
    this.faults = new FaultController(core.seed)
    this.rateLimiter = options.rateLimit === undefined ? undefined : new FakeRateLimiter(options.rateLimit)
    // settle order: async generation jobs, then deployments and inference jobs
    const requests = new FakeRequests(core)
    this.deployments = new FakeDeployments(core)
    const billing = new FakeBilling(core)
    this.routes = [
      route("GET", "/health", () => json(200, { status: "ok", version: options.version ?? "0.2.0" }), { auth: false }),
      mediaRoute(() => options.maxImageSide ?? 256),
      ...billing.pageRoutes(),
      ...new FakeGeneration(core, requests).routes(),
      ...requests.routes(),
      ...modelRoutes(),
      ...usageRoutes(core),
      ...billing.routes(),
      ...accountRoutes(core),
      ...this.deployments.routes()
    ]
  }

  // ================================================================ public inspection API

  /**
   * The current time of the fake's clock (epoch ms), including `advance` offsets. Once a transport
   * has passed its own time (the Effect layer on `TestClock`), this is the latest such time, so
   * inspection (`billedCount`, `usageTotals()`) never runs ahead of the caller's clock.
   */
  now(): number {
    return this.core.clock.now()
  }

  /** The fake's time for a base clock reading (a transport's `now`): adds the `advance` offset. */
  timeAt(baseNow?: number): number {
    return this.core.clock.timeAt(baseNow)
  }

  /**
   * Moves the fake's clock forward by `ms` (added to every later reading, `ctx.now` included)
   * and wakes open SSE streams. Returns the new time.
   */
  advance(ms: number): number {
    return this.core.clock.advance(ms)
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

  /**
   * Every webhook the fake sent to a `user_webhook_url` (deployment ready, inference job finished),
   * oldest first, with its attempts (`webhookSecret` sets the `X-Visgate-Internal-Secret` header).
   */
  get webhooks(): ReadonlyArray<FakeWebhookDelivery> {
    return this.core.webhooks.deliveries
  }

  /**
   * Resolves once no webhook attempt is in flight. Retries wait on the fake's clock (1 s, then
   * 2 s): `fake.advance(1_000)` starts the next attempt.
   */
  flushWebhooks(): Promise<void> {
    return this.core.webhooks.flush()
  }

  /** Clears the request log only. */
  clearRequests(): void {
    this.log = []
  }

  /** Forgets all state (organisations, caches, jobs, deployments, usage, request log, faults, clock offset). */
  reset(): void {
    this.core.reset()
    this.log = []
    this.faults.clear()
    this.rateLimiter?.reset()
    this.deployments.reset()
  }

  /** Usage totals over every organisation (async jobs count once they complete). */
  usageTotals(now: number = this.now()): FakeUsageTotals {
    this.core.settle(now)
    const records = [...this.core.orgs.values()].flatMap((o) => o.usage)
    const usd = (micro: (r: (typeof records)[number]) => number) =>
      round(records.reduce((s, r) => s + micro(r), 0) / 1e6, 6)
    return {
      requests: records.length,
      successful: records.filter((r) => r.status === "completed").length,
      failed: records.filter((r) => r.status === "failed").length,
      cached: records.filter((r) => r.cacheHit).length,
      billed: records.filter((r) => r.billedMicro > 0).length,
      billedCostUsd: usd((r) => r.billedMicro),
      providerCostUsd: usd((r) => r.providerCostMicro),
      savingsUsd: usd((r) => r.savedMicro)
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
        subscribe: (wake) => this.core.clock.subscribe(wake)
      })
  }

  /**
   * @internal Step 1 of handling, shared by the transports: reads the body, logs the request
   * and picks the fault (if any).
   */
  async receive(request: Request): Promise<ReceivedRequest> {
    const url = new URL(request.url)
    const { path, prefix } = splitPath(this.basePath, url.pathname)
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

  /** @internal Step 2 of handling: runs the route (no faults): routing, auth, idempotency. */
  async respond(
    received: ReceivedRequest,
    ctx: FakeRequestContext & { readonly sseDriver: SseDriver }
  ): Promise<Response> {
    const now = this.timeAt(ctx.now)
    this.core.settle(now)
    const { request, url, path } = received
    const method = request.method.toUpperCase()
    if (this.rateLimiter !== undefined && !path.startsWith("/_fake/")) {
      const limited = this.rateLimiter.take(now)
      if (limited !== undefined) return limited
    }
    const found = findRoute(this.routes, method, path)
    if (found instanceof Response) return found
    const matched = found.route
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
      params: found.params,
      sseDriver: ctx.sseDriver,
      org: undefined,
      role: undefined,
      apiKey: undefined
    }
    try {
      if (matched.auth) {
        const denied = authenticate(rc, this.options, this.core.orgs)
        if (denied) return denied
      }
      const idemKey = request.headers.get("idempotency-key")
      if (idemKey && rc.org && method !== "GET" && method !== "HEAD" && !matched.stream) {
        return await idempotent(rc, idemKey, () => run(matched, rc))
      }
      return await run(matched, rc)
    } catch (error) {
      if (error instanceof HttpFailure) return error.response
      throw error
    }
  }
}

/** Runs a route's handler: a thrown `HttpFailure` is its response, anything else a plain-text 500. */
const run = async (r: Route, rc: RouteContext): Promise<Response> => {
  try {
    return await r.handler(rc)
  } catch (error) {
    if (error instanceof HttpFailure) return error.response
    return new Response("Internal Server Error", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8" }
    })
  }
}

/** `new FakeVisgate(options)`, as a function. */
export const makeFakeVisgate = (options: FakeVisgateOptions = {}): FakeVisgate => new FakeVisgate(options)
