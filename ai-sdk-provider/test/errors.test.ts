/**
 * Failures through the real `generateImage`: the AI SDK's error types with the client's notion of
 * what is retryable, the client's own retries and Idempotency-Key, and the abort signal.
 */
import { APICallError, InvalidArgumentError, InvalidResponseDataError, LoadAPIKeyError, NoSuchModelError } from "@ai-sdk/provider"
import { generateImage } from "ai"
import { afterEach, describe, expect, it } from "vitest"
import { createVisgate } from "../src/index.js"
import { BASE_URL, IMAGE_MODEL, received, rejection, type Setup, setup, until } from "./helpers.js"

let current: Setup | undefined
const start = (...args: Parameters<typeof setup>): Setup => {
  current = setup(...args)
  return current
}
afterEach(async () => {
  await current?.visgate.close()
  current = undefined
})

const GENERATE = "POST /images/generate"
const URL = `${BASE_URL}/images/generate`

describe("errors as the AI SDK's types", () => {
  it("an unknown model: APICallError 404, not retryable, the server's code in data, no AI SDK retry", async () => {
    const { fake, visgate } = start()
    const error = await rejection(generateImage({ model: visgate.image("acme/unknown-model"), prompt: "x" }))
    expect(APICallError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({
      statusCode: 404,
      isRetryable: false,
      url: URL,
      requestBodyValues: { model: "acme/unknown-model", prompt: "x", numImages: 1 },
      data: { errorCode: "MODEL_NOT_FOUND", type: "VisgateError" }
    })
    expect(received(fake, GENERATE)).toHaveLength(1)
  })

  it("a provider failure (502): retryable APICallError naming the provider; the AI SDK retries it", async () => {
    const { fake, visgate } = start()
    const error = await rejection(
      generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "please fail", maxRetries: 0 })
    )
    expect(error).toMatchObject({
      statusCode: 502,
      isRetryable: true,
      data: { type: "ProviderError", provider: "fal", errorCode: "PROVIDER_FAILURE" }
    })
    expect(received(fake, GENERATE)).toHaveLength(1)
  })

  it("429: retryable, retry-after passed on; the AI SDK's retry reuses providerOptions.visgate.idempotencyKey", async () => {
    const { fake, visgate } = start()
    fake.faults.add({ route: GENERATE, times: 1, fault: { kind: "rateLimit", retryAfter: 0 } })
    const result = await generateImage({
      model: visgate.image(IMAGE_MODEL),
      prompt: "rate limited once",
      maxRetries: 1,
      providerOptions: { visgate: { idempotencyKey: "order-42" } }
    })
    expect(result.images).toHaveLength(1)
    expect(received(fake, GENERATE).map((r) => r.headers["idempotency-key"])).toEqual(["order-42", "order-42"])

    fake.faults.add({ route: GENERATE, times: 1, fault: { kind: "rateLimit", retryAfter: 7 } })
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", maxRetries: 0 }))
    expect(error).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      responseHeaders: { "retry-after": "7" },
      data: { type: "RateLimitError", retryAfter: 7 }
    })
  })

  it("runs on the client's retries: transient failures retried with one Idempotency-Key", async () => {
    const { fake, visgate } = start({ maxRetries: 2 })
    fake.faults.add({ route: GENERATE, times: 2, fault: { kind: "rateLimit", retryAfter: 0 } })
    const result = await generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "retried", maxRetries: 0 })
    expect(result.images).toHaveLength(1)
    const keys = received(fake, GENERATE).map((r) => r.headers["idempotency-key"])
    expect(keys).toHaveLength(3)
    expect(new Set(keys).size).toBe(1)
    expect(keys[0]).toMatch(/\S/)
    expect(fake.billedCount).toBe(1)
  })

  it("the idempotency-key header of the call is used as the Idempotency-Key", async () => {
    const { fake, visgate } = start()
    const result = await generateImage({
      model: visgate.image(IMAGE_MODEL),
      prompt: "keyed",
      headers: { "Idempotency-Key": "from-header" }
    })
    expect(result.warnings).toEqual([])
    expect(received(fake, GENERATE)[0]!.headers["idempotency-key"]).toBe("from-header")
  })

  it("a dropped connection: retryable APICallError without a status", async () => {
    const { fake, visgate } = start()
    fake.faults.add({ route: GENERATE, times: 1, fault: { kind: "reset" } })
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", maxRetries: 0 }))
    expect(APICallError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ isRetryable: true, data: { type: "ConnectionError" } })
    expect((error as APICallError).statusCode).toBeUndefined()
  })

  it("a bad key (401): APICallError, not retryable", async () => {
    const { visgate } = start({ apiKey: "vg-not-a-key" }, { acceptAnyVgKey: false })
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x" }))
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false, data: { type: "AuthenticationError" } })
  })

  it("no key at all: LoadAPIKeyError at the call, not at createVisgate", async () => {
    const saved = process.env.VISGATE_API_KEY
    delete process.env.VISGATE_API_KEY
    try {
      const visgate = createVisgate({ baseUrl: BASE_URL })
      const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x" }))
      expect(LoadAPIKeyError.isInstance(error)).toBe(true)
      expect((error as Error).message).toMatch(/VISGATE_API_KEY/)
    } finally {
      if (saved !== undefined) process.env.VISGATE_API_KEY = saved
    }
  })

  it("an argument the client rejects before sending: InvalidArgumentError naming it, no request", async () => {
    const { fake, visgate } = start()
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", seed: -1 }))
    expect(InvalidArgumentError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ argument: "seed" })
    const badSize = await rejection(
      generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", size: "1.5x2" as `${number}x${number}` })
    )
    expect(badSize).toMatchObject({ argument: "size" })
    expect(fake.requests).toHaveLength(0)
  })

  it("a malformed response: InvalidResponseDataError", async () => {
    const { fake, visgate } = start()
    fake.faults.add({ route: GENERATE, times: 1, fault: { status: 200, body: { images: "not a list" } } })
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", maxRetries: 0 }))
    expect(InvalidResponseDataError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ data: { endpoint: "POST /images/generate" } })
  })

  it("a failed image download: APICallError on the image URL with its status", async () => {
    const { fake, visgate } = start()
    fake.faults.add({ route: "GET /_fake/media/**", times: 1, fault: { status: 404 } })
    const error = await rejection(generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", maxRetries: 0 }))
    expect(error).toMatchObject({ statusCode: 404, isRetryable: false })
    expect((error as APICallError).url).toMatch(/\/_fake\/media\/img_.*\.png$/)
  })

  it("Visgate has no language or embedding models", () => {
    const visgate = createVisgate({ apiKey: "vg-x" })
    expect(() => visgate.languageModel("gpt")).toThrow(NoSuchModelError)
    expect(() => visgate.embeddingModel("e")).toThrow(NoSuchModelError)
  })
})

describe("abort signal", () => {
  it("an already aborted signal: AbortError, no request", async () => {
    const { fake, visgate } = start()
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", abortSignal: controller.signal })
    )
    expect((error as Error).name).toBe("AbortError")
    expect(fake.requests).toHaveLength(0)
  })

  it("aborting a request in flight rejects with AbortError and is not retried", async () => {
    const { fake, visgate } = start({ maxRetries: 2 })
    fake.faults.add({ route: GENERATE, times: 1, fault: { kind: "hang" } })
    const controller = new AbortController()
    const pending = rejection(
      generateImage({ model: visgate.image(IMAGE_MODEL), prompt: "x", abortSignal: controller.signal })
    )
    await until(() => received(fake, GENERATE).length === 1)
    controller.abort()
    const error = await pending
    expect((error as Error).name).toBe("AbortError")
    expect(received(fake, GENERATE)).toHaveLength(1)
  })
})
