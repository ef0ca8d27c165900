/**
 * The wire reference's example payloads (shared/api/visgate-api.md §6), copied here because
 * shared/ is not part of a clone. One copy, used by every test that decodes them.
 */

export const GENERATE_200 = {
  id: "gen-1",
  image_url: "https://img.test/1.png",
  images: ["https://img.test/1.png"],
  model: "fal-ai/flux/schnell",
  latency_ms: 1200,
  estimated_cost_usd: 0.003,
  cost_per_megapixel_usd: 0.005,
  resolution: { width: 1024, height: 1024 },
  provider: "fal",
  mode: "managed",
  created_at: "2026-01-01T00:00:00Z"
}
export const IMAGE_200 = {
  id: "img-1",
  images: ["https://img.test/a.png"],
  model: "flux",
  provider: "fal",
  latency_ms: 800,
  cache_hit: true,
  cost: 0.002,
  created_at: "2026-01-01T00:00:00Z"
}
export const VIDEO_200 = {
  id: "vid-1",
  video_url: "https://vid.test/v.mp4",
  model: "runway-gen3",
  provider: "runway",
  latency_ms: 15000,
  cache_hit: false,
  cost: 0.05,
  created_at: "2026-01-01T00:00:00Z"
}
export const ACCEPTED_202 = { request_id: "cbb9da31-6009-4a61-8909-935a6be36e0d", status: "pending" }
export const STATUS_200 = {
  request_id: "req-123",
  status: "completed",
  media_type: "video",
  provider: "fal",
  model: "fal-ai/veo3",
  output_url: "https://storage.example/v.mp4",
  error_message: null
}

// §6.14 deployment create (202) and §6.15 ready deployment.
export const DEPLOYMENT_CREATED_202 = {
  deployment_id: "dep_2026_400ea2c4",
  status: "accepted_cold",
  model_id: "stabilityai/sdxl-turbo",
  estimated_ready_seconds: 180,
  estimated_ready_at: "2026-03-04T10:03:00Z",
  poll_interval_seconds: 5,
  stream_url: "/v1/deployments/dep_2026_400ea2c4/stream",
  webhook_url: "https://httpbin.org/post",
  endpoint_url: null,
  path: "cold",
  created_at: "2026-03-04T10:00:00Z"
}
export const DEPLOYMENT_READY = {
  deployment_id: "dep_2026_ready123",
  status: "ready",
  hf_model_id: "black-forest-labs/FLUX.1-schnell",
  task: "text_to_image",
  runpod_endpoint_id: "endpoint_123",
  endpoint_url: "https://api.runpod.ai/v2/endpoint_123/run",
  gpu_allocated: "RTX A5000 24GB",
  model_vram_gb: 16,
  logs: [{ timestamp: "2026-03-08T10:01:00Z", level: "INFO", message: "Model loaded, deployment ready" }],
  error: null,
  estimated_remaining_seconds: 0,
  phase_durations: { total_elapsed_seconds: 60.0 },
  t_r2_sync_s: null,
  t_model_load_s: null,
  loaded_from_cache: null,
  created_at: "2026-03-08T10:00:00Z",
  ready_at: "2026-03-08T10:01:00Z"
}
