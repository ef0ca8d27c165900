import { APICallError } from "@ai-sdk/provider"
import { visgate } from "@visgate_ai/ai-sdk-provider"
import { generateImage } from "ai"

try {
  await generateImage({ model: visgate.image("fal-ai/flux/schnell"), prompt: "a sunset" })
} catch (error) {
  if (APICallError.isInstance(error)) console.error(error.statusCode, error.isRetryable, error.data)
  else throw error
}
