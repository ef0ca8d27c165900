import { visgate, type VisgateImageProviderOptions } from "@visgate_ai/ai-sdk-provider"
import { generateImage } from "ai"

const { images } = await generateImage({
  model: visgate.image("fal-ai/flux/dev"),
  prompt: "a red bicycle",
  n: 2,
  providerOptions: {
    visgate: {
      negativePrompt: "blurry",
      preferCache: false,
      params: { guidance_scale: 3.5, num_inference_steps: 28 },
      idempotencyKey: "order-1234"
    } satisfies VisgateImageProviderOptions
  }
})
