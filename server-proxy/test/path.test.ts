import * as FastCheck from "effect/FastCheck"
import { describe, expect, it } from "vitest"
import { createProxyHandler, RAW_TARGET } from "../src/handler.js"
import { checkApiPath, normalizePrefix, stripPrefix } from "../src/path.js"
import { compileRoutes, DEFAULT_ROUTE_GROUPS, KNOWN_ROUTES, ROUTE_GROUPS } from "../src/routes.js"

describe("checkApiPath", () => {
  it.each([
    ["/models", ["models"]],
    ["/models/fal-ai/flux/schnell", ["models", "fal-ai", "flux", "schnell"]],
    ["/models/black-forest-labs/FLUX.1-schnell", ["models", "black-forest-labs", "FLUX.1-schnell"]],
    ["/models/replicate/owner/model%3Aabc123", ["models", "replicate", "owner", "model:abc123"]],
    ["/models/a:b@c", ["models", "a:b@c"]],
    ["/models/a!$&'()*+,=b~_-", ["models", "a!$&'()*+,=b~_-"]],
    ["/models/%21%24%26%27%28%29%2A%2B%2C%3D%3a%40", ["models", "!$&'()*+,=:@"]],
    ["/models/a..b", ["models", "a..b"]],
    ["/models/..a", ["models", "..a"]],
    ["/requests/0385a863-9eab-44eb-95ea-82f52731996b", ["requests", "0385a863-9eab-44eb-95ea-82f52731996b"]],
    ["/models/.hidden", ["models", ".hidden"]]
  ])("accepts %s", (raw, segments) => {
    expect(checkApiPath(raw)).toEqual({ ok: true, raw, segments })
  })

  it("drops one trailing slash", () => {
    expect(checkApiPath("/models/fal-ai/")).toEqual({ ok: true, raw: "/models/fal-ai", segments: ["models", "fal-ai"] })
    expect(checkApiPath("/models//").ok).toBe(false)
  })

  it.each([
    "",
    "/",
    "models",
    "//evil.example/x",
    "/models//x",
    "/models//",
    "/..",
    "/models/..",
    "/models/../auth/me",
    "/models/./x",
    "/models/%2e%2e/auth",
    "/models/%2E%2E/auth",
    "/models/.%2e/auth",
    "/models/%2e./auth",
    "/models/%2e/auth",
    "/models/a%2fb",
    "/models/a%2Fb",
    "/models/a%5cb",
    "/models/a%5Cb",
    "/models\\..\\auth",
    "/models/a\\b",
    "/models/%252e%252e",
    "/models/%252f",
    "/models/%255c",
    "/models/%2525",
    "/models/a%00b",
    "/models/a%0ab",
    "/models/a b",
    "/models/a\tb",
    "/models/%zz",
    "/models/%e0%a4%a",
    "/http://evil.example",
    "/https:%2f%2fevil.example",
    "/https%3a%2f%2fevil.example",
    "/javascript:alert(1)",
    "/HTTP:evil",
    // path parameters, which servlet containers and others strip before resolving dot segments
    "/models/..;/..;/billing/info",
    "/models/%2e%2e;/%2e%2e;/billing/info",
    "/models/..;jsessionid=1/auth/me",
    "/models/x;jsessionid=1",
    "/models/x;",
    "/models/;",
    "/models/%3b",
    "/models/%3B",
    "/models/..%3b",
    "/models/..%3B/billing",
    // escaped unreserved characters (dots, letters, ~): some stacks decode them, some do not
    "/models/%2e",
    "/models/%2ehidden",
    "/models/a%2Eb",
    "/models/%41",
    "/models/%7e",
    "/models/%5F",
    // dot-only segments of any length (Windows trims trailing dots: '...' is '..')
    "/models/...",
    "/models/....",
    // double and triple encoding, overlong and lookalike dots
    "/models/%25%32%65%25%32%65",
    "/models/%25252e",
    "/models/%c0%ae%c0%ae",
    "/models/%e0%80%ae",
    "/models/%ef%bc%8e%ef%bc%8e",
    "/models/\uff0e\uff0e",
    "/models/\u2024\u2024",
    "/models/%u002e%u002e",
    "/models/a%",
    "/models/a%2",
    "/models/a%g0",
    // spaces, characters outside pchar, their escapes
    "/models/a%20b",
    "/models/..%20",
    "/models/..%09",
    "/models/a%3fb",
    "/models/a%23b",
    "/models/a%22b",
    "/models/a%3cb",
    "/models/a|b",
    "/models/a\"b",
    "/models/a<b",
    "/models/a{b}",
    "/models/a^b",
    "/models/a`b",
    "/models/\u00e9",
    "/models/%c3%a9"
  ])("refuses %j", (raw) => {
    expect(checkApiPath(raw).ok).toBe(false)
  })
})

