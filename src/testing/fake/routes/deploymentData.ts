/**
 * Deployment vocabulary and tables of the fake (Deploy API, §3 of the reference): phases,
 * task aliases, the GPU list and tier names, the `Deployment` record and small lookups shared
 * by the deployment and inference-job routes.
 *
 * @internal
 */
import { errorResponse, fail, notFound } from "../http.js"
import { hashHex } from "../random.js"
import type { RouteContext } from "../router.js"
import type { DeploymentPhase } from "../types.js"

export type DeploymentStatus = DeploymentPhase | "ready" | "failed" | "deleted"

export const PHASES: ReadonlyArray<DeploymentPhase> = [
  "validating",
  "selecting_gpu",
  "creating_endpoint",
  "downloading_model",
  "loading_model"
]
/** A status stream and a log stream end after these. */
export const TERMINAL = new Set<string>(["ready", "failed", "webhook_failed", "deleted"])

/** `estimated_remaining_seconds` per status. */
export const REMAINING: Record<string, number> = {
  validating: 20,
  selecting_gpu: 15,
  creating_endpoint: 120,
  downloading_model: 90,
  loading_model: 45,
  ready: 0,
  failed: 0,
  webhook_failed: 0,
  deleted: 0
}

const TASK_ALIASES: Record<string, ReadonlyArray<string>> = {
  text_to_image: ["text2img", "txt2img", "text-to-image"],
  image_to_image: ["image2img", "img2img", "image-to-image"],
  text_to_video: ["text2video", "txt2video", "text-to-video"],
  video_to_video: ["video2video", "vid2vid", "video-to-video"],
  video_edit: ["prompt_video_to_video", "prompt+video-to-video", "video-edit"],
  text_to_speech: ["text2speech", "text2audio", "prompt-to-voice", "prompt_to_voice", "text-to-speech"],
  speech_to_text: ["speech2text", "audio2text", "speech-to-text"],
  audio_to_audio: ["audio2audio", "audio-to-audio"]
}

/** Canonical task name for a task or alias, or undefined. */
export const normalizeTask = (task: string): string | undefined => {
  const t = task.trim().toLowerCase().replace(/ /g, "_")
  if (t in TASK_ALIASES) return t
  for (const [canonical, aliases] of Object.entries(TASK_ALIASES)) if (aliases.includes(t)) return canonical
  return undefined
}

export interface GpuType {
  readonly id: string
  readonly display_name: string
  readonly memory_gb: number
  readonly secure_cloud: boolean
  readonly community_cloud: boolean
  readonly bid_price_per_hr: number | null
  readonly price_per_hr: number | null
}

const gpu = (id: string, display_name: string, memory_gb: number, bid: number, price: number): GpuType => ({
  id,
  display_name,
  memory_gb,
  secure_cloud: true,
  community_cloud: true,
  bid_price_per_hr: bid,
  price_per_hr: price
})

/** GPU list, sorted by memory then secure price (like the Deploy API). */
export const GPUS: ReadonlyArray<GpuType> = [
  gpu("NVIDIA RTX A4000", "RTX A4000 16GB", 16, 0.17, 0.32),
  gpu("NVIDIA GeForce RTX 3090", "RTX 3090 24GB", 24, 0.22, 0.43),
  gpu("NVIDIA GeForce RTX 4090", "RTX 4090 24GB", 24, 0.34, 0.69),
  gpu("NVIDIA RTX A5000", "RTX A5000 24GB", 24, 0.5, 0.7),
  gpu("NVIDIA A40", "A40 48GB", 48, 0.35, 0.44),
  gpu("NVIDIA RTX A6000", "RTX A6000 48GB", 48, 0.33, 0.76),
  gpu("NVIDIA L40S", "L40S 48GB", 48, 0.79, 0.86),
  gpu("NVIDIA A100 80GB PCIe", "A100 80GB", 80, 1.19, 1.64),
  gpu("NVIDIA H100 80GB HBM3", "H100 80GB", 80, 2.39, 2.99)
].sort((a, b) => a.memory_gb - b.memory_gb || (a.price_per_hr ?? 0) - (b.price_per_hr ?? 0))

