// The Visgate proxy: the browser calls /api/visgate/*, this route adds the API key (server-side
// only) and forwards to Visgate. Only the default routes are open: generation, requests, models,
// health. VISGATE_API_KEY and VISGATE_BASE_URL are read from the server's environment
// (`npm run dev` / `npm start` point them at the fake API when neither is set).
import { createRouteHandlers } from "@visgate_ai/server-proxy"

// Video generation can take minutes; the page uses async mode, but give sync calls room too.
export const maxDuration = 300
export const dynamic = "force-dynamic"

export const { GET, POST } = createRouteHandlers(
  process.env.VISGATE_BASE_URL ? { baseUrl: process.env.VISGATE_BASE_URL } : {}
)