describe("prefixes", () => {
  it("normalises and strips prefixes", () => {
    expect(normalizePrefix("/api/visgate/")).toBe("/api/visgate")
    expect(normalizePrefix("/")).toBe("")
    expect(stripPrefix("/api/visgate/models", "/api/visgate")).toBe("/models")
    expect(stripPrefix("/api/visgate", "/api/visgate")).toBe("")
    expect(stripPrefix("/api/visgatex/models", "/api/visgate")).toBeUndefined()
    expect(stripPrefix("/models", "")).toBe("/models")
  })
  it.each(["api", "//x", "/a/../b", "/a/./b", "/a/.../b", "/a;b", "/a?b", "/a b", "/a%2f"])(
    "rejects prefix %j",
    (prefix) => {
      expect(() => normalizePrefix(prefix)).toThrow(TypeError)
    }
  )
})

describe("route patterns", () => {
  const seg = (path: string) => path.slice(1).split("/")

  it("default groups are generation, requests, models, health", () => {
    expect(DEFAULT_ROUTE_GROUPS).toEqual(["generation", "requests", "models", "health"])
  })

  it("* matches one segment, ** one or more, HEAD follows GET", () => {
    const m = compileRoutes(["GET /requests/*", "GET /models/**", "POST|PUT /a", "* /any"])
    expect(m.match("GET", seg("/requests/abc"))).toBe("GET /requests/*")
    expect(m.match("GET", seg("/requests"))).toBeUndefined()
    expect(m.match("GET", seg("/requests/a/b"))).toBeUndefined()
    expect(m.match("HEAD", seg("/requests/abc"))).toBe("GET /requests/*")
    expect(m.match("POST", seg("/requests/abc"))).toBeUndefined()
    expect(m.match("GET", seg("/models"))).toBeUndefined()
    expect(m.match("GET", seg("/models/a/b/c"))).toBe("GET /models/**")
    expect(m.match("PUT", seg("/a"))).toBe("POST|PUT /a")
    expect(m.match("GET", seg("/a"))).toBeUndefined()
    expect(m.match("DELETE", seg("/any"))).toBe("* /any")
  })

  it("every group's patterns compile and are part of the known API", () => {
    for (const [group, patterns] of Object.entries(ROUTE_GROUPS)) {
      expect(() => compileRoutes([group]), group).not.toThrow()
      expect(patterns.length).toBeGreaterThan(0)
    }
    expect(KNOWN_ROUTES.match("GET", seg("/billing/pricing"))).toBe("GET /billing/pricing")
    expect(KNOWN_ROUTES.match("GET", seg("/deployments/dep_1/logs/stream"))).toBe("GET /deployments/*/logs/stream")
    expect(KNOWN_ROUTES.match("GET", seg("/admin"))).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------
// Property tests: hostile segments never reach the upstream outside the route the allow-list saw.
// ---------------------------------------------------------------------------------------------

/** Percent-decodes what it can, leaving malformed escapes as they are (like lenient servers). */
const lenientDecode = (s: string): string =>
  s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    }
  })

/** Resolves `.` and `..` segments (RFC 3986 §5.2.4), keeping a leading `/`. */
const resolveDots = (segments: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (const s of segments) {
    if (s === ".") continue
    if (s === "..") out.pop()
    else out.push(s)
  }
  return out
}

/**
 * Models of what servers and frameworks in front of (or inside) an upstream do to a path before
 * routing it. Each returns the segments it would route on.
 */
const NORMALISERS: Record<string, (path: string) => Array<string>> = {
  // The path as sent, each segment decoded once (a strict router).
  exact: (path) => path.slice(1).split("/").map(lenientDecode),
  // WHATWG URL (browsers, Node's fetch, edge runtimes): dot segments, %2e, backslashes.
  whatwg: (path) => new URL(path, "http://upstream.test").pathname.slice(1).split("/").map(lenientDecode),
  // Decode once, then resolve dot segments (many routers: Starlette, Express after decode...).
  decodeThenResolve: (path) => resolveDots(lenientDecode(path).replace(/\\/g, "/").split("/").slice(1)),
  // Servlet containers (Tomcat, Jetty), Spring: strip `;params` from each segment, decode,
  // backslash as slash, resolve dots; repeated decoding for double-decoding stacks; NFKC for
  // stacks that normalise Unicode.
  servletLenient: (path) => {
    let p = path
      .split("/")
      .map((s) => s.replace(/;.*$/s, ""))
      .join("/")
    for (let i = 0; i < 3; i++) p = lenientDecode(p)
    p = p.normalize("NFKC").replace(/\\/g, "/")
    return resolveDots(p.split("/").slice(1).map((s) => s.replace(/;.*$/s, "")))
  }
}

/**
 * Windows-style servers (IIS and friends) also trim trailing dots and spaces (`a.` is `a`, `...`
 * is `..`): they may route `a.` as `a`, which cannot leave a route, so this one only has to keep
 * paths inside the allowed routes, not agree segment for segment.
 */
const ESCAPE_NORMALISERS: Record<string, (path: string) => Array<string>> = {
  ...NORMALISERS,
  windows: (path) => {
    const segments = NORMALISERS["servletLenient"]!(path)
    return resolveDots(segments.map((s) => (/^\.{2,} *$/.test(s) ? ".." : s.replace(/[. ]+$/, ""))))
  }
}

const HOSTILE_TOKENS = [
  ".",
  "..",
  "...",
  "%2e",
  "%2E",
  "%2e%2e",
  ".%2E",
  "%252e",
  "%25",
  "%",
  "%2f",
  "%2F",
  "%252f",
  "%5c",
  "%5C",
  "\\",
  ";",
  "..;",
  "%2e%2e;",
  ";jsessionid=1",
  ";x=..",
  "%3b",
  "%3B",
  "%253b",
  "%c0%ae",
  "%e0%80%ae",
  "%ef%bc%8e",
  "\uff0e",
  "%00",
  "%0a",
  "%20",
  " ",
  "\t",
  "%09",
  "%u002e",
  "%3f",
  "%23",
  "?",
  "#",
  "/",
  "//",
  "%41",
  "%7e",
  "~",
  ":",
  "@",
  "%3a",
  "%40",
  "*",
  "a",
  "b",
  "billing",
  "info",
  "auth",
  "me"
] as const

const hostileSegment = FastCheck.array(FastCheck.constantFrom(...HOSTILE_TOKENS), { minLength: 1, maxLength: 4 }).map((
  t
) => t.join(""))
const hostilePath = FastCheck.array(hostileSegment, { minLength: 1, maxLength: 5 }).map((s) => "/" + s.join("/"))

describe("checkApiPath (property)", () => {
  it("whatever it accepts, every normaliser routes on exactly the segments the allow-list saw", () => {
    FastCheck.assert(
      FastCheck.property(hostilePath, (path) => {
        const checked = checkApiPath(path)
        if (!checked.ok) return
        for (const [name, normalise] of Object.entries(NORMALISERS)) {
          expect(normalise(checked.raw), `${name}(${checked.raw})`).toEqual(checked.segments)
        }
        // and decoding the segments again changes nothing (no double decoding possible)
        for (const segment of checked.segments) expect(lenientDecode(segment)).toBe(segment)
      }),
      { numRuns: 3000 }
    )
  })

  it("refuses every segment with a path parameter, an escaped unreserved character or a dots-only value", () => {
    const id = FastCheck.stringMatching(/^[A-Za-z0-9_~-]{1,6}$/)
    FastCheck.assert(
      FastCheck.property(
        id,
        FastCheck.stringMatching(/^[A-Za-z0-9=.]{0,4}$/),
        FastCheck.nat({ max: 4 }),
        (name, param, dots) => {
          expect(checkApiPath(`/models/${name};${param}`).ok).toBe(false)
          expect(checkApiPath(`/models/${name}%3b${param}`).ok).toBe(false)
          expect(checkApiPath(`/models/${".".repeat(dots + 1)}/${name}`).ok).toBe(false)
          const c = name[0]!
          const escaped = "%" + c.charCodeAt(0).toString(16).padStart(2, "0")
          expect(checkApiPath(`/models/${escaped}${name.slice(1)}`).ok).toBe(false)
          expect(checkApiPath(`/models/${escaped.toUpperCase()}${name.slice(1)}`).ok).toBe(false)
        }
      )
    )
  })

  it("accepts model and request ids as the client encodes them, unchanged", () => {
    const segment = FastCheck.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,=-]{1,12}$/).filter((s) => !/^\.+$/.test(s))
    FastCheck.assert(
      FastCheck.property(FastCheck.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const raw = "/models/" + segments.map(encodeURIComponent).join("/")
        expect(checkApiPath(raw)).toEqual({ ok: true, raw, segments: ["models", ...segments] })
      })
    )
  })
})

