import { decode } from "fast-png"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type FakeServer, FakeVisgate, renderPng, serve } from "../../../src/testing/fake/index.js"
import { KEY, parseSse, START } from "./helpers.js"

const RP = { "x-runpod-key": "rpa_server" }
const SMALL = {
  deployment: {
    validating: 1_000,
    selecting_gpu: 1_000,
    creating_endpoint: 1_000,
    downloading_model: 1_000,
    loading_model: 1_000
  }
}

let server: FakeServer
const fake = new FakeVisgate({ startAt: START, timings: SMALL })

beforeAll(async () => {
  server = await serve({ port: 0, fake })
})
afterAll(async () => {
  await server.close()
})

const h = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${KEY}`,
  "content-type": "application/json",
  ...extra
})

describe("loopback HTTP server", () => {
  it("listens on 127.0.0.1 with a random port and serves the API under baseUrl and the root", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.baseUrl).toBe(`${server.url}/api/v1`)
    expect(server.port).toBeGreaterThan(0)
    expect(await (await fetch(`${server.baseUrl}/health`)).json()).toEqual({ status: "ok", version: "0.2.0" })
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })

  it("generates, then serves the PNG output over HTTP", async () => {
    const r = await fetch(`${server.baseUrl}/images/generate`, {
      method: "POST",
      headers: h(),
      body: JSON.stringify({ model: "fal-ai/flux/schnell", prompt: "a red bicycle", width: 1024, height: 768 })
    })
    expect(r.status).toBe(200)
    const body = (await r.json()) as { images: Array<string> }
    expect(body.images[0]!.startsWith(`${server.baseUrl}/_fake/media/`)).toBe(true)
    const img = await fetch(body.images[0]!)
    expect(img.headers.get("content-type")).toBe("image/png")
    const png = decode(new Uint8Array(await img.arrayBuffer()))
    expect([png.width, png.height]).toEqual([256, 192])
  })

  it("answers CORS preflights", async () => {
    const r = await fetch(`${server.baseUrl}/images/generate`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type"
      }
    })
    expect(r.status).toBe(204)
    expect(r.headers.get("access-control-allow-origin")).toBe("*")
    expect(r.headers.get("access-control-allow-headers")).toBe("authorization,content-type")
  })

  it("streams SSE chunk by chunk and closes after ready", async () => {
    const dep = (await (await fetch(`${server.baseUrl}/deployments`, {
      method: "POST",
      headers: h(RP),
      body: JSON.stringify({ hf_model_id: "stabilityai/sdxl-turbo" })
    })).json()) as { deployment_id: string }
    const res = await fetch(`${server.baseUrl}/deployments/${dep.deployment_id}/stream`, { headers: h(RP) })
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    const first = decoder.decode((await reader.read()).value)
    expect(parseSse(first).map((e) => e.data.status)).toEqual(["validating"])
    fake.advance(5_000)
    let rest = ""
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += decoder.decode(value)
    }
    expect(parseSse(rest).map((e) => e.data.status)).toEqual([
      "selecting_gpu",
      "creating_endpoint",
      "downloading_model",
      "loading_model",
      "ready"
    ])
  })

  it("stops an SSE stream when the client aborts, and keeps serving", async () => {
    const dep = (await (await fetch(`${server.baseUrl}/deployments`, {
      method: "POST",
      headers: h(RP),
      body: JSON.stringify({ hf_model_id: "org/slow-model" })
    })).json()) as { deployment_id: string }
    const ac = new AbortController()
    const res = await fetch(`${server.baseUrl}/deployments/${dep.deployment_id}/logs/stream`, {
      headers: h(RP),
      signal: ac.signal
    })
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(parseSse(first)[0]!.event).toBe("log")
    ac.abort()
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" })
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200)
  })

  it("close() ends hung requests", async () => {
    const local = await serve({ port: 0 })
    local.fake.faults.add({ route: "GET /health", fault: { kind: "hang" } })
    const pending = fetch(`${local.baseUrl}/health`).then(() => "answered", () => "failed")
    await new Promise((r) => setTimeout(r, 30))
    await local.close()
    expect(await pending).toBe("failed")
  })
})

describe("PNG outputs", () => {
  it("decode with fast-png, keep the aspect ratio capped at 256, and are deterministic per prompt", async () => {
    const a1 = renderPng({ prompt: "a sunset over Istanbul", width: 1024, height: 1024 })
    const a2 = renderPng({ prompt: "a sunset over Istanbul", width: 1024, height: 1024 })
    const b = renderPng({ prompt: "a cat in space", width: 1024, height: 1024 })
    expect(a1).toEqual(a2)
    expect(a1).not.toEqual(b)
    const da = decode(a1)
    const db = decode(b)
    expect([da.width, da.height, da.channels, da.depth]).toEqual([256, 256, 3, 8])
    expect(Buffer.from(da.data).equals(Buffer.from(db.data))).toBe(false)
    const small = decode(renderPng({ prompt: "tiny", width: 64, height: 32 }))
    expect([small.width, small.height]).toEqual([64, 32])
    // the seed and the image index change the picture
    expect(renderPng({ prompt: "x", width: 64, height: 64, seed: 1 })).not.toEqual(
      renderPng({ prompt: "x", width: 64, height: 64, seed: 2 })
    )
    expect(renderPng({ prompt: "x", width: 64, height: 64, index: 1 })).not.toEqual(
      renderPng({ prompt: "x", width: 64, height: 64, index: 0 })
    )
    // non-Latin-1 prompts are fine
    expect(decode(renderPng({ prompt: "İstanbul'da gün batımı 🌅", width: 64, height: 64 })).width).toBe(64)
  })

  it("served images are identical for the same prompt and differ between prompts", async () => {
    const f = new FakeVisgate()
    const gen = async (prompt: string, key = KEY) => {
      const r = await f.fetch("http://fake.local/api/v1/generate", {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify({ prompt })
      })
      const { image_url } = (await r.json()) as { image_url: string }
      return new Uint8Array(await (await f.fetch(image_url)).arrayBuffer())
    }
    const one = await gen("a blue whale")
    const again = await gen("a blue whale", "vg-otherorg1") // another org: no cache, same picture
    const other = await gen("a green whale")
    expect(one).toEqual(again)
    expect(one).not.toEqual(other)
    expect(decode(one).width).toBe(256)
    expect((await f.fetch("http://fake.local/api/v1/_fake/media/img_garbage.png")).status).toBe(404)
  })
})
