/**
 * Span names and attributes of the core client's per-call span (`tracing: true`), after the
 * OpenTelemetry GenAI semantic conventions plus Visgate's own `visgate.*` attributes. The Effect
 * layers and the Promise client's OpenTelemetry spans use exactly these.
 *
 * - Generation calls (`POST /images/generate`, `/videos/generate`, `/generate`): span
 *   `generate_content {model}`, `gen_ai.operation.name` `generate_content`, `gen_ai.provider.name`
 *   (and the older `gen_ai.system`) `visgate`, `gen_ai.request.model`, `gen_ai.output.type`
 *   (`image` / `video`); from the response `gen_ai.response.model`, `gen_ai.response.id`,
 *   `visgate.provider`, `visgate.cost_usd`, `visgate.cache_hit`.
 * - Every call: `http.request.method`, `url.path`, `http.response.status_code`,
 *   `visgate.request_id`, `visgate.attempts`, `error.type` on failure; an event `visgate.retry`
 *   per retry (`internal/attemptLog.ts`). Other calls' spans are named `Visgate GET /health`.
 *
 * @internal
 */

/** The GenAI operation of generation calls. */
export const GENERATE_CONTENT = "generate_content"

/** Generation paths and what they produce. */
const OUTPUT_TYPES: Readonly<Record<string, "image" | "video">> = {
  "/images/generate": "image",
  "/videos/generate": "video",
  "/generate": "image"
}

/** The span's name and start attributes for a call. */
export const callSpan = (
  method: string,
  path: string,
  body: unknown
): { readonly name: string; readonly attributes: Record<string, unknown> } => {
  const outputType = method === "POST" ? OUTPUT_TYPES[path] : undefined
  const base = { "http.request.method": method, "url.path": path }
  if (outputType === undefined) return { name: `Visgate ${method} ${path}`, attributes: base }
  const model = typeof body === "object" && body !== null ? (body as { model?: unknown }).model : undefined
  return {
    name: typeof model === "string" ? `${GENERATE_CONTENT} ${model}` : GENERATE_CONTENT,
    attributes: {
      ...base,
      "gen_ai.operation.name": GENERATE_CONTENT,
      "gen_ai.provider.name": "visgate",
      "gen_ai.system": "visgate",
      "gen_ai.output.type": outputType,
      ...(typeof model === "string" ? { "gen_ai.request.model": model } : {})
    }
  }
}

/** Attributes read off a successful response: status, request id, and a generation's result fields. */
export const responseAttributes = (
  status: number,
  requestId: string | undefined,
  body: unknown
): Record<string, unknown> => {
  const out: Record<string, unknown> = { "http.response.status_code": status }
  const b = typeof body === "object" && body !== null ? body as Record<string, unknown> : {}
  const id = requestId ?? (typeof b.request_id === "string" ? b.request_id : undefined)
  if (id !== undefined) out["visgate.request_id"] = id
  if (typeof b.model === "string") out["gen_ai.response.model"] = b.model
  if (typeof b.id === "string") out["gen_ai.response.id"] = b.id
  if (typeof b.provider === "string") out["visgate.provider"] = b.provider
  const cost = typeof b.cost === "number" ? b.cost : b.estimated_cost_usd
  if (typeof cost === "number") out["visgate.cost_usd"] = cost
  if (typeof b.cache_hit === "boolean") out["visgate.cache_hit"] = b.cache_hit
  return out
}
