/**
 * A faithful fake of the Visgate API for tests, examples and demos: one stateful
 * implementation of the contract, reachable as a `fetch` function, as an Effect
 * `HttpClient` layer, and as a loopback HTTP server (`serve`, Node only, loaded lazily).
 */
export { FakeVisgate, makeFakeVisgate, type ReceivedRequest } from "./FakeVisgate.js"
export { catalog, findModel, type FakeModel } from "./catalog.js"
export {
  type Fault,
  type FaultBodyType,
  FaultController,
  type FaultKind,
  type FaultRule,
  type FaultRuleInfo
} from "./faults.js"
export { layerHttpClient, makeHttpClient, type FakeHttpClientOptions } from "./layer.js"
export { pictureSize, type PictureSpec, placeholderMp4, renderPng } from "./png.js"
export { serve, type ServeOptions, type FakeServer } from "./serve.js"
export { type FakeWebhookAttempt, type FakeWebhookDelivery } from "./webhooks.js"
export { type SseDriver, type SseSource, sseEvent } from "./sse.js"
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
