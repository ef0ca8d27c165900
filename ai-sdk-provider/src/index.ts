/**
 * `@visgate_ai/ai-sdk-provider`: the Visgate provider for the Vercel AI SDK (`ai`).
 *
 * ```ts
 * import { visgate } from "@visgate_ai/ai-sdk-provider"
 * import { generateImage } from "ai"
 *
 * const { image, providerMetadata } = await generateImage({
 *   model: visgate.image("fal-ai/flux/schnell"),
 *   prompt: "a lighthouse at dawn"
 * })
 * ```
 */
export { IMAGES_PER_REQUEST, MAX_IMAGES_PER_CALL, VisgateImageModel } from "./image-model.js"
export type {
  VisgateImageFileMetadata,
  VisgateImageMetadata,
  VisgateImageRequestMetadata,
  VisgateVideoMetadata
} from "./metadata.js"
export type { VisgateImageProviderOptions, VisgateVideoProviderOptions } from "./options.js"
export { createVisgate, visgate } from "./provider.js"
export type { VisgateProvider, VisgateProviderSettings } from "./provider.js"
export { VisgateVideoModel } from "./video-model.js"
