import { inspect } from "node:util"
import { afterEach, describe, expect, it, vi } from "vitest"
import {
  AbortError,
  AsyncClient,
  AuthenticationError,
  Client,
  ConnectionError,
  DecodeError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  VIDEO_MODEL_PRESETS,
  VisgateError
} from "../src/index.js"
import { resetBrowserWarning } from "../src/services/VisgateConfig.js"

const KEY = "vg-super-secret-key-123"

interface Call {
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly body: string | undefined
  readonly signal: AbortSignal | undefined
}

/** A custom fetch that records calls and answers from a handler. */
const recordingFetch = (handler: (call: Call, index: number) => Response | Promise<Response>) => {
  const calls: Array<Call> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = init?.body === undefined || init.body === null
      ? undefined
      : typeof init.body === "string"
      ? init.body
      : new TextDecoder().decode(init.body as Uint8Array)
    const call: Call = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers as HeadersInit),
      body,
      signal: init?.signal ?? undefined
    }
    calls.push(call)
    return handler(call, calls.length - 1)
  }
  return { calls, fetch: fetch as typeof globalThis.fetch }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const IMAGE = { id: "img-1", images: ["https://img.test/a.png"], model: "flux", provider: "fal", cost: 0.002 }

afterEach(() => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe("Client configuration", () => {
  it("reads VISGATE_API_KEY and VISGATE_BASE_URL from the environment", async () => {
    vi.stubEnv("VISGATE_API_KEY", KEY)
    vi.stubEnv("VISGATE_BASE_URL", "http://env.test/api/v1/")
    const { calls, fetch } = recordingFetch(() => json({ status: "ok" }))
    const client = new Client({ fetch })
    await client.health()
    expect(calls[0]!.url).toBe("http://env.test/api/v1/health")
    expect(calls[0]!.headers.get("authorization")).toBe(`Bearer ${KEY}`)
    await client.close()
  })

  it("throws AuthenticationError before any request without a key or proxyUrl, saying how to set one", () => {
    vi.stubEnv("VISGATE_API_KEY", "")
    const { calls, fetch } = recordingFetch(() => json({}))
    let error: unknown
    try {
      new Client({ fetch })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toBeInstanceOf(VisgateError)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain("VISGATE_API_KEY")
    expect((error as Error).message).toContain("proxyUrl")
    expect(calls).toHaveLength(0)
  })

  it("rejects invalid options with ValidationError naming the option", () => {
    expect(() => new Client({ apiKey: KEY, timeout: -1 })).toThrow(ValidationError)
    expect(() => new Client({ apiKey: KEY, maxRetries: 1.5 })).toThrow(/maxRetries/)
    try {
      new Client({ apiKey: KEY, timeout: 0 })
    } catch (e) {
      expect((e as ValidationError).field).toBe("timeout")
    }
  })

  it("with proxyUrl needs no key and never sends a key or BYOK header; getToken per request", async () => {
    vi.stubEnv("VISGATE_API_KEY", KEY)
    const { calls, fetch } = recordingFetch(() => json({ status: "ok" }))
    let n = 0
    const client = new Client({
      proxyUrl: "http://app.test/api/visgate",
      falKey: "fal_secret",
      fetch,
      getToken: async () => `session-${++n}`
    })
    await client.health()
    await client.health()
    expect(calls.map((c) => c.url)).toEqual([
      "http://app.test/api/visgate/health",
      "http://app.test/api/visgate/health"
    ])
    expect(calls.map((c) => c.headers.get("authorization"))).toEqual(["Bearer session-1", "Bearer session-2"])
    for (const c of calls) {
      expect(c.headers.get("x-fal-key")).toBeNull()
      expect([...c.headers.values()].join(" ")).not.toContain(KEY)
    }
    await client.close()
  })

  it("warns once when a raw key is used in a browser", async () => {
    resetBrowserWarning()
    vi.stubGlobal("window", {})
    vi.stubGlobal("document", {})
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    const { calls, fetch } = recordingFetch(() => json({ status: "ok" }))
    const a = new Client({ apiKey: KEY, fetch })
    const b = new Client({ apiKey: KEY, fetch })
    new Client({ proxyUrl: "http://app.test/p", fetch })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain("proxy")
    expect(String(warn.mock.calls[0]![0])).not.toContain(KEY)
    await a.health()
    // no User-Agent in a browser
    expect(calls[0]!.headers.get("user-agent")).toBeNull()
    await a.close()
    await b.close()
    resetBrowserWarning()
  })
})

describe("Client calls", () => {
  it("has no tracing option: a stray one from untyped code is ignored (no span, no trace header)", async () => {
    const { calls, fetch } = recordingFetch(() => json({ status: "ok" }))
    const untyped = { apiKey: KEY, fetch, tracing: true } as ConstructorParameters<typeof Client>[0]
    const client = new Client(untyped)
    await client.health()
    expect(calls).toHaveLength(1)
    expect(calls[0]!.headers.get("traceparent")).toBeNull()
    expect(calls[0]!.headers.get("b3")).toBeNull()
    await client.close()
  })

  it("returns plain objects with the seed's field names", async () => {
    const { calls, fetch } = recordingFetch((call) =>
      call.url.endsWith("/generate") && !call.url.includes("images")
        ? json({
          id: "g-1",
          image_url: "https://img.test/1.png",
          model: "fal-ai/flux/schnell",
          estimated_cost_usd: 0.003,
          provider: "fal"
        })
        : json(IMAGE)
    )
    const client = new Client({ apiKey: KEY, fetch })
    const result = await client.generate("a sunset", { model: "fal-ai/flux/schnell" })
    expect(result).toEqual({
      id: "g-1",
      status: "completed",
      imageUrl: "https://img.test/1.png",
      images: [],
      model: "fal-ai/flux/schnell",
      provider: "fal",
      cost: 0.003,
      costPerMegapixelUsd: 0,
      latencyMs: 0
    })
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    const image = await client.images.generate("fal-ai/flux/schnell", "a cat in space", { width: 1024, seed: null })
    expect(Object.getPrototypeOf(image)).toBe(Object.prototype)
    expect(structuredClone(image)).toEqual(image)
    expect(JSON.parse(calls[1]!.body!)).toEqual({
      model: "fal-ai/flux/schnell",
      prompt: "a cat in space",
      width: 1024,
      height: 1024,
      num_images: 1
    })
    await client.close()
  })

  it("videos async flow from the seed: 202 -> accepted, then requests.get", async () => {
    const { calls, fetch } = recordingFetch((call) =>
      call.url.includes("/videos/generate")
        ? json({ request_id: "req-1", status: "pending" }, 202)
        : json({ request_id: "req-1", status: "completed", output_url: "https://v.test/v.mp4" })
    )
    const client = new Client({ apiKey: KEY, fetch, timeout: 300_000 })
    const result = await client.videos.generate(VIDEO_MODEL_PRESETS.fal, "waves on a beach", {
      durationSeconds: 6,
      skipGcsUpload: true,
      preferAsync: true,
      imageUrl: null,
      webhookUrl: null,
      callbackId: null,
      params: {}
    })
    expect(result).toEqual({ status: "accepted", requestId: "req-1" })
    expect(calls[0]!.headers.get("prefer")).toBe("respond-async")
    if (result.status !== "accepted") throw new Error("expected accepted")
    const status = await client.requests.get(result.requestId)
    expect(status).toMatchObject({ requestId: "req-1", status: "completed", outputUrl: "https://v.test/v.mp4" })
    await client.close()
  })

  it("rejects with our error classes themselves, never a FiberFailure", async () => {
    const replies: Array<() => Response> = [
      () => json({ error: "UNAUTHORIZED", message: "bad key" }, 401),
      () => json({ error: "RATE_LIMIT_EXCEEDED", message: "slow" }, 429, { "retry-after": "3" }),
      () => json({ error: "PROVIDER_FAILURE", message: "Fal timed out", details: { provider: "fal" } }, 502),
      () => json({ message: "Invalid prompt", details: { field: "prompt" } }, 422),
      () => json({ error: "MODEL_NOT_FOUND", message: "no such model" }, 404),
      () => json({ nope: true })
    ]
    let i = 0
    const { fetch } = recordingFetch(() => replies[i]!())
    const client = new Client({ apiKey: KEY, fetch, maxRetries: 0 })
    const errors: Array<unknown> = []
    for (i = 0; i < replies.length; i++) {
      errors.push(await client.images.generate("m", "p").catch((e: unknown) => e))
    }
    const [auth, rate, provider, validation, other, decode] = errors
    expect(auth).toBeInstanceOf(AuthenticationError)
    expect(rate).toBeInstanceOf(RateLimitError)
    expect((rate as RateLimitError).retryAfter).toBe(3)
    expect(provider).toBeInstanceOf(ProviderError)
    expect((provider as ProviderError).provider).toBe("fal")
    expect(validation).toBeInstanceOf(ValidationError)
    expect((validation as ValidationError).field).toBe("prompt")
    expect(other).toBeInstanceOf(VisgateError)
    expect((other as VisgateError).errorCode).toBe("MODEL_NOT_FOUND")
    expect(decode).toBeInstanceOf(DecodeError)
    for (const e of errors) {
      expect(e).toBeInstanceOf(VisgateError)
      expect(e).toBeInstanceOf(Error)
      expect((e as Error).name).not.toMatch(/FiberFailure/)
      expect(String(e)).not.toContain("FiberFailure")
    }
    await client.close()
  })

  it("TimeoutError and ConnectionError from the transport", async () => {
    const hang = recordingFetch((call) =>
      new Promise<Response>((_, reject) =>
        call.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))
      )
    )
    const slow = new Client({ apiKey: KEY, fetch: hang.fetch, timeout: 50, maxRetries: 0 })
    const timeout = await slow.health().catch((e: unknown) => e)
    expect(timeout).toBeInstanceOf(TimeoutError)
    expect(hang.calls[0]!.signal?.aborted).toBe(true)
    await slow.close()
    const down = recordingFetch(() => Promise.reject(new TypeError("fetch failed")))
    const client = new Client({ apiKey: KEY, fetch: down.fetch, maxRetries: 0 })
    const conn = await client.health().catch((e: unknown) => e)
    expect(conn).toBeInstanceOf(ConnectionError)
    expect((conn as ConnectionError).message).toContain("fetch failed")
    await client.close()
  })

  it("an AbortSignal cancels the request and rejects promptly with AbortError", async () => {
    const hang = recordingFetch((call) =>
      new Promise<Response>((_, reject) =>
        call.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))
      )
    )
    const client = new Client({ apiKey: KEY, fetch: hang.fetch })
    const controller = new AbortController()
    const pending = client.images.generate("m", "p", { signal: controller.signal }).catch((e: unknown) => e)
    // wait (not a fixed sleep) until the request has reached fetch
    for (let i = 0; i < 1000 && hang.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(hang.calls).toHaveLength(1)
    controller.abort()
    const error = await pending
    expect(error).toBeInstanceOf(AbortError)
    expect((error as Error).name).toBe("AbortError")
    expect(hang.calls[0]!.signal?.aborted).toBe(true)
    // already-aborted signals never reach the network
    const before = hang.calls.length
    const again = await client.health({ signal: controller.signal }).catch((e: unknown) => e)
    expect((again as Error).name).toBe("AbortError")
    expect(hang.calls).toHaveLength(before)
    // requests.get takes { signal } as its last argument
    const third = await client.requests.get("r", { signal: controller.signal }).catch((e: unknown) => e)
    expect((third as Error).name).toBe("AbortError")
    await client.close()
  })

  it("close() is idempotent and later calls reject", async () => {
    const { fetch } = recordingFetch(() => json({ status: "ok" }))
    const client = new AsyncClient({ apiKey: KEY, fetch })
    await client.health()
    await Promise.all([client.close(), client.close()])
    await client.close()
    const error = await client.health().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VisgateError)
    expect((error as VisgateError).errorCode).toBe("CLIENT_CLOSED")
  })
})

describe("secrets never print", () => {
  it("the key is absent from String, JSON.stringify and util.inspect of errors and of the client", async () => {
    const { fetch } = recordingFetch(() => json({ error: "UNAUTHORIZED", message: "Invalid API key" }, 401))
    const client = new Client({ apiKey: KEY, falKey: "fal_secret_999", fetch })
    const error = await client.health().catch((e: unknown) => e)
    const down = new Client({
      apiKey: KEY,
      fetch: (() => Promise.reject(new TypeError("fetch failed"))) as typeof globalThis.fetch,
      maxRetries: 0
    })
    const conn = await down.health().catch((e: unknown) => e)
    for (const value of [error, conn, client, down]) {
      for (const rendered of [String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true })]) {
        expect(rendered).not.toContain(KEY)
        expect(rendered).not.toContain("fal_secret_999")
      }
    }
    await client.close()
    await down.close()
  })
})
