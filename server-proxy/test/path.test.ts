import { describe, expect, it } from "vitest"
import { checkApiPath, normalizePrefix, stripPrefix } from "../src/path.js"
import { compileRoutes, DEFAULT_ROUTE_GROUPS, KNOWN_ROUTES, ROUTE_GROUPS } from "../src/routes.js"

describe("checkApiPath", () => {
  it.each([
    ["/models", ["models"]],
    ["/models/fal-ai/flux/schnell", ["models", "fal-ai", "flux", "schnell"]],
    ["/models/black-forest-labs/FLUX.1-schnell", ["models", "black-forest-labs", "FLUX.1-schnell"]],
    ["/models/a%20b", ["models", "a b"]],
    ["/requests/0385a863-9eab-44eb-95ea-82f52731996b", ["requests", "0385a863-9eab-44eb-95ea-82f52731996b"]],
    ["/models/.hidden", ["models", ".hidden"]],
    ["/models/...", ["models", "..."]]
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
    "/HTTP:evil"
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
  it.each(["api", "//x", "/a/../b", "/a?b", "/a b", "/a%2f"])("rejects prefix %j", (prefix) => {
    expect(() => normalizePrefix(prefix)).toThrow(TypeError)
  })
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
