/**
 * `visgate mock [--port]`: serves the fake Visgate API (`@visgate_ai/client/testing`) on
 * loopback for other tools, languages and browsers, until interrupted (Ctrl-C).
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { VisgateError } from "../schemas/Errors.js"
import { serve } from "../testing/fake/serve.js"
import { json, output } from "./common.js"

export const mock = Command.make(
  "mock",
  {
    json,
    port: Options.integer("port").pipe(Options.withDescription("Port (default 0: a free one)"), Options.withDefault(0)),
    host: Options.text("host").pipe(Options.withDescription("Interface to bind"), Options.withDefault("127.0.0.1"))
  },
  (o) =>
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => serve({ port: o.port, host: o.host }),
        catch: (e) =>
          new VisgateError({ message: `Cannot listen on ${o.host}:${o.port}: ${String(e)}`, errorCode: "MOCK_LISTEN" })
      }),
      (server) => Effect.promise(() => server.close())
    ).pipe(
      Effect.tap((server) =>
        output(o, { url: server.url, baseUrl: server.baseUrl, port: server.port, apiKey: "vg-test-key" }, () => [
          `fake Visgate API on ${server.baseUrl}`,
          `try: VISGATE_API_KEY=vg-test-key visgate generate "a red fox" --base-url ${server.baseUrl}`,
          "Ctrl-C to stop"
        ])
      ),
      Effect.zipRight(Effect.never),
      Effect.scoped
    )
).pipe(Command.withDescription("Serve the fake Visgate API (for tests, other tools and browsers) until stopped"))
