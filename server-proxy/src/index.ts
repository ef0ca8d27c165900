/**
 * @visgate_ai/server-proxy: a deny-by-default server proxy that lets browser apps use the
 * Visgate API without holding the key. Web-standard (`Request` → `Response`); the Node adapter
 * lives at `@visgate_ai/server-proxy/node`.
 */
export { readBearerToken, readCookie } from "./credentials.js"
export { type ErrorEnvelope, PROXY_ERROR_STATUS, type ProxyErrorCode } from "./errors.js"
export {
  createProxyHandler,
  createRouteHandlers,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PATH_PREFIX,
  DEFAULT_TIMEOUT_MS,
  type ProxyErrorEvent,
  type ProxyFetch,
  type ProxyHandler,
  type ProxyOptions,
  type RouteHandlers
} from "./handler.js"
export { DEFAULT_FORWARD_HEADERS } from "./headers.js"
export { DEFAULT_ROUTE_GROUPS, ROUTE_GROUPS, type RouteGroup, type RouteRule } from "./routes.js"
