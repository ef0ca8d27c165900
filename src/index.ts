/**
 * `@visgate_ai/client`: the Promise client, error classes, presets and public types.
 * Effect users import `@visgate_ai/client/effect`; test helpers live in `@visgate_ai/client/testing`.
 *
 * @since 0.1.0
 */
export { AsyncClient, Client } from "./Client.js"
export type { ClientOptions } from "./Client.js"
export type { ApiKeysResource, AuthResource } from "./client/Account.js"
export type { BatchProgress, BatchRunOptions } from "./client/batch.js"
export type { BillingResource } from "./client/Billing.js"
export type { DeploymentProgress, DeploymentsResource, DeploymentsWatchResource } from "./client/Deployments.js"
export type { ClientDownloadOptions, DownloadFunction } from "./client/Downloads.js"
export type {
  BatchMethods,
  GenerationResource,
  ImagesResource,
  VideoBatchOptions,
  VideosResource
} from "./client/Generation.js"
export type { JobCreateAndWaitOptions, JobsResource, JobWaitOptions } from "./client/Jobs.js"
export type { ClientLogger, ClientLogLevel } from "./client/logLevel.js"
export type { ModelsResource } from "./client/Models.js"
export type { PollSchedule, RequestOptions, WaitOptions, WatchOptions } from "./client/options.js"
export type { ProvidersResource } from "./client/Providers.js"
export type { RequestProgress, RequestsResource } from "./client/Requests.js"
export type { UsageResource } from "./client/Usage.js"
export { VIDEO_MODEL_PRESETS } from "./presets.js"
export type { VideoModelProvider } from "./presets.js"
export type { ApiKeyInfo, Me, Organization } from "./schemas/Account.js"
export type {
  BillingInfo,
  BillingPricing,
  BillingStats,
  CheckoutSession,
  SubscriptionUpdate
} from "./schemas/Billing.js"
export type {
  Deployment,
  DeploymentCost,
  DeploymentCreated,
  DeploymentList,
  DeploymentLogEntry,
  DeploymentStatus,
  /** Same as `DeploymentStatus` (the name the watch helpers used first). */
  DeploymentStatus as DeploymentStatusValue,
  GpuList,
  GpuType
} from "./schemas/Deployments.js"
export type { DeploymentLogLine, DeploymentState } from "./schemas/DeploymentWatch.js"
export {
  AbortError,
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
  WaitTimeoutError
} from "./schemas/Errors.js"
export type { VisgateApiError } from "./schemas/Errors.js"
export type { GenerateResult, Resolution } from "./schemas/Generate.js"
export type { HealthStatus } from "./schemas/Health.js"
export type { ImageResult } from "./schemas/Images.js"
export type {
  InferenceJob,
  InferenceJobList,
  InferenceJobStatus,
  JobArtifact,
  JobMetrics,
  OutputDestination
} from "./schemas/InferenceJobs.js"
export type {
  FeaturedSection,
  MediaType,
  ModelInfo,
  ModelProvider,
  ModelSort,
  ModelsResponse
} from "./schemas/Models.js"
export type { Progress } from "./schemas/Polling.js"
export type {
  KeyValidation,
  ProviderBalance,
  ProviderBalances,
  ProviderKeyDeleted,
  ProviderKeyInfo,
  ProviderKeys,
  ProviderName
} from "./schemas/Providers.js"
export type { AcceptedResult, RequestStatus, RequestStatusValue, ResultStatus } from "./schemas/Requests.js"
export type { DashboardSummary, UsageLogEntry, UsagePeriod, UsageSummary } from "./schemas/Usage.js"
export type { VideoResult } from "./schemas/Videos.js"
export type { BatchEntry, BatchError, BatchItem } from "./services/Batch.js"
export type { CheckoutOptions } from "./services/Billing.js"
export type { CallOptions, ResponseInfo } from "./services/CallOptions.js"
export type {
  CreateDeploymentOptions,
  DeploymentTask,
  GpuTier,
  ListDeploymentsOptions
} from "./services/Deployments.js"
export type {
  DownloadedBytes,
  DownloadedFile,
  DownloadOptions,
  DownloadProgress,
  DownloadSource
} from "./services/Downloads.js"
export type { GenerateOptions } from "./services/Generate.js"
export type { ImageFile } from "./services/Generation.js"
export type { ImageBatchItem, ImageGenerateOptions } from "./services/Images.js"
export type { CreateJobOptions, JobPolicy, JobProgress, ListJobsOptions } from "./services/InferenceJobs.js"
export type { IterateModelsOptions, ListModelsOptions, SearchModelsOptions } from "./services/Models.js"
export type { TrackDownloadOptions, UsageLogsOptions } from "./services/Usage.js"
export type { VideoBatchItem, VideoGenerateOptions } from "./services/Videos.js"
export type { Secret, VisgateClientOptions } from "./services/VisgateConfig.js"
