/**
 * Every error the SDK can fail with.
 *
 * Each class is a `Schema.TaggedError` with its own `_tag`, so Effect users can
 * `Effect.catchTag("RateLimitError", ...)`. For Promise users every one of them is a
 * real `Error` and satisfies `err instanceof VisgateError` (see `VisgateError[Symbol.hasInstance]`).
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const Details = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Fields every Visgate error carries. */
const common = {
  message: Schema.String,
  /** Machine-readable code: the server's `error` field, or one of ours (`TIMEOUT_ERROR`, ...). */
  errorCode: Schema.String,
  /** HTTP status, when the error came from an HTTP response. */
  statusCode: Schema.optional(Schema.Number),
  /** The server's `details` object (always an object, never null). */
  details: Schema.optionalWith(Details, { default: () => ({}) }),
  /** The server's request id (`X-Request-Id` header), when it sent one. */
  requestId: Schema.optional(Schema.String)
}

// WebhookVerificationError is listed by name (not registered by the loop below) so the Promise
// bundle, which never constructs it, can drop its class and keep only the tag.
const TAGS = new Set<string>(["VisgateError", "WebhookVerificationError"])

/**
 * Base class of the hierarchy, and the error for API failures that have no more specific
 * class (`errorCode` keeps the server's code, e.g. `MODEL_NOT_FOUND`, or `HTTP_<status>`).
 */
export class VisgateError extends Schema.TaggedError<VisgateError>()("VisgateError", common) {
  /** `err instanceof VisgateError` holds for every error of this SDK. */
  static override [Symbol.hasInstance](u: unknown): boolean {
    return isVisgateError(u)
  }
}

/** 401, or no credentials configured (raised before any request). */
export class AuthenticationError extends Schema.TaggedError<AuthenticationError>()("AuthenticationError", common) {}

/** 422 from the server, or an argument rejected before any request. `field` names the offending input. */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  ...common,
  field: Schema.optional(Schema.String)
}) {}

/** 429. `retryAfter` is in seconds, from the `Retry-After` header (seconds or HTTP date). */
export class RateLimitError extends Schema.TaggedError<RateLimitError>()("RateLimitError", {
  ...common,
  retryAfter: Schema.optional(Schema.Number)
}) {}

/** An upstream provider (Fal, Replicate, Runway, RunPod) failed: error code containing `PROVIDER`. */
export class ProviderError extends Schema.TaggedError<ProviderError>()("ProviderError", {
  ...common,
  provider: Schema.String
}) {}

/** An attempt took longer than `timeout` and every retry did too. */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  ...common,
  attempts: Schema.Number
}) {}

/** The request never got an HTTP response (DNS, refused, reset, CORS, ...). */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  ...common,
  attempts: Schema.Number
}) {}

/** A successful response whose body does not match the expected schema. `field` is the path that failed. */
export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  ...common,
  field: Schema.optional(Schema.String),
  /** `METHOD /path` of the request whose response failed to decode. */
  endpoint: Schema.String
}) {}

/** An async generation that ended in `failed` (carries the server's `error_message`). */
export class GenerationFailedError extends Schema.TaggedError<GenerationFailedError>()("GenerationFailedError", {
  ...common,
  requestId: Schema.String
}) {}

/**
 * An overall deadline (`timeout` of `wait`, `poll`, `watch`, `waitUntilReady`) passed before the
 * request or deployment reached a terminal status, or a caller-supplied schedule stopped first.
 * Distinct from {@link TimeoutError}, which is one HTTP call timing out on every attempt.
 * `errorCode` is `WAIT_TIMEOUT`.
 */
export class WaitTimeoutError extends Schema.TaggedError<WaitTimeoutError>()("WaitTimeoutError", {
  ...common,
  /** What was being waited on. */
  target: Schema.Literal("request", "deployment"),
  /** The request id or deployment id. */
  id: Schema.String,
  /** The deadline in ms (absent when a caller's schedule ended the polling). */
  timeoutMs: Schema.optional(Schema.Number),
  /** The last status seen, if any. */
  lastStatus: Schema.optional(Schema.String)
}) {}

/**
 * A deployment ended in `failed` or `deleted` while waiting for it to become ready.
 * `error` is the server's failure reason, when it gave one. `errorCode` is `DEPLOYMENT_FAILED`.
 */
