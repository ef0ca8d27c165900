/**
 * Property-based hostile-input tests (issue 13, "Also"): random ids, option values and response
 * bodies thrown at the client over a recording mock `HttpClient`. Whatever comes in, a call ends
 * in a value or a typed `VisgateError`, sends nothing outside the endpoint it names, and no error
 * shows a secret (message, `details`, `String`, `JSON.stringify`, `util.inspect`).
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import { isVisgateError } from "../../src/schemas/Errors.js"
import { Deployments } from "../../src/services/Deployments.js"
import { Health } from "../../src/services/Health.js"
import { Images } from "../../src/services/Images.js"
import { Models } from "../../src/services/Models.js"
import { Providers } from "../../src/services/Providers.js"
import { Requests } from "../../src/services/Requests.js"
import { mockHttp, type Recorded } from "../support/http.js"

const RUNS = { numRuns: 60 }

/** Strings biased towards what breaks paths: dots, slashes, percent-escapes, controls, unicode. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.array(
    fc.constantFrom(".", "..", "/", "\\", "%2e", "%2E", "%2f", "%252e", "%", " ", "a", "é", "\r\n", "\u0000", "?", "#"),
    {
      maxLength: 8
    }
  ).map((parts) => parts.join(""))
)

const run = <A, E>(effect: Effect.Effect<A, E, any>, layer: Layer.Layer<any, any, never>) =>
  Effect.runPromise(Effect.either(Effect.provide(effect, layer) as Effect.Effect<A, E>))

/** The outcome is a value or one of the SDK's typed errors, nothing else (no defect, no RangeError). */
const expectTyped = (outcome: Either.Either<unknown, unknown>) => {
  if (Either.isLeft(outcome)) expect(isVisgateError(outcome.left), String(outcome.left)).toBe(true)
}

const shown = (error: any): string =>
  [
    error.message,
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 30 }),
    JSON.stringify(error.details ?? {})
  ]
    .join("\n")

describe("random ids stay in their endpoint", () => {
  const single: ReadonlyArray<readonly [string, string, (id: string) => Effect.Effect<unknown, unknown, any>]> = [
    ["requests.get", "/api/v1/requests/", (id) => Effect.flatMap(Requests, (s) => s.get(id))],
    ["deployments.get", "/api/v1/deployments/", (id) => Effect.flatMap(Deployments, (s) => s.get(id))],
    ["deployments.delete", "/api/v1/deployments/", (id) => Effect.flatMap(Deployments, (s) => s.delete(id))],
    ["deployments.getCost", "/api/v1/deployments/", (id) => Effect.flatMap(Deployments, (s) => s.getCost(id))],
    [
      "providers.deleteKey",
      "/api/v1/providers/keys/",
      (id) => Effect.flatMap(Providers, (s) => s.deleteKey(id as never))
    ]
  ]
  for (const [name, prefix, call] of single) {
    it(`${name}: one segment under ${prefix}, or a ValidationError and no request`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileString, async (id) => {
          const mock = mockHttp(() => new Response("{}", { status: 404 }))
          const outcome = await run(call(id), mock.layer({ maxRetries: 0 }))
          expectTyped(outcome)
          for (const request of mock.requests) {
            expect(request.url.origin).toBe("https://api.test")
            expect(request.url.pathname.startsWith(prefix), request.url.pathname).toBe(true)
            const rest = request.url.pathname.slice(prefix.length).split("/")
            // One segment (plus the route's own suffix such as `/cost`), none of them a dot segment.
            expect(rest[0]).not.toBe("")
            // The segment is the id itself (provider names are lower-cased), never resolved away.
            const expected = name === "providers.deleteKey" ? id.trim().toLowerCase() : id.trim()
            expect(decodeURIComponent(rest[0]!)).toBe(expected)
            for (const s of expected.split(/[/\\]/)) expect([".", ".."]).not.toContain(s.trim())
          }
        }),
        RUNS
      )
    })
  }

  it("models.get: the path is /models/ plus the id's own segments, each non-empty and not a dot segment", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 1, maxLength: 4 }).map((p) => p.join("/")), async (id) => {
        const mock = mockHttp(() => new Response("{}", { status: 404 }))
        const outcome = await run(Effect.flatMap(Models, (s) => s.get(id)), mock.layer({ maxRetries: 0 }))
        expectTyped(outcome)
        for (const request of mock.requests) {
          expect(request.url.origin).toBe("https://api.test")
          expect(request.url.pathname.startsWith("/api/v1/models/")).toBe(true)
          const segments = request.url.pathname.slice("/api/v1/models/".length).split("/").map(decodeURIComponent)
          expect(segments.join("/")).toBe(id.trim().replace(/^\/+|\/+$/g, ""))
          for (const s of segments) expect(["", ".", ".."]).not.toContain(s.trim())
        }
      }),
      RUNS
    )
  })
})

