/**
 * Public option and record types of the fake Visgate API.
 */
import type { Fault } from "./faults.js"
import type { SseDriver } from "./sse.js"

export type DeploymentPhase =
  | "validating"
  | "selecting_gpu"
  | "creating_endpoint"
  | "downloading_model"
  | "loading_model"

/** How long simulated work takes, in milliseconds of the fake's clock. */
export interface FakeTimings {
  /** async image jobs (`Prefer: respond-async`): time in `pending`, then in `processing` */
  readonly imagePendingMs: number
  readonly imageProcessingMs: number
  /** async video jobs: time in `pending`, then in `processing` */
  readonly videoPendingMs: number
  readonly videoProcessingMs: number
  /** cold deployment phases, in order; `ready` (or `failed`) follows the last one */
  readonly deployment: Readonly<Record<DeploymentPhase, number>>
  /** deployment inference jobs: `queued`, then `running` */
  readonly inferenceQueuedMs: number
  readonly inferenceRunningMs: number
}

export interface FakeTimingsInput {
  readonly imagePendingMs?: number
  readonly imageProcessingMs?: number
  readonly videoPendingMs?: number
  readonly videoProcessingMs?: number
  readonly deployment?: Partial<Record<DeploymentPhase, number>>
  readonly inferenceQueuedMs?: number
  readonly inferenceRunningMs?: number
}

export const defaultTimings: FakeTimings = {
  imagePendingMs: 500,
  imageProcessingMs: 1_500,
  videoPendingMs: 2_000,
  videoProcessingMs: 10_000,
  deployment: {
    validating: 2_000,
    selecting_gpu: 3_000,
    creating_endpoint: 10_000,
    downloading_model: 10_000,
    loading_model: 5_000
  },
  inferenceQueuedMs: 1_000,
  inferenceRunningMs: 3_000
}

/** What the failure predicate is asked about. */
export interface FailureQuery {
  readonly kind: "image" | "video" | "deployment" | "inference"
  readonly model: string
  /** the prompt (generation, inference `input.prompt`) or the model id (deployments) */
  readonly prompt: string
}

export interface FakeVisgateOptions {
  /**
   * Visgate keys the fake accepts (`Authorization: Bearer <key>`), all in one organisation.
   * Default `["vg-test-key"]`.
   */
  readonly apiKeys?: ReadonlyArray<string>
  /**
   * Also accept any other key that starts with `vg-`, each in its own organisation
   * (so caches, usage and idempotency keys are separate per key). Default `true`;
   * set `false` to accept only `apiKeys` (and `sessionTokens`).
   */
  readonly acceptAnyVgKey?: boolean
  /** Extra bearer tokens accepted as session tokens (proxy mode, `role: "session"`), in the default organisation. */
  readonly sessionTokens?: ReadonlyArray<string>
  /**
   * The API base path. Requests are routed at `<anything><basePath>/...` (e.g. `/api/v1/models`,
   * `/proxy/api/v1/models`), at `/v1/...` (Deploy API style) and at the root (`/models`).
   * Default `/api/v1`.
   */
  readonly basePath?: string
  /**
   * Public origin (`http://host:port`) used to build absolute output URLs
   * (`{origin}{basePath}/_fake/media/...`). Default: the origin and mount prefix of each request.
   */
  readonly origin?: string
  /** The clock, in epoch milliseconds. Default `Date.now`. A request's `ctx.now` overrides it. */
  readonly clock?: () => number
  /**
   * Freeze the clock at this instant (epoch ms or a `Date`); it then moves only with
   * `fake.advance(ms)`. Takes precedence over `clock`.
   */
  readonly startAt?: number | Date
  /** Seed of every id and rate the fake draws. Default `1`. */
  readonly seed?: number
  readonly timings?: FakeTimingsInput
  /**
   * Which work fails. Default: the prompt (or, for deployments, the model id) contains
   * "fail" (case-insensitive). Sync generation then answers 502 `PROVIDER_FAILURE`; async jobs,
   * deployments and inference jobs end `failed`.
   */
  readonly failWhen?: (query: FailureQuery) => boolean
  /** Shape of `GET /usage/logs`: `{"logs": [...]}` (default) or a bare array. */
  readonly usageLogsShape?: "object" | "array"
  /** Poll interval of SSE streams on real timers (ms). Default 100. */
  readonly ssePollMs?: number
  /** Interval of `: keepalive` SSE comments on real timers (ms); 0 (default) sends none, like the Deploy API. */
  readonly sseKeepaliveMs?: number
  /** Longest side of generated PNGs. Default 256. */
  readonly maxImageSide?: number
  /** Opening prepaid balance of each organisation, in USD. Default 25. */
  readonly initialBalanceUsd?: number
  /** `version` reported by `GET /health`. Default `"0.2.0"`. */
  readonly version?: string
  /**
   * The secret sent in `X-Visgate-Internal-Secret` with every outbound webhook (deployment ready,
   * inference job finished), as a Deploy API with a webhook secret configured. Default: none (no
   * header, like a server without one).
   */
  readonly webhookSecret?: string
  /**
   * How outbound webhooks are sent to `user_webhook_url`. Default: the global `fetch`. The fake
   * never calls any other URL.
   */
  readonly webhookFetch?: (input: string, init: RequestInit) => Promise<Response>
}

/** Per-request context a transport passes to `fake.handle`. */
export interface FakeRequestContext {
  /** The current time in epoch ms, overriding the fake's clock for this request. */
  readonly now?: number
  /** How SSE bodies are driven (the Effect layer passes one based on Effect's clock). */
  readonly sseDriver?: SseDriver
}

/** One request the fake received (kept with its secrets so tests can assert on them). */
export interface FakeRequestRecord {
  readonly method: string
  readonly url: string
  /** the path relative to the API base, e.g. `/images/generate` */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** lower-cased header names */
  readonly headers: Readonly<Record<string, string>>
  /** the parsed JSON body, the raw text when it is not JSON, or `undefined` when empty */
  readonly body: unknown
  readonly receivedAt: number
  /** the injected fault, if one hit */
  readonly fault?: string
}

/** Usage totals over every organisation. */
export interface FakeUsageTotals {
  readonly requests: number
  readonly successful: number
  readonly failed: number
  readonly cached: number
  /** generations billed (not cached, not failed) */
  readonly billed: number
  readonly billedCostUsd: number
  readonly providerCostUsd: number
  readonly savingsUsd: number
}

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

/**
 * What a transport needs from the fake (`FakeVisgate` is one): `receive` reads, logs and picks
 * the fault; the transport applies the fault its own way; `respond` runs the route. The Effect
 * layer takes this shape, not the class, so no module imports `FakeVisgate` back.
 */
export interface FakeEndpoint {
  readonly options: Readonly<FakeVisgateOptions>
  receive(request: Request): Promise<ReceivedRequest>
  respond(received: ReceivedRequest, ctx: FakeRequestContext & { readonly sseDriver: SseDriver }): Promise<Response>
  /** The fake's time for a transport's clock reading. */
  timeAt(baseNow?: number): number
}
