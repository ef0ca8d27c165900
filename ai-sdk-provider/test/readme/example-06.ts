import { visgate } from "@visgate_ai/ai-sdk-provider"
import { experimental_getVideoStatus as getVideoStatus, experimental_startVideo as startVideo } from "ai"

const { operation } = await startVideo({ model: visgate.video("fal-ai/veo3"), prompt: "a paper boat" })
// ... store `operation`, then later:
const status = await getVideoStatus(visgate.video("fal-ai/veo3"), { operation })
if (status.status === "completed") console.log(status.videos)
