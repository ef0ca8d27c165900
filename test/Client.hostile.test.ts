/**
 * Hostile inputs at the Promise client (issue 13): ids that would leave their path segment, keys a
 * header cannot carry, responses that echo secrets, carry `__proto__` or nest deeply, huge error
 * pages, and redirects to another origin.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { afterEach, describe, expect, it } from "vitest"
import { AuthenticationError, Client, DecodeError, ValidationError, VisgateError } from "../src/index.js"

const KEY = "vg-super-secret-key-123"
const FAL = "fal-secret-abcdef"

interface Call {
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly body: string | undefined
  readonly redirect: RequestRedirect | undefined
}

const recordingFetch = (handler: (call: Call, index: number) => Response | Promise<Response>) => {
  const calls: Array<Call> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers as HeadersInit),
      body: typeof init?.body === "string" ? init.body : undefined,
      redirect: init?.redirect
    }
    calls.push(call)
    return handler(call, calls.length - 1)
  }
  return { calls, fetch: fetch as typeof globalThis.fetch }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

const client = (fetch: typeof globalThis.fetch, options: Record<string, unknown> = {}) =>
  new Client({ apiKey: KEY, baseUrl: "https://api.test/api/v1", maxRetries: 0, fetch, ...options })

const failure = async (promise: Promise<unknown>): Promise<any> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

/** Every way an error can be shown. */
const shown = (error: any): string =>
  [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 20 }), JSON.stringify(error.details)]
    .join("\n")

const BAD_IDS = ["", " ", ".", "..", " .. ", "%2e%2e", "%2E.", "%252e%252e", "a/../b", "..%2f", "..\\x"]

describe("ids never leave their path segment (issue 13, item 1)", () => {
  const cases: ReadonlyArray<readonly [string, (c: Client, id: string) => Promise<unknown>]> = [
    ["requests.get", (c, id) => c.requests.get(id)],
    ["requests.wait", (c, id) => c.requests.wait(id)],
    ["requests.watch", async (c, id) => {
      for await (const _ of c.requests.watch(id)) break
    }],
    ["deployments.get", (c, id) => c.deployments.get(id)],
    ["deployments.delete", (c, id) => c.deployments.delete(id)],
    ["deployments.run", (c, id) => c.deployments.run(id, { prompt: "x" })],
    ["deployments.getLogs", (c, id) => c.deployments.getLogs(id)],
    ["deployments.getCost", (c, id) => c.deployments.getCost(id)],
    ["deployments.waitUntilReady", (c, id) => c.deployments.waitUntilReady(id)],
    ["deployments.watch", async (c, id) => {
      for await (const _ of c.deployments.watch(id)) break
    }],
    ["deployments.logs", async (c, id) => {
      for await (const _ of c.deployments.logs(id)) break
    }],
    ["models.get", (c, id) => c.models.get(id)],
    ["providers.deleteKey", (c, id) => c.providers.deleteKey(id as never)],
    ["providers.setKey", (c, id) => c.providers.setKey(id as never, "k-1")]
  ]
  for (const [name, call] of cases) {
    it(`${name} rejects empty, "." and ".." ids (also encoded) with a ValidationError, sending nothing`, async () => {
      const { calls, fetch } = recordingFetch(() => json({}))
      const c = client(fetch)
      for (const id of BAD_IDS) {
        const error = await failure(call(c, id))
        expect(error, `${name}(${JSON.stringify(id)})`).toBeInstanceOf(ValidationError)
      }
      expect(calls).toEqual([])
    })
  }

  it("models.get checks every segment of a model id", async () => {
    const { calls, fetch } = recordingFetch(() => json({}))
    const c = client(fetch)
    for (
      const id of ["../billing/info", "fal-ai/../../billing", "fal-ai//flux", "fal-ai/./flux", "a/%2e%2e/b", "///"]
    ) {
      const error = await failure(c.models.get(id))
      expect(error, id).toBeInstanceOf(ValidationError)
      expect(error.field).toBe("modelId")
    }
    expect(calls).toEqual([])
  })

  it("ids that merely contain dots still reach their own endpoint", async () => {
    const { calls, fetch } = recordingFetch(() => json({ id: "x", status: "ok" }))
    const c = client(fetch)
    await c.requests.get("req...1").catch(() => undefined)
    await c.models.get("fal-ai/flux.1/dev").catch(() => undefined)
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      "/api/v1/requests/req...1",
      "/api/v1/models/fal-ai/flux.1/dev"
    ])
  })
})

