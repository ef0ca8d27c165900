/**
 * Client configuration: where requests go, how they authenticate, how long they may take.
 *
 * Built from constructor options (`layer(options)`) or from Effect `Config`
 * (`layerConfig()`, reading `VISGATE_API_KEY` and `VISGATE_BASE_URL`). Secrets are held
 * as `Redacted` and never printed.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import { AuthenticationError, ValidationError } from "../schemas/Errors.js"
import { headerSafe, NOT_HEADER_SAFE } from "../internal/body.js"
import { isBrowser, readEnv } from "../internal/runtime.js"

/** Default API base URL. */
export const DEFAULT_BASE_URL = "https://visgateai.com/api/v1"
/** Default per-attempt timeout in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 120_000
/** Default number of retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 2
/** Default cap for `imageFile` uploads, in bytes (before base64). */
export const DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024

/** A secret may be given as a plain string or as an Effect `Redacted`. */
export type Secret = string | Redacted.Redacted<string>

/** Options accepted by `new Client(options)` and `VisgateConfig.layer(options)`. */
export interface VisgateClientOptions {
  /** Visgate API key (`vg-...`). Defaults to `VISGATE_API_KEY` where `process.env` exists. Optional with `proxyUrl`. */
  readonly apiKey?: Secret | undefined
  /** API base URL. Defaults to `VISGATE_BASE_URL`, then `https://visgateai.com/api/v1`. */
  readonly baseUrl?: string | undefined
  /** Server proxy URL (e.g. `/api/visgate`). When set, no Visgate key and no BYOK header is ever sent. */
  readonly proxyUrl?: string | undefined
  /** Called before every attempt; a non-empty result is sent as `Authorization: Bearer <token>`. */
  readonly getToken?: (() => string | Promise<string>) | undefined
  /** Per-attempt timeout in milliseconds (default 120000). */
  readonly timeout?: number | undefined
  /** Retries after the first attempt for 408/429/5xx, timeouts and connection errors (default 2). */
  readonly maxRetries?: number | undefined
  /** Fal key (`X-Fal-Key`), BYOK. */
  readonly falKey?: Secret | undefined
  /** Replicate key (`X-Replicate-Key`), BYOK. */
  readonly replicateKey?: Secret | undefined
  /** Runway key (`X-Runway-Key`), BYOK. */
  readonly runwayKey?: Secret | undefined
  /** RunPod key (`X-Runpod-Key`), BYOK for deployments. */
  readonly runpodKey?: Secret | undefined
  /** Base URL for deployment routes when a gateway hosts them elsewhere (default: the API base URL). */
  readonly deploymentsBaseUrl?: string | undefined
  /** Maximum size of an `imageFile` before encoding (default 10 MiB). */
  readonly maxImageBytes?: number | undefined
  /** Emit a tracing span per call (off by default, so calls carry no tracing cost). */
  readonly tracing?: boolean | undefined
  /**
   * At most this many generation requests (`images`/`videos`/`generate` POSTs) of this client in
   * flight at once; the others queue. A positive integer; unlimited by default.
   */
  readonly maxConcurrency?: number | undefined
  /**
   * A known quota of the API key (the Deploy API allows 100 per minute): every request of this
   * client is spaced so the client never sends more. Unlimited by default. (Whatever this says,
   * after a 429 or 503 with `Retry-After` every new attempt of the client waits until then.)
   */
  readonly rateLimit?: { readonly requestsPerMinute: number } | undefined
}

