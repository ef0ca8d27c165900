/**
 * `@visgate_ai/client/webhooks`: verify and parse the Deploy API's outbound webhooks
 * (`deployment_ready`, `inference_job_<status>`) in any runtime: Node, browsers' service
 * workers, edge functions, Cloudflare Workers. Web-standard only, no Node imports; its own entry,
 * so the browser client does not carry it.
 *
 * ```ts
 * // Next.js route handler (app/api/visgate/webhook/route.ts)
 * import { unwrap, WebhookVerificationError } from "@visgate_ai/client/webhooks"
 *
 * export async function POST(request: Request) {
 *   const event = await unwrap(request, { secret: process.env.VISGATE_WEBHOOK_SECRET })
 *   if (event.event === "deployment_ready") console.log(event.deploymentId, event.endpointUrl)
 *   return new Response(null, { status: 204 })
 * }
 * ```
 *
 * Effect users: `Webhooks` from `@visgate_ai/client/effect`.
 *
 * @since 0.2.0
 */
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import { toPlain } from "./internal/plain.js"
import type { WebhookEvent } from "./schemas/Webhooks.js"
import * as Webhooks from "./services/Webhooks.js"

export {
  DecodeError,
  isVisgateError,
  ValidationError,
  VisgateError,
  WebhookVerificationError
} from "./schemas/Errors.js"
export {
  DEFAULT_WEBHOOK_MAX_BYTES,
  type DeploymentReadyEvent,
  type InferenceJobEvent,
  type InferenceJobEventName,
  type UnknownWebhookEvent,
  WEBHOOK_SECRET_HEADER,
  type WebhookEvent,
  type WebhookUsageExample
} from "./schemas/Webhooks.js"
export type { UnwrapOptions, WebhookError, WebhookHeaders, WebhookRawBody, WebhookSecret } from "./services/Webhooks.js"

const run = <A>(effect: Effect.Effect<A, Webhooks.WebhookError>): Promise<A> =>
  Runtime.runPromiseExit(Runtime.defaultRuntime)(effect).then((exit) => {
    if (Exit.isSuccess(exit)) return toPlain(exit.value)
    throw Cause.squash(exit.cause)
  })

/**
 * Verifies and parses a webhook delivered as a web `Request`: the `X-Visgate-Internal-Secret`
 * header (constant-time), then the body (read as a stream, refused past `maxBytes`, default
 * 1 MiB), then the JSON. Resolves with the event, discriminated by `event`; rejects with
 * `WebhookVerificationError` (answer 401, or 413 when `reason` is `body_too_large`),
 * `DecodeError` (naming the field; answer 400) or `ValidationError` (a bad option).
 */
export const unwrap = (request: Request, options: Webhooks.UnwrapOptions): Promise<WebhookEvent> =>
  run(Webhooks.unwrap(request, options))

/**
 * The same from a raw body (string, `Buffer`/`Uint8Array`, `ArrayBuffer`) and headers (Node's
 * `req.headers` or a `Headers`), for Node's `http`, Express (`express.raw({ type: "application/json" })`),
 * Fastify and friends. The body must be the bytes as received, not a parsed object.
 */
export const unwrapRaw = (
  body: Webhooks.WebhookRawBody,
  headers: Webhooks.WebhookHeaders,
  options: Webhooks.UnwrapOptions
): Promise<WebhookEvent> => run(Webhooks.unwrapRaw(body, headers, options))
