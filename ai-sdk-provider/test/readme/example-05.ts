import { visgate } from "@visgate_ai/ai-sdk-provider"
import { experimental_generateVideo as generateVideo } from "ai"

const { video } = await generateVideo({
  model: visgate.video("fal-ai/veo3"),
  prompt: "waves on a beach at sunset",
  duration: 6,
  providerOptions: { visgate: { skipGcsUpload: true } }
})
console.log(video.mediaType, video.uint8Array.byteLength)
