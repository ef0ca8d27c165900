import { createVisgate } from "@visgate_ai/ai-sdk-provider"
import { FakeVisgate } from "@visgate_ai/client/testing"
import { generateImage } from "ai"

const fake = new FakeVisgate()
const visgate = createVisgate({ apiKey: "vg-test-key", baseUrl: "http://fake.local/api/v1", fetch: fake.fetch })
const { image } = await generateImage({ model: visgate.image("fal-ai/flux/schnell"), prompt: "test" })
console.log(image.uint8Array.byteLength, fake.billedCount)
await visgate.close()