describe("random option values", () => {
  it("apiKey / falKey / idempotencyKey: a request carries them exactly, or none goes out and the error is typed and quiet", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, hostileString, async (apiKey, falKey, idempotencyKey) => {
        const mock = mockHttp(() =>
          new Response(
            JSON.stringify({ id: "i", images: ["https://x.test/a.png"], model: "m", provider: "fal", cost: 0 })
          )
        )
        const outcome = await run(
          Effect.flatMap(Images, (s) => s.generate("fal-ai/flux/schnell", "a cat", { idempotencyKey })),
          mock.layer({ apiKey, falKey, maxRetries: 0 })
        )
        expectTyped(outcome)
        if (Either.isLeft(outcome)) {
          const text = shown(outcome.left)
          // From 6 characters: a shorter random string can be a piece of the message's own wording
          // (a 4-character key "pert" was), which is no leak. Real-looking keys: the test below.
          for (const secret of [apiKey, falKey]) {
            if (secret.trim().length >= 6) expect(text).not.toContain(secret.trim())
          }
        }
        for (const request of mock.requests as ReadonlyArray<Recorded>) {
          expect(request.headers.authorization).toBe(`Bearer ${apiKey.trim()}`)
          if (falKey.trim() !== "") expect(request.headers["x-fal-key"]).toBe(falKey.trim())
          expect(request.headers["idempotency-key"]).toBe(idempotencyKey)
          for (const value of Object.values(request.headers)) expect(value).toMatch(/^[\x20-\x7e]*$/)
        }
      }),
      RUNS
    )
  })
})

describe("random response bodies", () => {
  const key = fc.stringMatching(/^vg-[A-Za-z0-9_]{12,32}$/)
  const piece = fc.oneof(
    fc.json(),
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.constantFrom("<", "<p>", "\"", "{", "[", "__proto__")
  )
  const status = fc.constantFrom(200, 202, 301, 302, 400, 401, 404, 408, 422, 429, 500, 502, 503)

  it("whatever the server answers (echoing the keys anywhere), the outcome is typed and no error shows a key", async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        key,
        fc.array(piece, { minLength: 1, maxLength: 4 }),
        status,
        fc.boolean(),
        async (apiKey, falKey, parts, code, escape) => {
          const envelope = JSON.stringify({
            error: "PROVIDER_ERROR",
            message: parts.join(apiKey),
            details: { [falKey]: [apiKey, { falKey }] }
          })
          const bodies = [parts.join(apiKey), parts.join(falKey), escape ? envelope.replace(/v/g, "\\u0076") : envelope]
          for (const body of bodies) {
            const mock = mockHttp(() =>
              new Response(body, {
                status: code,
                headers: { "x-request-id": apiKey, location: `https://evil.test/${falKey}` }
              })
            )
            const layer = mock.layer({ apiKey, falKey, maxRetries: 0 })
            for (
              const call of [
                Effect.flatMap(Health, (s) => s.check()),
                Effect.flatMap(Images, (s) => s.generate("m/x", "p"))
              ] as const
            ) {
              const outcome = await run(call as Effect.Effect<unknown, unknown, any>, layer)
              expectTyped(outcome)
              if (Either.isLeft(outcome)) {
                const text = shown(outcome.left)
                expect(text).not.toContain(apiKey)
                expect(text).not.toContain(falKey)
              } else {
                expect(({} as any).isAdmin).toBeUndefined()
              }
            }
          }
        }
      ),
      { numRuns: 40 }
    )
  })
})
