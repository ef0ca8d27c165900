#!/usr/bin/env node
/**
 * The `visgate` command line (`bin` of the package): generate images and videos, wait for
 * requests, download outputs, browse models, read usage, run batches, serve the fake API.
 * Built with `@effect/cli` on `@effect/platform-node`, and bundled into `dist/cli.js` with its
 * dependencies (`scripts/bundle-entry.mjs`), so installing the SDK adds no CLI dependency.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as ValidationErrorCli from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { batch } from "./cli/batch.js"
import { models, usage } from "./cli/catalog.js"
import { errorJson, EXIT_CODES, exitCodeOf } from "./cli/common.js"
import { download, generate, video, wait } from "./cli/media.js"
import { mock } from "./cli/mock.js"
import { VERSION } from "./internal/version.js"

const visgate = Command.make("visgate").pipe(
  Command.withDescription(
    "Visgate API from the terminal: images, videos, models, usage, batches. Key: $VISGATE_API_KEY"
  ),
  Command.withSubcommands([generate, video, wait, download, models, usage, batch, mock])
)

const cli = Command.run(visgate, { name: "visgate", version: VERSION })

const jsonMode = process.argv.includes("--json")

const program = Effect.suspend(() => cli(process.argv)).pipe(
  Effect.catchAllCause((cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const error = Cause.squash(cause)
    return Effect.sync(() => {
      if (ValidationErrorCli.isValidationError(error)) {
        // The parser has printed what was wrong, with the usage.
        process.exitCode = EXIT_CODES.usage
        return
      }
      process.exitCode = exitCodeOf(error)
      if (jsonMode) process.stdout.write(JSON.stringify({ error: errorJson(error) }, null, 2) + "\n")
      else {
        const tag = (error as { _tag?: unknown })._tag
        process.stderr.write(
          `visgate: ${typeof tag === "string" ? `${tag}: ` : ""}${(error as Error).message ?? String(error)}\n`
        )
      }
    })
  })
)

NodeRuntime.runMain(program.pipe(Effect.provide(NodeContext.layer)), { disableErrorReporting: true })
