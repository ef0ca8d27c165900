/**
 * `@visgate_ai/client/effect`: the Effect services, layers, wire schemas and errors.
 *
 * ```ts
 * import { Images, VisgateLayer } from "@visgate_ai/client/effect"
 * const program = Effect.flatMap(Images.Images, (images) => images.generate("fal-ai/flux/schnell", "a cat"))
 * program.pipe(Effect.provide(VisgateLayer.layerFetch({ apiKey })), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import "./internal/effectVersion.js" // first: fails at once on an unsupported effect
export * as VisgateConfig from "./services/VisgateConfig.js"
export * as VisgateClient from "./services/VisgateClient.js"
export * as RetryPolicy from "./services/RetryPolicy.js"
export * as CallOptions from "./services/CallOptions.js"
export * as ErrorMapping from "./services/ErrorMapping.js"
export * as Generate from "./services/Generate.js"
export * as Images from "./services/Images.js"
export * as Videos from "./services/Videos.js"
export * as Generation from "./services/Generation.js"
export * as Batch from "./services/Batch.js"
export * as FlowControl from "./services/FlowControl.js"
export * as Requests from "./services/Requests.js"
export * as Health from "./services/Health.js"
export * as Models from "./services/Models.js"
export * as Usage from "./services/Usage.js"
export * as Billing from "./services/Billing.js"
export * as Providers from "./services/Providers.js"
export * as Deployments from "./services/Deployments.js"
export * as Account from "./services/Account.js"
export * as DeploymentWatch from "./services/DeploymentWatch.js"
export * as InferenceJobs from "./services/InferenceJobs.js"
export * as Webhooks from "./services/Webhooks.js"
export * as Downloads from "./services/Downloads.js"
export * as VisgateLayer from "./layers/VisgateLayer.js"
export * as Errors from "./schemas/Errors.js"
export * as GenerateSchemas from "./schemas/Generate.js"
export * as ImageSchemas from "./schemas/Images.js"
export * as VideoSchemas from "./schemas/Videos.js"
export * as RequestSchemas from "./schemas/Requests.js"
export * as HealthSchemas from "./schemas/Health.js"
export * as ModelSchemas from "./schemas/Models.js"
export * as UsageSchemas from "./schemas/Usage.js"
export * as BillingSchemas from "./schemas/Billing.js"
export * as ProviderSchemas from "./schemas/Providers.js"
export * as DeploymentSchemas from "./schemas/Deployments.js"
export * as AccountSchemas from "./schemas/Account.js"
export * as DeploymentWatchSchemas from "./schemas/DeploymentWatch.js"
export * as InferenceJobSchemas from "./schemas/InferenceJobs.js"
export * as WebhookSchemas from "./schemas/Webhooks.js"
export {
  AuthenticationError,
  ConnectionError,
  DecodeError,
  DeploymentFailedError,
  DownloadError,
  GenerationFailedError,
  isVisgateError,
  JobFailedError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  VisgateError,
  WaitTimeoutError,
  WebhookVerificationError
} from "./schemas/Errors.js"
export type { VisgateApiError } from "./schemas/Errors.js"
export { VIDEO_MODEL_PRESETS } from "./presets.js"
