import { createNodeProxy } from "@visgate_ai/server-proxy/node"
import { defineConfig, type Plugin } from "vite"

/**
 * Mounts the Visgate server proxy at /api/visgate in `vite` (dev) and `vite preview`.
 *
 * Upstream: the real API when VISGATE_API_KEY or VISGATE_BASE_URL is set (the proxy reads both),
 * otherwise the fake Visgate API from `@visgate_ai/client/testing`, started on 127.0.0.1.
 * The key lives in this Node process only; the browser never sees it.
 */
function visgateProxy(): Plugin {
  const mount = async (middlewares: { use(fn: ReturnType<typeof createNodeProxy>): unknown }, onClose: (fn: () => void) => void) => {
    const env = process.env
    if (env.VISGATE_API_KEY || env.VISGATE_BASE_URL) {
      const baseUrl = env.VISGATE_BASE_URL
      middlewares.use(createNodeProxy(baseUrl ? { baseUrl } : {}))
      console.log(`[visgate] proxy /api/visgate -> ${baseUrl ?? "https://visgateai.com/api/v1"}`)
      return
    }
    const { serve } = await import("@visgate_ai/client/testing")
    const fake = await serve({ port: 0, fakeOptions: { timings: { videoPendingMs: 1_000, videoProcessingMs: 4_000 } } })
    middlewares.use(createNodeProxy({ baseUrl: fake.baseUrl, apiKey: "vg-test-key" }))
    console.log(`[visgate] proxy /api/visgate -> fake API at ${fake.baseUrl} (set VISGATE_API_KEY for the real one)`)
    onClose(() => void fake.close())
  }
  return {
    name: "visgate-proxy",
    async configureServer(server) {
      await mount(server.middlewares, (fn) => server.httpServer?.on("close", fn))
    },
    async configurePreviewServer(server) {
      await mount(server.middlewares, (fn) => server.httpServer.on("close", fn))
    }
  }
}

export default defineConfig({
  plugins: [visgateProxy()],
  build: { target: "es2022" }
})