/** Options of the Effect layers: {@link VisgateClientOptions} plus Effect-only ones. */
export interface VisgateEffectOptions extends VisgateClientOptions {
  /**
   * Your own retry `Schedule` in place of the built-in policy (exponential backoff, `Retry-After`):
   * it gets each failure as input and decides delays and when to stop; only retryable failures
   * (408/429/5xx, timeouts, connection errors) are retried, with the same `Idempotency-Key`.
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** Wraps the `HttpClient` with your own middleware (e.g. `HttpClient.mapRequest`, `HttpClient.tap`). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/** The resolved configuration every service reads. */
export interface ResolvedConfig {
  /** Where API requests go: `proxyUrl` when set, else `baseUrl`; no trailing slash. */
  readonly url: string
  readonly baseUrl: string
  readonly proxyUrl: string | undefined
  readonly deploymentsUrl: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly getToken: (() => string | Promise<string>) | undefined
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly byok: {
    readonly fal: Redacted.Redacted<string> | undefined
    readonly replicate: Redacted.Redacted<string> | undefined
    readonly runway: Redacted.Redacted<string> | undefined
    readonly runpod: Redacted.Redacted<string> | undefined
  }
  readonly maxImageBytes: number
  readonly tracing: boolean
  /** `maxConcurrency`, when set. */
  readonly maxConcurrency?: number | undefined
  /** `rateLimit.requestsPerMinute`, when set. */
  readonly requestsPerMinute?: number | undefined
  readonly retrySchedule?: Schedule.Schedule<unknown, unknown> | undefined
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/** The configuration service. */
export class VisgateConfig extends Context.Tag("@visgate_ai/client/VisgateConfig")<VisgateConfig, ResolvedConfig>() {}

const isSchedule = (u: unknown): boolean =>
  typeof u === "object" && u !== null && Symbol.for("effect/Schedule") in u

const stripSlash = (url: string): string => url.replace(/\/+$/, "")

const toSecret = (s: Secret | undefined): Redacted.Redacted<string> | undefined => {
  if (s === undefined) return undefined
  if (Redacted.isRedacted(s)) return Redacted.value(s).trim() === "" ? undefined : s
  return s.trim() === "" ? undefined : Redacted.make(s.trim())
}

let warnedBrowserKey = false

/**
 * Resolves options against the environment. Fails with an `AuthenticationError` when there is
 * neither a key nor a proxy, and with a `ValidationError` for an invalid option, before any request.
 */
export const resolve = (options: VisgateEffectOptions = {}): Either.Either<ResolvedConfig, AuthenticationError | ValidationError> => {
  const invalid = (field: string, message: string) =>
    Either.left(new ValidationError({ message, errorCode: "INVALID_OPTION", field }))
  const proxyUrl = options.proxyUrl !== undefined && options.proxyUrl.trim() !== ""
    ? stripSlash(options.proxyUrl.trim())
    : undefined
  const baseUrl = stripSlash((options.baseUrl ?? readEnv("VISGATE_BASE_URL") ?? DEFAULT_BASE_URL).trim())
  if (baseUrl === "") return invalid("baseUrl", "baseUrl must not be empty")
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return invalid("timeout", `timeout must be a positive number of milliseconds, got ${String(timeoutMs)}`)
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  if (typeof maxRetries !== "number" || !Number.isInteger(maxRetries) || maxRetries < 0) {
    return invalid("maxRetries", `maxRetries must be a non-negative integer, got ${String(maxRetries)}`)
  }
  const maxImageBytes = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES
  if (typeof maxImageBytes !== "number" || !Number.isInteger(maxImageBytes) || maxImageBytes <= 0) {
    return invalid("maxImageBytes", `maxImageBytes must be a positive integer, got ${String(maxImageBytes)}`)
  }
  const maxConcurrency = options.maxConcurrency
  if (maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)) {
    return invalid("maxConcurrency", `maxConcurrency must be a positive integer, got ${String(maxConcurrency)}`)
  }
  const requestsPerMinute = options.rateLimit?.requestsPerMinute
  if (
    options.rateLimit !== undefined &&
    (typeof requestsPerMinute !== "number" || !Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0)
  ) {
    return invalid(
      "rateLimit.requestsPerMinute",
      `rateLimit.requestsPerMinute must be a positive number, got ${String(requestsPerMinute)}`
    )
  }
  if (options.retrySchedule !== undefined && !isSchedule(options.retrySchedule)) {
    return invalid("retrySchedule", "retrySchedule must be an Effect Schedule")
  }
  if (options.transformClient !== undefined && typeof options.transformClient !== "function") {
    return invalid("transformClient", "transformClient must be a function")
  }
  // In proxy mode the key never leaves the server, so the environment key is not even read.
  const apiKey = proxyUrl === undefined ? toSecret(options.apiKey ?? readEnv("VISGATE_API_KEY")) : undefined
  if (proxyUrl === undefined && apiKey === undefined) {
    return Either.left(
      new AuthenticationError({
        message:
          "No Visgate API key provided. Set the VISGATE_API_KEY environment variable, pass { apiKey: \"vg-...\" }, " +
          "or, in a browser app, pass { proxyUrl: \"/api/visgate\" } and keep the key on your server.",
        errorCode: "MISSING_API_KEY"
      })
    )
  }
  if (apiKey !== undefined && isBrowser() && !warnedBrowserKey) {
    warnedBrowserKey = true
    console.warn(
      "[@visgate_ai/client] A Visgate API key is being used in a browser, where any visitor can read it. " +
        "Use a server proxy instead: new Client({ proxyUrl: \"/api/visgate\" }) with @visgate_ai/server-proxy."
    )
  }
  const url = proxyUrl ?? baseUrl
  const byokSecret = (s: Secret | undefined) => (proxyUrl === undefined ? toSecret(s) : undefined)
  const byok = {
    fal: byokSecret(options.falKey),
    replicate: byokSecret(options.replicateKey),
    runway: byokSecret(options.runwayKey),
    runpod: byokSecret(options.runpodKey)
  }
  // A key goes into a header: one that a header cannot carry fails here, named, never quoted.
  for (const [name, key] of Object.entries({ api: apiKey, ...byok })) {
    if (key !== undefined && !headerSafe(Redacted.value(key))) return invalid(`${name}Key`, `${name}Key${NOT_HEADER_SAFE}`)
  }
  return Either.right({
    url,
    baseUrl,
    proxyUrl,
    deploymentsUrl: options.deploymentsBaseUrl !== undefined && options.deploymentsBaseUrl.trim() !== ""
      ? stripSlash(options.deploymentsBaseUrl.trim())
      : url,
    apiKey,
    getToken: options.getToken,
    timeoutMs,
    maxRetries,
    byok,
    maxImageBytes,
    tracing: options.tracing === true,
    maxConcurrency,
    requestsPerMinute,
    ...(options.retrySchedule !== undefined ? { retrySchedule: options.retrySchedule } : {}),
    ...(options.transformClient !== undefined ? { transformClient: options.transformClient } : {})
  })
}

/** @internal for tests: lets the one-time browser warning fire again. */
export const resetBrowserWarning = (): void => {
  warnedBrowserKey = false
}

/** A configuration layer from explicit options (environment variables fill what is unset). */
export const layer = (options: VisgateEffectOptions = {}): Layer.Layer<VisgateConfig, AuthenticationError | ValidationError> =>
  Layer.effect(VisgateConfig, resolve(options))

/**
 * Options for {@link layerConfig}: each option as a value or as an Effect `Config` read when the
 * layer is built, e.g. `{ apiKey: Config.redacted("MY_VISGATE_KEY"), timeout: Config.number("T") }`.
 */
export type VisgateConfigOptions = {
  readonly [K in keyof VisgateEffectOptions]?:
    | VisgateEffectOptions[K]
    | Config.Config<Exclude<VisgateEffectOptions[K], undefined>>
}

/**
 * A configuration layer from Effect `Config`: each option may be a `Config` (read from the
 * `ConfigProvider` when the layer is built); unset ones fall back to `VISGATE_API_KEY` (redacted),
 * `VISGATE_BASE_URL`, `VISGATE_PROXY_URL`, `VISGATE_TIMEOUT` (ms), `VISGATE_MAX_RETRIES`.
 */
export const layerConfig = (
  options: VisgateConfigOptions = {}
): Layer.Layer<VisgateConfig, AuthenticationError | ValidationError | ConfigError.ConfigError> =>
  Layer.effect(
    VisgateConfig,
    Effect.gen(function*() {
      const explicit: Record<string, unknown> = {}
      for (const key in options) {
        const value: unknown = options[key as keyof VisgateConfigOptions]
        explicit[key] = Config.isConfig(value) ? yield* (value as Config.Config<unknown>) : value
      }
      const given = explicit as VisgateEffectOptions
      const apiKey = yield* Config.option(Config.redacted("VISGATE_API_KEY"))
      const baseUrl = yield* Config.option(Config.string("VISGATE_BASE_URL"))
      const proxyUrl = yield* Config.option(Config.string("VISGATE_PROXY_URL"))
      const timeout = yield* Config.option(Config.number("VISGATE_TIMEOUT"))
      const maxRetries = yield* Config.option(Config.integer("VISGATE_MAX_RETRIES"))
      return yield* resolve({
        ...given,
        apiKey: given.apiKey ?? Option.getOrUndefined(apiKey) ?? "",
        baseUrl: given.baseUrl ?? Option.getOrUndefined(baseUrl) ?? DEFAULT_BASE_URL,
        proxyUrl: given.proxyUrl ?? Option.getOrUndefined(proxyUrl),
        timeout: given.timeout ?? Option.getOrUndefined(timeout),
        maxRetries: given.maxRetries ?? Option.getOrUndefined(maxRetries)
      })
    })
  )
