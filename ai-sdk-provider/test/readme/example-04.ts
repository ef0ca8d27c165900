import { visgate } from "@visgate_ai/ai-sdk-provider"
import { generateImage } from "ai"
import { writeFile } from "node:fs/promises"

const { image, providerMetadata } = await generateImage({
  model: visgate.image("fal-ai/flux/schnell"),
  prompt: "a lighthouse at dawn, oil painting",
  aspectRatio: "16:9",
  seed: 42
})
await writeFile("lighthouse.png", image.uint8Array)
console.log(image.mediaType, providerMetadata.visgate?.images)
