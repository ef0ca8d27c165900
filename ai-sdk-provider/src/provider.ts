/**
 * `createVisgate(settings)` and the default `visgate` provider instance.
 */
import {
  type EmbeddingModelV4,
  InvalidArgumentError,
  type LanguageModelV4,
  NoSuchModelError,
  type ProviderV4
} from "@ai-sdk/provider"
import { Client, type ClientOptions } from "@visgate_ai/client"
import type { ModelConfig } from "./config.js"
import { toAISDKError } from "./errors.js"
import { VisgateImageModel } from "./image-model.js"
import { VisgateVideoModel } from "./video-model.js"

/** `https://visgateai.com/api/v1`, the client's default base URL. */
const DEFAULT_BASE_URL = "https://visgateai.com/api/v1"

/**
 * Settings of `createVisgate`: the options of `new Client(options)` from `@visgate_ai/client`
 * (`apiKey` or `VISGATE_API_KEY`, `proxyUrl`, `getToken`, `baseUrl`, `timeout`, `maxRetries`, BYOK keys,
 * `fetch`, ...), or `client`, a client you already have.
 */
export interface VisgateProviderSettings extends ClientOptions {
  /**
   * Run on this client instead of creating one; the other options must then be left out, except
   * `fetch`, which then only downloads the generated images. The provider never closes a client it
   * was given.
   */
  readonly client?: Client | undefined
}

/** The Visgate provider: image and video models of the AI SDK. */
export interface VisgateProvider extends ProviderV4 {
  /** An image model for `generateImage`, e.g. `visgate.image("fal-ai/flux/schnell")`. */
  image(modelId: string): VisgateImageModel
  /** Same as `image`. */
  imageModel(modelId: string): VisgateImageModel
  /** A video model for `experimental_generateVideo`, e.g. `visgate.video("fal-ai/veo3")`. */
  video(modelId: string): VisgateVideoModel
  /** Same as `video`. */
  videoModel(modelId: string): VisgateVideoModel
  /** Visgate has no language models: throws `NoSuchModelError`. */
  languageModel(modelId: string): LanguageModelV4
  /** Visgate has no embedding models: throws `NoSuchModelError`. */
  embeddingModel(modelId: string): EmbeddingModelV4
  /**
   * The client the models run on (created on first use from the settings). Throws the AI SDK's
   * `LoadAPIKeyError` when there is neither an API key nor a `proxyUrl`.
   */
  readonly client: Client
  /** Closes the client this provider created (not one passed as `client`). Idempotent. */
  close(): Promise<void>
}

const clientOptionKeys = (settings: VisgateProviderSettings): Array<string> =>
  Object.entries(settings).filter(([k, v]) => k !== "client" && k !== "fetch" && v !== undefined).map(([k]) => k)

/**
 * Creates a Visgate provider.
 *
 * ```ts
 * import { createVisgate } from "@visgate_ai/ai-sdk-provider"
 * const visgate = createVisgate({ apiKey: process.env.VISGATE_API_KEY, maxRetries: 3 })
 * ```
 */
export const createVisgate = (settings: VisgateProviderSettings = {}): VisgateProvider => {
  const { client: given, ...clientOptions } = settings
  if (given !== undefined && clientOptionKeys(settings).length > 0) {
    throw new InvalidArgumentError({
      argument: "client",
      message: `Pass either client or client options, not both (also given: ${clientOptionKeys(settings).join(", ")})`
    })
  }
  let owned: Client | undefined
  const client = (): Client => {
    if (given !== undefined) return given
    if (owned === undefined) {
      try {
        owned = new Client(clientOptions)
      } catch (error) {
        throw toAISDKError(error, { url: base(), requestBodyValues: {} })
      }
    }
    return owned
  }
  const base = (): string => {
    if (given !== undefined) return ""
    const raw = clientOptions.proxyUrl ?? clientOptions.baseUrl ?? readEnv("VISGATE_BASE_URL") ?? DEFAULT_BASE_URL
    return raw.trim().replace(/\/+$/, "")
  }
  const config = (kind: "image" | "video"): ModelConfig => ({
    provider: `visgate.${kind}`,
    client,
    url: (path) => `${base()}${path}`,
    fetch: () => clientOptions.fetch ?? globalThis.fetch,
    now: () => new Date()
  })
  const image = (modelId: string) => new VisgateImageModel(modelId, config("image"))
  const video = (modelId: string) => new VisgateVideoModel(modelId, config("video"))
  return {
    specificationVersion: "v4",
    image,
    imageModel: image,
    video,
    videoModel: video,
    languageModel: (modelId: string): LanguageModelV4 => {
      throw new NoSuchModelError({ modelId, modelType: "languageModel" })
    },
    embeddingModel: (modelId: string): EmbeddingModelV4 => {
      throw new NoSuchModelError({ modelId, modelType: "embeddingModel" })
    },
    get client() {
      return client()
    },
    close: async () => {
      const c = owned
      if (c !== undefined) await c.close()
    }
  }
}

const readEnv = (name: string): string | undefined => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const value = env?.[name]
  return value !== undefined && value.trim() !== "" ? value : undefined
}

/**
 * The default provider: `VISGATE_API_KEY` (and `VISGATE_BASE_URL`) from the environment, read on
 * first use. For a browser app, use `createVisgate({ proxyUrl: "/api/visgate" })` instead.
 */
export const visgate: VisgateProvider = createVisgate()
