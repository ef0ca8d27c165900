/**
 * What every `visgate` command shares: the global options (`--json`, `--base-url`), the SDK
 * layer, output (JSON for scripts, text for people), the live progress line, and the exit code
 * of each error class.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as VisgateLayer from "../layers/VisgateLayer.js"
import type { DownloadProgress } from "../services/Downloads.js"

/** `--json`: one JSON document on stdout (errors too), no progress line. */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Print the result (or the error) as JSON on stdout, for scripts")
)

/** `--base-url`: the API base URL (default `VISGATE_BASE_URL`, then the production API). */
export const baseUrl = Options.text("base-url").pipe(
  Options.withDescription("API base URL (default: $VISGATE_BASE_URL, then https://visgateai.com/api/v1)"),
  Options.optional
)

/** The options every API command takes. */
export const global = { json, baseUrl }

export interface GlobalOptions {
  readonly json: boolean
  readonly baseUrl: Option.Option<string>
}

/** The SDK over `fetch`, the API key from `VISGATE_API_KEY`. */
export const sdk = (options: GlobalOptions) =>
  VisgateLayer.layerFetch(Option.match(options.baseUrl, { onNone: () => ({}), onSome: (url) => ({ baseUrl: url }) }))

/** Runs `effect` with the SDK services. */
export const withSdk = <A, E, R>(options: GlobalOptions, effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, sdk(options))

/** Plain data for JSON output (Schema classes and `Uint8Array`s as plain values). */
const replacer = (_key: string, value: unknown) => (value instanceof Uint8Array ? `<${value.length} bytes>` : value)

/** Prints the result: `value` as JSON with `--json`, else the text lines. */
export const output = (options: { readonly json: boolean }, value: unknown, text: () => ReadonlyArray<string>) =>
  Effect.sync(() => {
    if (options.json) process.stdout.write(JSON.stringify(value, replacer, 2) + "\n")
    else for (const line of text()) process.stdout.write(line + "\n")
  })

/**
 * Progress on stderr: one line rewritten in place on a terminal; plain lines otherwise (only
 * when the text changes); nothing with `--json` unless stderr is a terminal.
 */
export const progressLine = (options: { readonly json: boolean }) => {
  const tty = process.stderr.isTTY === true
  let last = ""
  let open = false
  return {
    update: (line: string) => {
      if (line === last || (options.json && !tty)) return
      last = line
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`)
        open = true
      } else process.stderr.write(line + "\n")
    },
    end: () => {
      if (open) process.stderr.write("\n")
      open = false
    }
  }
}

/** `1.2 MB` style. */
export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`

/** `12.3s`. */
export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`

/** A download progress line. */
export const downloadLine = (label: string, p: DownloadProgress): string =>
  `${label} ${formatBytes(p.receivedBytes)}${p.totalBytes !== undefined ? ` / ${formatBytes(p.totalBytes)}` : ""}`

/** A text table: one header row, columns padded to their widest cell. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)]
}

/**
 * Exit codes by error class (README "CLI"): scripts can tell a bad argument from a missing key,
 * a rate limit, a provider failure, a timeout or a network problem.
 */
export const EXIT_CODES = {
  ok: 0,
  /** Any other error (an API error without a more specific class, a malformed response). */
  error: 1,
  /** Bad arguments or options (the CLI's parser, or the SDK's `ValidationError`). */
  usage: 2,
  /** `AuthenticationError`: no `VISGATE_API_KEY`, or the key was rejected. */
  auth: 3,
  /** `RateLimitError`: still rate limited after the retries. */
  rateLimit: 4,
  /** `ProviderError` or `GenerationFailedError`: the provider failed the generation. */
  provider: 5,
  /** `TimeoutError` or `WaitTimeoutError`. */
  timeout: 6,
  /** `ConnectionError`, or a `DownloadError` of reason `Network`. */
  network: 7,
  /** `DownloadError` (other reasons: HTTP status, content type, too large, file). */
  download: 8,
  /** `visgate batch` finished, but some items failed (see the journal). */
  batchFailures: 9
} as const

const TAG_CODES: Record<string, number> = {
  ValidationError: EXIT_CODES.usage,
  AuthenticationError: EXIT_CODES.auth,
  RateLimitError: EXIT_CODES.rateLimit,
  ProviderError: EXIT_CODES.provider,
  GenerationFailedError: EXIT_CODES.provider,
  TimeoutError: EXIT_CODES.timeout,
  WaitTimeoutError: EXIT_CODES.timeout,
  ConnectionError: EXIT_CODES.network,
  DownloadError: EXIT_CODES.download
}

/** The exit code of a failure. */
export const exitCodeOf = (error: unknown): number => {
  if (typeof error !== "object" || error === null) return EXIT_CODES.error
  const tag = (error as { _tag?: unknown })._tag
  if (tag === "DownloadError" && (error as { reason?: unknown }).reason === "Network") return EXIT_CODES.network
  return typeof tag === "string" ? TAG_CODES[tag] ?? EXIT_CODES.error : EXIT_CODES.error
}

/** A failure as JSON: its tag and public fields. */
export const errorJson = (error: unknown): Record<string, unknown> => {
  if (!(error instanceof Error)) return { message: String(error) }
  const out: Record<string, unknown> = { name: (error as { _tag?: string })._tag ?? error.name, message: error.message }
  for (const [k, v] of Object.entries(error)) if (k !== "_tag" && v !== undefined) out[k] = v
  return out
}
