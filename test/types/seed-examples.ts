/**
 * The seed README's examples, verbatim: the core resources, then models, usage, billing,
 * providers and deployments. This file is type-checked by
 * `tsc -p tsconfig.json` (part of `npm test`) and never run: if an example stops compiling under
 * strict TypeScript, the test command fails.
 */
import {
  AsyncClient,
  AuthenticationError,
  Client,
  ProviderError,
  RateLimitError,
  ValidationError,
  VIDEO_MODEL_PRESETS,
  VisgateError
} from "@visgate_ai/client"

declare const auth: { currentUser?: { getIdToken(): Promise<string> } }

export async function quickStart() {
  const client = new Client() // reads VISGATE_API_KEY from env (Node)

  const result = await client.generate("a sunset over Istanbul")
  console.log(result.imageUrl, result.cost, result.provider)

  client.close()
}

export async function explicitKey() {
  const client = new Client({ apiKey: "vg-..." })
  const result = await client.generate("a sunset", { model: "fal-ai/flux/schnell" })
  console.log(result.imageUrl)
}

export function proxy() {
  const client = new Client({ proxyUrl: "/api/visgate" })
  // No apiKey needed — the proxy adds Authorization on the server
  return client
}

export function sessionAuth() {
  const client = new Client({
    proxyUrl: "/api/visgate",
    getToken: async () => (await auth.currentUser?.getIdToken()) ?? ""
  })
  return client
}

export function byok() {
  const client = new Client({
    apiKey: "vg-...",
    falKey: "fal_...",
    replicateKey: "r8_...",
    runwayKey: "rw_...",
    runpodKey: "rpa_..."
  })
  return client
}

export async function imageGeneration(client: Client) {
  {
    // Quick generation (unified POST /generate)
    const result = await client.generate("a cat in space", { model: "fal-ai/flux/schnell" })
    console.log(result.status, result.imageUrl, result.cost)
  }
  {
    // Full control (POST /images/generate) — matches API ImageGenerateRequest
    const result = await client.images.generate("fal-ai/flux/schnell", "a cat in space", {
      width: 1024,
      height: 1024,
      numImages: 1,
      negativePrompt: null,
      seed: null,
      imageUrl: null, // optional: input image for img2img
      preferCache: true, // use cache (exact or semantic match)
      maxLatencyMs: null, // optional: max acceptable latency (ms)
      webhookUrl: null, // optional: callback URL when done
      callbackId: null // optional: id in callback payload
    })
    // result: id, status, images, model, provider, cost, cacheHit, cacheSource?, latencyMs, savedAmount?, marginPercent?, createdAt
    console.log(
      result.id,
      result.status,
      result.images,
      result.model,
      result.provider,
      result.cost,
      result.cacheHit,
      result.cacheSource,
      result.latencyMs,
      result.savedAmount,
      result.marginPercent,
      result.createdAt
    )
  }
}

export async function videoGeneration() {
  const client = new Client({ proxyUrl: "/api/visgate", timeout: 300_000 })

  // Sync (wait for result; may hit proxy timeout on long videos)
  const syncResult = await client.videos.generate(VIDEO_MODEL_PRESETS.fal, "waves on a beach", {
    durationSeconds: 6,
    skipGcsUpload: true
  })
  console.log(syncResult.videoUrl, syncResult.cacheHit, syncResult.cost)

  // Async (recommended): returns 202, poll client.requests.get(requestId)
  const result = await client.videos.generate("fal-ai/veo3", "waves on a beach", {
    durationSeconds: 6,
    skipGcsUpload: true, // faster; return provider URL directly
    preferAsync: true, // avoids 502 — returns 202, poll client.requests.get(requestId)
    imageUrl: null, // optional: input image for img2vid (or use imageFile)
    webhookUrl: null, // optional: callback URL when done
    callbackId: null, // optional: id in callback payload
    params: {} // optional: extra provider params
  })
  if (result.status === "accepted") {
    let status = await client.requests.get(result.requestId)
    while (status.status === "pending" || status.status === "processing") {
      await new Promise((r) => setTimeout(r, 3000))
      status = await client.requests.get(result.requestId)
    }
    console.log(status.status, status.outputUrl)
  } else {
    console.log(result.videoUrl, result.cacheHit, result.status)
  }
}