describe("secrets a header cannot carry fail at once (issue 13, item 2)", () => {
  for (const field of ["apiKey", "falKey", "replicateKey", "runwayKey", "runpodKey"]) {
    for (const bad of ["vg-a\r\nX-Evil: 1", "vg-a\nb", "vg-\u0000x", "vg-é-key", "vg-\u2028x", "vg-\u007fx"]) {
      it(`${field} ${JSON.stringify(bad)}: ValidationError naming ${field}, never the value`, () => {
        const { fetch } = recordingFetch(() => json({}))
        let error: any
        try {
          client(fetch, { [field]: bad })
        } catch (e) {
          error = e
        }
        expect(error).toBeInstanceOf(ValidationError)
        expect(error.field).toBe(field)
        expect(shown(error)).not.toContain(bad.trim())
      })
    }
  }

  it("a getToken result with CR/LF/NUL fails with AuthenticationError, without a request or a retry", async () => {
    const { calls, fetch } = recordingFetch(() => json({ status: "ok" }))
    let tokens = 0
    const token = "tok-abc\r\nX-Evil: 1"
    const c = client(fetch, {
      apiKey: undefined,
      proxyUrl: "https://api.test/api/v1",
      maxRetries: 2,
      getToken: () => {
        tokens++
        return token
      }
    })
    const error = await failure(c.health())
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.errorCode).toBe("TOKEN_ERROR")
    expect(shown(error)).not.toContain("tok-abc")
    expect(calls).toEqual([])
    expect(tokens).toBe(1)
  })

  it("an idempotencyKey a header cannot carry is a ValidationError naming it, before any request", async () => {
    const { calls, fetch } = recordingFetch(() => json({}))
    const c = client(fetch)
    for (const key of ["idem\r\nX-Evil: 1", "idem\u0000", "idem-é", " "]) {
      const error = await failure(c.images.generate("fal-ai/flux/schnell", "a cat", { idempotencyKey: key }))
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.field).toBe("idempotencyKey")
      expect(shown(error)).not.toContain(key.trim() === "" ? "idempotencyKey: \" \"" : key)
    }
    expect(calls).toEqual([])
  })
})

describe("errors never show a secret (issue 13, item 3)", () => {
  const echo = `key ${KEY} and ${FAL} and Bearer ${KEY}`
  const bodies: ReadonlyArray<readonly [string, () => Response]> = [
    [
      "JSON envelope",
      () => json({ error: `E_${KEY}`, message: echo, details: { echo, nested: [{ [KEY]: echo }] } }, 400)
    ],
    ["FastAPI detail", () => json({ detail: [{ loc: ["body", KEY], msg: echo }] }, 422)],
    ["401", () => json({ message: echo }, 401)],
    ["429", () => json({ message: echo, details: { echo } }, 429)],
    ["provider", () => json({ error: "PROVIDER_ERROR", message: echo, details: { provider: FAL } }, 502)],
    ["HTML page", () => new Response(`<html><body><h1>Bad gateway</h1><p>${echo}</p></body></html>`, { status: 502 })],
    ["non-JSON 200", () => new Response(`oops ${echo}`, { status: 200 })],
    ["request id header", () => new Response("{}", { status: 500, headers: { "x-request-id": KEY } })],
    ["decode failure", () => json({ status: { echo } })]
  ]
  for (const [name, reply] of bodies) {
    it(`${name}: message, details, String, JSON and inspect are scrubbed`, async () => {
      const { fetch } = recordingFetch(reply)
      const error = await failure(client(fetch, { falKey: FAL }).health())
      expect(error).toBeInstanceOf(VisgateError)
      const text = shown(error)
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(FAL)
      expect(text).toContain("<redacted>")
    })
  }

  it("a deployment status stream's error event echoing the key is scrubbed", async () => {
    const event = `event: error\ndata: ${JSON.stringify({ deployment_id: "dep_1", error: `bad key ${KEY}` })}\n\n`
    const { fetch } = recordingFetch(() =>
      new Response(event, { status: 200, headers: { "content-type": "text/event-stream" } })
    )
    const c = client(fetch)
    let error: any
    try {
      for await (const _ of c.deployments.watch("dep_1")) break
    } catch (e) {
      error = e
    }
    expect(error?.errorCode).toBe("DEPLOYMENT_STREAM_ERROR")
    expect(shown(error)).not.toContain(KEY)
  })

  it("a platform error quoting the key (fetch's own message) is scrubbed", async () => {
    const fetch = (async () => {
      throw new TypeError(`Headers.append: "Bearer ${KEY}" is an invalid header value.`)
    }) as typeof globalThis.fetch
    const error = await failure(client(fetch).health())
    expect(error.errorCode).toBe("CONNECTION_ERROR")
    expect(shown(error)).not.toContain(KEY)
  })

  it("getToken results and a key being stored are scrubbed too", async () => {
    const token = "tok-0123456789abcdef"
    const stored = "r8_stored_secret_value"
    const { fetch } = recordingFetch((call) =>
      json({ message: `echo ${call.body ?? ""} ${call.headers.get("authorization")}` }, 400)
    )
    const c = client(fetch, { apiKey: undefined, proxyUrl: "https://api.test/api/v1", getToken: () => token })
    const first = await failure(c.health())
    expect(shown(first)).not.toContain(token)
    const second = await failure(c.providers.setKey("replicate", stored))
    expect(shown(second)).not.toContain(stored)
    expect(shown(second)).not.toContain(token)
  })
})

