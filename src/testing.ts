/**
 * `@visgate_ai/client/testing`: mock layers for testing code that uses the SDK.
 *
 * @since 0.1.0
 */
export { makeTestLayer, makeTestService } from "./testing/mock.js"
