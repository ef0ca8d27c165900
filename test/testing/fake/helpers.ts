import { FakeVisgate, type FakeVisgateOptions } from "../../../src/testing/fake/index.js"

export const BASE = "http://fake.local/api/v1"
export const KEY = "vg-test-key"
export const START = Date.UTC(2026, 2, 1, 10, 0, 0)

/** A fake frozen at START (moved by `fake.advance`), unless a `clock` is given. */
export const makeFake = (options: FakeVisgateOptions = {}) =>
  new FakeVisgate(options.clock ? options : { startAt: START, ...options })

export interface CallOptions {
  readonly body?: unknown
  readonly headers?: Record<string, string>
  readonly key?: string | null
  readonly base?: string
  readonly signal?: AbortSignal
}

/** Calls the fake through `fake.fetch` and returns status, headers and the parsed body. */
export const call = async (fake: { fetch: typeof fetch }, method: string, path: string, options: CallOptions = {}) => {
  const headers: Record<string, string> = { ...options.headers }
  const key = options.key === undefined ? KEY : options.key
  if (key !== null) headers.authorization = `Bearer ${key}`
  if (options.body !== undefined) headers["content-type"] = "application/json"
  const res = await fake.fetch(`${options.base ?? BASE}${path}`, {
    method,
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
      : {}),
    ...(options.signal ? { signal: options.signal } : {})
  })
  const text = await res.text()
  let body: any = text
  try {
    body = text === "" ? undefined : JSON.parse(text)
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body, text }
}

/** Reads a whole SSE body and splits it into events. */
export const readSse = async (res: Response) => parseSse(await res.text())

export const parseSse = (text: string) =>
  text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const lines = block.split("\n")
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message"
      const data = lines.find((l) => l.startsWith("data: "))?.slice(6) ?? ""
      return { event, data: JSON.parse(data) as any }
    })
