/**
 * `@visgate_ai/client/testing`: the fake Visgate API (as a `fetch` function, an Effect `HttpClient`
 * layer, or a loopback HTTP server) and mock layers for testing code that uses the SDK.
 *
 * @since 0.1.0
 */
import "./internal/effectVersion.js" // first: fails at once on an unsupported effect
export * from "./testing/fake/index.js"
export { makeTestLayer, makeTestService } from "./testing/mock.js"