export class DeploymentFailedError extends Schema.TaggedError<DeploymentFailedError>()("DeploymentFailedError", {
  ...common,
  deploymentId: Schema.String,
  status: Schema.String,
  error: Schema.optional(Schema.String)
}) {}

function webhookFields() {
  return {
    ...common,
    reason: Schema.Literal("missing_secret", "invalid_secret", "secret_not_configured", "body_too_large")
  }
}

/**
 * A webhook (`@visgate_ai/client/webhooks`) was refused before its payload was read: the
 * `X-Visgate-Internal-Secret` header is missing or wrong, no secret is configured on the
 * receiving side, or the body is over the size cap. `reason` says which; the message never
 * contains the expected or the received secret. `errorCode` is `WEBHOOK_VERIFICATION_FAILED`
 * (`WEBHOOK_BODY_TOO_LARGE` for the cap). Answer such a request with 401 (413 for the cap).
 */
export class WebhookVerificationError extends /* @__PURE__ */ Schema.TaggedError<WebhookVerificationError>()(
  "WebhookVerificationError",
  /* @__PURE__ */ webhookFields()
) {
  /** By `_tag` (see below); declared here, not in the loop, so the Promise bundle can drop the class. */
  static override [Symbol.hasInstance](u: unknown): boolean {
    return u instanceof Error && Predicate.hasProperty(u, "_tag") && u._tag === "WebhookVerificationError"
  }
}

/**
 * A download of a generated output (`client.download`, the `Downloads` service) failed.
 * `reason` says why; `errorCode` is `DOWNLOAD_<REASON>` (e.g. `DOWNLOAD_TOO_LARGE`):
 *
 * - `NoUrl`: the source has no output URL (a result still processing, or failed), or it is not http(s);
 * - `Status`: the media server answered with an HTTP error (`statusCode`);
 * - `ContentType`: the body is not an image or a video (`contentType`; `application/octet-stream`
 *   and a missing type are accepted, since storage buckets serve outputs that way);
 * - `TooLarge`: over `maxBytes` (from `Content-Length` before reading, or counted while streaming);
 * - `Network`: the connection failed or broke off mid-body;
 * - `File`: writing the output file failed (nothing is left behind: the temporary file is removed).
 */
export class DownloadError extends Schema.TaggedError<DownloadError>()("DownloadError", {
  ...common,
  reason: Schema.Literal("NoUrl", "Status", "ContentType", "TooLarge", "Network", "File"),
  /** The URL being downloaded, when there is one. */
  url: Schema.optional(Schema.String),
  /** The `Content-Type` the server sent. */
  contentType: Schema.optional(Schema.String),
  /** The limit that was exceeded (`TooLarge`). */
  maxBytes: Schema.optional(Schema.Number)
}) {}

// `instanceof` goes by `_tag`, not by prototype, so it holds across copies of this module (a
// bundled Promise entry beside the Effect entry, two installs of the package): `VisgateError`
// matches the whole family, each other class its own tag.
for (
  const cls of [
    AuthenticationError,
    ValidationError,
    RateLimitError,
    ProviderError,
    TimeoutError,
    ConnectionError,
    DecodeError,
    GenerationFailedError,
    WaitTimeoutError,
    DeploymentFailedError,
    DownloadError
  ]
) {
  const tag = cls._tag
  TAGS.add(tag)
  Object.defineProperty(cls, Symbol.hasInstance, {
    value: (u: unknown): boolean => u instanceof Error && Predicate.hasProperty(u, "_tag") && u._tag === tag
  })
}

/** Every error a Visgate call can fail with. */
export type VisgateApiError =
  | VisgateError
  | AuthenticationError
  | ValidationError
  | RateLimitError
  | ProviderError
  | TimeoutError
  | ConnectionError
  | DecodeError

/** Guard for any error of this SDK. */
export const isVisgateError = (
  u: unknown
): u is VisgateApiError | GenerationFailedError | WaitTimeoutError | DeploymentFailedError | WebhookVerificationError
  | DownloadError =>
  u instanceof Error && Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && TAGS.has(u._tag)

/**
 * What a cancelled Promise call rejects with (`err.name === "AbortError"`, like `fetch`).
 * Not a `VisgateError`: nothing went wrong on the API side.
 */
export class AbortError extends Error {
  override readonly name = "AbortError"
  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    super(message, options)
  }
}
