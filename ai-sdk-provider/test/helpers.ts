/**
 * A provider on the fake Visgate API (`fetch` transport, frozen clock), and small readers of what
 * the fake received.
 */
import { FakeVisgate, type FakeVisgateOptions } from "@visgate_ai/client/testing"
import { createVisgate, type VisgateProvider, type VisgateProviderSettings } from "../src/index.js"

// The AI SDK prints warnings to the console by default; the tests read them from the results.
;(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false

export const BASE_URL = "http://fake.local/api/v1"
export const API_KEY = "vg-test-key"
export const IMAGE_MODEL = "fal-ai/flux/schnell"
export const VIDEO_MODEL = "fal-ai/kling-video/v1.6/standard/text-to-video"
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export interface Setup {
  readonly fake: FakeVisgate
  readonly visgate: VisgateProvider
}

/** A fake (clock frozen, moved by `fake.advance`) and a provider on it; the client does not retry unless asked. */
export const setup = (
  settings: VisgateProviderSettings = {},
  fakeOptions: FakeVisgateOptions = {}
): Setup => {
  const fake = new FakeVisgate({ startAt: Date.UTC(2026, 2, 1), ...fakeOptions })
  const visgate = createVisgate({ apiKey: API_KEY, baseUrl: BASE_URL, fetch: fake.fetch, maxRetries: 0, ...settings })
  return { fake, visgate }
}

/** Requests the fake received for `"METHOD /path"`. */
export const received = (fake: FakeVisgate, route: string) =>
  fake.requests.filter((r) => `${r.method} ${r.path}` === route)

/** The JSON bodies the fake received for `"METHOD /path"`. */
export const bodies = (fake: FakeVisgate, route: string): Array<Record<string, unknown>> =>
  received(fake, route).map((r) => r.body as Record<string, unknown>)

/** Bytes of a URL served by the fake. */
export const fetchBytes = async (fake: FakeVisgate, url: string): Promise<Uint8Array> => {
  const response = await fake.fetch(url)
  return new Uint8Array(await response.arrayBuffer())
}

/** Yields to the event loop until `condition` holds (no timers: each turn is one macrotask). */
export const until = async (condition: () => boolean, turns = 1_000): Promise<void> => {
  for (let i = 0; i < turns; i++) {
    if (condition()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error("condition never held")
}

/** The rejection of `promise` (fails the test when it resolves). */
export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the promise to reject")
}
