/**
 * `@visgate_ai/client`: the Promise client, error classes, presets and public types.
 * Effect users import `@visgate_ai/client/effect`; test helpers live in `@visgate_ai/client/testing`.
 *
 * @since 0.1.0
 */
export { AsyncClient, Client } from "./Client.js"
export type {
  ClientOptions,
  DeploymentProgress,
  DeploymentsWatchResource,
  ImagesResource,
  RequestOptions,
  RequestProgress,
  RequestsResource,
  VideosResource,
  WaitOptions,
  WatchOptions
} from "./Client.js"
export { VIDEO_MODEL_PRESETS } from "./presets.js"
export type { VideoModelProvider } from "./presets.js"
export {
  AbortError,
  AuthenticationError,
  ConnectionError,
  DecodeError,
  DeploymentFailedError,
  GenerationFailedError,
  isVisgateError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  VisgateError,
  WaitTimeoutError
} from "./schemas/Errors.js"
export type { VisgateApiError } from "./schemas/Errors.js"
export type { GenerateOptions, GenerateResult, Resolution } from "./schemas/Generate.js"
export type { HealthStatus } from "./schemas/Health.js"
export type { ImageResult } from "./schemas/Images.js"
export type { AcceptedResult, RequestStatus, RequestStatusValue, ResultStatus } from "./schemas/Requests.js"
export type { VideoResult } from "./schemas/Videos.js"
export type { ImageGenerateOptions } from "./services/Images.js"
export type { VideoGenerateOptions } from "./services/Videos.js"
export type { Secret, VisgateClientOptions } from "./services/VisgateConfig.js"
export type { ImageFile } from "./internal/imageFile.js"
export type { Progress } from "./internal/poll.js"
export type { DeploymentLogLine, DeploymentState, DeploymentStatusValue } from "./schemas/DeploymentWatch.js"