describe("hostile response data (issue 13, item 4)", () => {
  const proto = `{"status":"ok","database":{"__proto__":{"isAdmin":true},"a":{"\\u005f_proto__":{"isAdmin":true}}}}`

  it("a __proto__ key never becomes a prototype of a result", async () => {
    const { fetch } = recordingFetch(() => new Response(proto, { status: 200 }))
    const result: any = await client(fetch).health()
    expect(result.database.isAdmin).toBeUndefined()
    expect(Object.getPrototypeOf(result.database)).toBe(Object.prototype)
    expect(result.database.a.isAdmin).toBeUndefined()
    expect(({} as any).isAdmin).toBeUndefined()
  })

  it("nor of an error's details", async () => {
    const body =
      `{"error":"E","message":"m","details":{"__proto__":{"isAdmin":true},"x":{"__proto__":{"isAdmin":true}}}}`
    const { fetch } = recordingFetch(() => new Response(body, { status: 400 }))
    const error = await failure(client(fetch).health())
    expect(error.details.isAdmin).toBeUndefined()
    expect(Object.getPrototypeOf(error.details)).toBe(Object.prototype)
    expect(error.details.x?.isAdmin).toBeUndefined()
  })

  it("a result nested 10,000 levels deep is a DecodeError, not a RangeError", async () => {
    const deep = `{"status":"ok","database":${"[".repeat(10_000)}${"]".repeat(10_000)}}`
    const { fetch } = recordingFetch(() => new Response(deep, { status: 200 }))
    const error = await failure(client(fetch).health())
    expect(error).toBeInstanceOf(DecodeError)
    const deepObject = `{"status":"ok","database":${`{"a":`.repeat(10_000)}1${"}".repeat(10_000)}}`
    const { fetch: fetch2 } = recordingFetch(() => new Response(deepObject, { status: 200 }))
    expect(await failure(client(fetch2).health())).toBeInstanceOf(DecodeError)
  })

  it("an error body nested 10,000 levels deep is a typed error", async () => {
    const deep = `{"error":"E","details":{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}}`
    const { fetch } = recordingFetch(() => new Response(deep, { status: 500 }))
    const error = await failure(client(fetch).health())
    expect(error).toBeInstanceOf(VisgateError)
    expect(error.message.length).toBeLessThan(500)
  })

  it("a 1 MB error body of `<` is summarised (in linear time: this test would not finish otherwise)", async () => {
    const { fetch } = recordingFetch(() => new Response("<".repeat(1_000_000), { status: 502 }))
    const error = await failure(client(fetch).health())
    expect(error).toBeInstanceOf(VisgateError)
    expect(error.message.length).toBeLessThan(400)
    expect(error.message).toContain("<<<")
  })
})

/** A loopback server that records every request it gets. */
const serve = async (
  handler: (req: { method: string; url: string; headers: IncomingHttpHeaders; body: string }) => {
    status: number
    headers?: Record<string, string>
    body?: string
  }
) => {
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = []
  const server: Server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => (body += chunk))
    req.on("end", () => {
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body }
      seen.push(r)
      const out = handler(r)
      res.writeHead(out.status, out.headers ?? {})
      res.end(out.body ?? "")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { seen, origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe("redirects are never followed (issue 13, item 6)", () => {
  const servers: Array<{ close: () => Promise<void> }> = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })

  const IMAGE = { id: "img-1", images: ["https://evil.test/a.png"], model: "flux", provider: "fal", cost: 0 }

  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status} to another origin: no key, no body, no result from it`, async () => {
      const other = await serve(() => ({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(IMAGE)
      }))
      const api = await serve((req) => ({ status, headers: { location: `${other.origin}${req.url}` } }))
      servers.push(other, api)
      const c = new Client({
        apiKey: KEY,
        falKey: FAL,
        replicateKey: "r8-secret",
        runwayKey: "rw-secret",
        runpodKey: "rp-secret",
        baseUrl: `${api.origin}/api/v1`,
        maxRetries: 2,
        fetch: globalThis.fetch
      })
      const error = await failure(c.images.generate("fal-ai/flux/schnell", "a cat"))
      expect(error).toBeInstanceOf(VisgateError)
      expect(error.errorCode).toBe("UNEXPECTED_REDIRECT")
      expect(error.statusCode).toBe(status)
      expect(api.seen).toHaveLength(1) // not retried
      expect(other.seen).toEqual([])
      await c.close()
    })
  }

  it("the Effect layers' HttpClient path (platform FetchHttpClient, tracing) does not follow either", async () => {
    const Effect = await import("effect/Effect")
    const { VisgateLayer, Health } = await import("../src/effect.js")
    const other = await serve(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: "{\"status\":\"ok\"}"
    }))
    const api = await serve((req) => ({ status: 307, headers: { location: `${other.origin}${req.url}` } }))
    servers.push(other, api)
    const layer = VisgateLayer.layerFetch({ apiKey: KEY, falKey: FAL, baseUrl: `${api.origin}/api/v1`, tracing: true })
    const result = await Effect.runPromise(
      Effect.either(Effect.provide(Effect.flatMap(Health.Health, (h) => h.check()), layer))
    )
    expect(result._tag).toBe("Left")
    expect((result as any).left.errorCode).toBe("UNEXPECTED_REDIRECT")
    expect(other.seen).toEqual([])
  })

  it("the fetch transport asks for redirect: manual; a custom fetch that followed anyway is refused", async () => {
    const { calls, fetch } = recordingFetch(() => {
      const response = json({ status: "ok" })
      Object.defineProperty(response, "redirected", { value: true })
      return response
    })
    const error = await failure(client(fetch).health())
    expect(calls[0]!.redirect).toBe("manual")
    expect(error.errorCode).toBe("UNEXPECTED_REDIRECT")
  })
})

describe("close() stops work in flight (issue 13, item 7)", () => {
  const closedError = (error: any) => {
    expect(error).toBeInstanceOf(VisgateError)
    expect(error.errorCode).toBe("CLIENT_CLOSED")
  }
  /** Lets pending callbacks run (no timer). */
  const settle = () => new Promise((resolve) => setImmediate(resolve))

  it("a call waiting out a 429's Retry-After ends with CLIENT_CLOSED and never sends again", async () => {
    let sent!: () => void
    const first = new Promise<void>((resolve) => (sent = resolve))
    const { calls, fetch } = recordingFetch(() => {
      sent()
      return new Response("{}", { status: 429, headers: { "retry-after": "60" } })
    })
    const c = client(fetch, { maxRetries: 2 })
    const pending = failure(c.health())
    await first
    await settle()
    await c.close()
    closedError(await pending)
    await settle()
    expect(calls).toHaveLength(1)
  })

  it("a request in flight is aborted", async () => {
    let signal: AbortSignal | undefined
    const fetch = ((_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        signal = init?.signal ?? undefined
        signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))
      })) as typeof globalThis.fetch
    const c = client(fetch)
    const pending = failure(c.health())
    await settle()
    await c.close()
    expect(signal?.aborted).toBe(true)
    closedError(await pending)
  })

  it("a pending requests.watch next() and a polling requests.wait end with CLIENT_CLOSED; nothing is polled after", async () => {
    const { calls, fetch } = recordingFetch(() =>
      json({ request_id: "req_1", status: "processing", poll_interval_seconds: 30 })
    )
    const c = client(fetch)
    const iterator = c.requests.watch("req_1")[Symbol.asyncIterator]()
    expect((await iterator.next()).value).toMatchObject({ status: "processing" })
    const next = failure(iterator.next())
    const wait = failure(c.requests.wait("req_1"))
    while (calls.length < 2) await settle()
    await c.close()
    closedError(await next)
    closedError(await wait)
    const count = calls.length
    await settle()
    expect(calls).toHaveLength(count)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    closedError(await failure(c.health()))
    expect(calls).toHaveLength(count)
  })
})