const TIER_GPU: Record<string, string> = {
  ECONOMY: "RTX A4000 16GB",
  STANDARD: "RTX A5000 24GB",
  PRO: "RTX A6000 48GB",
  ULTIMATE: "H100 80GB",
  A4000: "RTX A4000 16GB",
  "3090": "RTX 3090 24GB",
  "4090": "RTX 4090 24GB",
  A5000: "RTX A5000 24GB",
  A6000: "RTX A6000 48GB",
  A40: "A40 48GB",
  L40S: "L40S 48GB",
  A100: "A100 80GB",
  H100: "H100 80GB"
}

/** The GPU(s) for a tier name, else the three cheapest with `vramGb` of memory. */
export const allocateGpu = (tier: string | null, vramGb: number): string => {
  const named = tier ? TIER_GPU[tier.toUpperCase()] : undefined
  if (named) return named
  return GPUS.filter((g) => g.memory_gb >= vramGb)
    .slice()
    .sort((a, b) => (a.bid_price_per_hr ?? 99) - (b.bid_price_per_hr ?? 99))
    .slice(0, 3)
    .map((g) => g.display_name)
    .join(", ")
}

/** Hourly price of the first allocated GPU, or null when it is not in `GPUS`. */
export const gpuPriceOf = (gpuAllocated: string): number | null => {
  const first = gpuAllocated.split(",")[0]!.trim()
  const g = GPUS.find((x) =>
    x.display_name === first || first.includes(x.display_name) || x.display_name.includes(first)
  )
  return g ? g.bid_price_per_hr ?? g.price_per_hr : null
}

export interface Transition {
  readonly status: DeploymentStatus
  readonly at: number
}

export interface LogEntry {
  readonly at: number
  readonly level: "INFO" | "WARNING" | "ERROR"
  readonly message: string
}

export interface Deployment {
  readonly id: string
  readonly owner: string
  readonly hfModelId: string
  readonly task: string
  readonly gpuTier: string | null
  readonly provider: string
  readonly webhookUrl: string | null
  readonly createdAt: number
  readonly path: "cold" | "warm"
  readonly fails: boolean
  readonly vramGb: number
  readonly gpuAllocated: string
  readonly endpointId: string
  readonly history: Array<Transition>
  readonly logs: Array<LogEntry>
  /** scheduled transitions not yet reached */
  schedule: Array<Transition>
  /** set when the ready webhook failed every attempt (the deployment stays `ready`) */
  webhookError: string | null
}

export const statusOf = (dep: Deployment): DeploymentStatus =>
  dep.history[dep.history.length - 1]?.status ?? "validating"

/** The RunPod endpoint's `/run` URL. */
export const runUrl = (dep: Deployment): string => `https://api.runpod.ai/v2/${dep.endpointId}/run`

/** The owner of deployments and jobs: a hash of the RunPod key, or a 401 `UNAUTHORIZED` without one. */
export const runpodOwner = (ctx: RouteContext): string => {
  const key = ctx.headers.get("x-runpod-key") || ctx.headers.get("x-runpod-api-key")
  if (!key) {
    return fail(errorResponse(401, "UNAUTHORIZED", "Missing or invalid Runpod API key (send X-Runpod-Key)"))
  }
  return hashHex(`runpod:${key}`, 16)
}

/** The deployment `id` of `owner`, or a 404 `DEPLOYMENT_NOT_FOUND`. */
export const findDeployment = (
  deployments: ReadonlyMap<string, Deployment>,
  id: string,
  owner: string
): Deployment => {
  const dep = deployments.get(id)
  if (!dep || dep.owner !== owner) {
    return fail(notFound("DEPLOYMENT_NOT_FOUND", `Deployment not found: ${id}`, { deployment_id: id }))
  }
  return dep
}
