/**
 * A faithful fake of the Visgate API for tests, examples and demos: one stateful
 * implementation of the contract, reachable as a `fetch` function, as an Effect
 * `HttpClient` layer, and as a loopback HTTP server (`serve`, Node only, loaded lazily).
 */
export { catalog, type FakeModel, findModel } from "./catalog.js"
export { FakeVisgate, makeFakeVisgate, type ReceivedRequest } from "./FakeVisgate.js"
export {
  type Fault,
  type FaultBodyType,
  FaultController,
  type FaultKind,
  type FaultRule,
  type FaultRuleInfo
} from "./faults.js"
export { type FakeHttpClientOptions, layerHttpClient, makeHttpClient } from "./layer.js"
export { pictureSize, type PictureSpec, placeholderMp4, renderPng } from "./png.js"
export { FakeRateLimiter, type FakeRateLimitOptions } from "./rateLimit.js"
export { type FakeServer, serve, type ServeOptions } from "./serve.js"
export { type SseDriver, sseEvent, type SseSource } from "./sse.js"
export {
  defaultTimings,
  type DeploymentPhase,
  type FailureQuery,
  type FakeRequestContext,
  type FakeRequestRecord,
  type FakeTimings,
  type FakeTimingsInput,
  type FakeUsageTotals,
  type FakeVisgateOptions
} from "./types.js"
export { type FakeWebhookAttempt, type FakeWebhookDelivery } from "./webhooks.js"
