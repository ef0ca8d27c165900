/**
 * @visgate_ai/server-proxy: a deny-by-default server proxy that lets browser apps use the
 * Visgate API without holding the key. Web-standard (`Request` → `Response`); the Node adapter
 * lives at `@visgate_ai/server-proxy/node`.
 */
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
export { DEFAULT_ROUTE_GROUPS, ROUTE_GROUPS, type RouteGroup, type RouteRule } from "./routes.js"
export { DEFAULT_FORWARD_HEADERS } from "./headers.js"
export { type ErrorEnvelope, type ProxyErrorCode, PROXY_ERROR_STATUS } from "./errors.js"
export { readBearerToken, readCookie } from "./credentials.js"
