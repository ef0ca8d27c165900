import { visgate, type VisgateImageMetadata } from "@visgate_ai/ai-sdk-provider"
import { generateImage } from "ai"

const result = await generateImage({ model: visgate.image("fal-ai/flux/schnell"), prompt: "a fox", n: 6 })

// Per image (also on each file: result.images[i].providerMetadata?.visgate):
// { url, requestId, provider, cacheHit, cacheSource? }
console.log(result.providerMetadata.visgate?.images)

// Per model call: cost (USD, summed over the call's requests), cacheHit (every request a hit),
// requestId, provider, model, status, latencyMs, savedAmount, ...; `requests` when the call took several.
const calls = result.calls.map((call) => call.providerMetadata?.visgate as VisgateImageMetadata | undefined)
const cost = calls.reduce((sum, meta) => sum + (meta?.cost ?? 0), 0)
console.log(cost, calls[0]?.provider, calls[0]?.cacheHit)