describe("the handler with hostile paths (property)", () => {
  const BASE = "https://upstream.test/api/v1"
  const calls: Array<string> = []
  const handler = createProxyHandler({
    apiKey: "vg-test-key",
    baseUrl: BASE,
    fetch: async (input) => {
      calls.push(String(input))
      return new Response("{}", { status: 200, headers: { "content-type": "application/json" } })
    }
  })
  // Routes the default groups allow below a wildcard: the prefix an escape would have to leave.
  const DEFAULTS = compileRoutes(DEFAULT_ROUTE_GROUPS)
  const ROUTES = [
    { prefix: "/models/", maxSegments: Infinity, minSegments: 1 },
    { prefix: "/requests/", maxSegments: 1, minSegments: 1 }
  ] as const

  const check = async (route: (typeof ROUTES)[number], tail: string, raw: boolean): Promise<void> => {
    const target = `/api/visgate${route.prefix}${tail}`
    let request: Request
    try {
      request = new Request(raw ? "http://app.test/api/visgate/health" : `http://app.test${target}`)
    } catch {
      return // not a URL a runtime would hand over
    }
    calls.length = 0
    const response = await handler(request, raw ? { [RAW_TARGET]: target } : undefined)
    if (calls.length === 0) {
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
      const body = (await response.json()) as { error: string }
      expect(["INVALID_PATH", "ROUTE_NOT_FOUND", "ROUTE_NOT_ALLOWED"]).toContain(body.error)
      return
    }
    expect(calls).toHaveLength(1)
    const url = new URL(calls[0]!)
    expect(url.origin).toBe("https://upstream.test")
    expect(url.pathname.startsWith("/api/v1/")).toBe(true)
    const forwarded = url.pathname.slice("/api/v1".length)
    const routeSegments = route.prefix.split("/").slice(1, -1)
    for (const [name, normalise] of Object.entries(ESCAPE_NORMALISERS)) {
      const segments = normalise(forwarded)
      const where = `${name}(${forwarded}) from ${JSON.stringify(target)}${raw ? " (raw)" : ""}`
      // Whatever the upstream's stack does to the path, it routes on a route the allow-list allows.
      expect(DEFAULTS.match("GET", segments), where).toBeDefined()
      expect(segments.every((s) => s !== "." && s !== ".."), where).toBe(true)
      if (raw) {
        // Nothing resolved the path before the proxy: it must stay below the route it was sent to.
        expect(segments.slice(0, routeSegments.length), where).toEqual(routeSegments)
        const rest = segments.slice(routeSegments.length)
        // (a `?` in the tail starts the query: `/models/?x` is `GET /models`)
        if (target.split("?")[0] !== `/api/visgate${route.prefix}`) {
          expect(rest.length, where).toBeGreaterThanOrEqual(route.minSegments)
        }
        expect(rest.length, where).toBeLessThanOrEqual(route.maxSegments)
      }
    }
  }

  it("nothing hostile leaves the route prefix, with the raw target (Node) or a parsed Request (Next.js, edge)", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(
        FastCheck.constantFrom(...ROUTES),
        FastCheck.array(hostileSegment, { minLength: 1, maxLength: 5 }),
        FastCheck.boolean(),
        async (route, segments, raw) => check(route, segments.join("/"), raw)
      ),
      { numRuns: 1500 }
    )
  })

  it.each([
    "..;/..;/billing/info",
    "%2e%2e;/%2e%2e;/billing/info",
    "x/..;/..;/billing/info",
    "..%3b/..%3b/billing/info",
    "..%253b/billing/info",
    "x;/../../billing/info"
  ])("refuses %j below /models/ with 400 INVALID_PATH, in both modes", async (tail) => {
    for (const raw of [true, false]) {
      calls.length = 0
      const target = `/api/visgate/models/${tail}`
      const response = await handler(
        new Request(raw ? "http://app.test/api/visgate/health" : `http://app.test${target}`),
        raw ? { [RAW_TARGET]: target } : undefined
      )
      expect(calls).toEqual([])
      const parsed = new URL(`http://app.test${target}`).pathname
      // A parsed Request has already resolved plain `..`: that path is then refused by the allow-list.
      if (!raw && !parsed.startsWith("/api/visgate/models/")) {
        expect([403, 404]).toContain(response.status)
      } else {
        expect(response.status).toBe(400)
        expect(await response.json()).toMatchObject({
          error: "INVALID_PATH",
          message: expect.stringMatching(/^Refused path: /)
        })
      }
    }
  })
})