export async function requestStatus(client: Client, result: { requestId: string }) {
  const status = await client.requests.get(result.requestId)
  // status: requestId, status ("pending" | "processing" | "completed" | "failed"),
  //         mediaType, provider, model, outputUrl, errorMessage, createdAt, completedAt
  console.log(
    status.requestId,
    status.status,
    status.mediaType,
    status.provider,
    status.model,
    status.outputUrl,
    status.errorMessage,
    status.createdAt,
    status.completedAt
  )
}

export async function modelDiscovery(client: Client) {
  const resp = await client.models.list({ provider: "fal", mediaType: "image", limit: 20 });
  for (const m of resp.models) console.log(m.id, m.name);

  const model = await client.models.get("fal-ai/flux/schnell");
  console.log(model)
}

export async function usageAndBilling(client: Client) {
  const usage = await client.usage.get("month");
  console.log(usage.totalRequests, usage.totalBilledCost, usage.cacheHitRate, usage.avgLatency, usage.history);

  const logs = await client.usage.logs({ limit: 50 });
  const dashboard = await client.usage.dashboard("week");

  // Track download event (POST /usage/downloads)
  await client.usage.trackDownload("request-id", "https://...", { mediaType: "image" });
  console.log(logs, dashboard)
}

export async function billing(client: Client) {
  const stats = await client.billing.getStats();       // public stats
  const info = await client.billing.getInfo();         // org billing info (tier, balance, etc.)
  const pricing = await client.billing.getPricing();  // model pricing list
  await client.billing.checkout(10, "https://...", { customerEmail: "..." });
  await client.billing.updateSubscription("starter");
  console.log(stats, info, pricing)
}

export async function providerManagement(client: Client) {
  const keys = await client.providers.listKeys();
  const balances = await client.providers.balances();
  console.log(keys, balances)
}

export async function deployments(client: Client) {
  // Create deployment from HuggingFace model
  const created = await client.deployments.create({
    hfModelId: "stabilityai/stable-diffusion-xl-base-1.0",
    gpuTier: "medium",
    task: "text2img",
  });

  // List deployments and select one
  const list = await client.deployments.list();
  const dep = list.deployments[0];

  // Get current status/details
  const detail = await client.deployments.get(dep.deploymentId);
  console.log(detail.status, detail.endpointUrl);

  // Run inference on ready deployment
  const run = await client.deployments.run(dep.deploymentId, {
    prompt: "cinematic cat portrait",
  });
  console.log(run);

  // Optional helpers
  const logs = await client.deployments.getLogs(dep.deploymentId);
  const cost = await client.deployments.getCost(dep.deploymentId);
  const gpus = await client.deployments.listGpus();
  console.log(created, logs, cost, gpus)
}

export async function healthCheck(client: Client) {
  const health = await client.health()
  console.log(health.status)
}

export async function errorHandling() {
  const client = new Client({ apiKey: "vg-..." })

  try {
    const result = await client.generate("a sunset")
    console.log(result)
  } catch (err) {
    if (err instanceof AuthenticationError) console.error("Invalid API key")
    else if (err instanceof RateLimitError) console.error("Rate limit", err.retryAfter)
    else if (err instanceof ProviderError) console.error("Provider error", err.provider)
    else if (err instanceof ValidationError) console.error("Validation", err.field)
    else if (err instanceof VisgateError) console.error(err.message, err.errorCode)
  }
}

export async function asyncClient() {
  const client = new AsyncClient()
  const result = await client.generate("a sunset")
  console.log(result)
}
