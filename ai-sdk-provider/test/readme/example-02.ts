import { createVisgate } from "@visgate_ai/ai-sdk-provider"

const visgate = createVisgate({
  apiKey: process.env.VISGATE_API_KEY, // default: VISGATE_API_KEY
  timeout: 300_000, // per HTTP attempt, ms
  maxRetries: 3, // the client's retries of 429 / 5xx / network errors
  falKey: process.env.FAL_KEY // BYOK: falKey, replicateKey, runwayKey, runpodKey
})
