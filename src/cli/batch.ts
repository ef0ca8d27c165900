/**
 * `visgate batch <file.jsonl> --out-dir <dir>`: one image per input line, at a bounded
 * concurrency, each saved to the output folder. The items run through the SDK's one batch,
 * `Images.generateMany` (`services/Batch.ts`), so the CLI and the SDK derive the same keys.
 * Resumable: every finished item is appended to a journal in the output folder
 * (`visgate-batch.journal.jsonl`); a re-run skips the items the journal records as saved (whose
 * file is still there), and every item keeps a deterministic key: its `key`, else
 * `vg-batch-<the first 40 hex digits of the SHA-256 of its line>` (see {@link itemKey}). Its
 * Idempotency-Key is the SDK's `batch:<key>`, the one `client.images.generateMany` sends for an
 * item with that `key`, so a re-run after a crash (by the CLI or the SDK) is not billed again for
 * what the server already generated.
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { ValidationError } from "../schemas/Errors.js"
import { checkBatchItem } from "../services/Batch.js"
import { toFile } from "../services/Downloads.js"
import { generateMany, type ImageBatchItem } from "../services/Images.js"
import { errorJson, EXIT_CODES, global, output, progressLine, withSdk } from "./common.js"
import { DEFAULT_IMAGE_MODEL } from "./media.js"

/** One input line: a prompt, and optionally a model, a key and any `images.generate` option. */
export type BatchItem = ImageBatchItem

export const JOURNAL = "visgate-batch.journal.jsonl"

interface Line {
  readonly line: number
  readonly item: BatchItem & { readonly key: string }
  readonly file: string
}

interface JournalRecord {
  readonly key: string
  readonly line: number
  readonly ok: boolean
  readonly file?: string
  readonly requestId?: string
  readonly cost?: number
  readonly error?: Record<string, unknown>
}

const usage = (message: string, field = "file") =>
  new ValidationError({ message, errorCode: "INVALID_ARGUMENT", field })

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100)

const extensionOf = (url: string): string => {
  const m = /\.(png|jpe?g|webp|gif|mp4|webm|mov)$/i.exec(new URL(url).pathname)
  return m !== null ? m[1]!.toLowerCase() : "png"
}

/**
 * The key of a line without one: `vg-batch-` and the first 40 hex digits of the SHA-256 of the
 * (trimmed) line. An item's Idempotency-Key is the SDK's `batch:<key>` (`batchIdempotencyKey`).
 */
export const lineKey = (line: string): string => `vg-batch-${sha256(line).slice(0, 40)}`

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex")

/** Parses the input: every non-blank line a JSON object with a `prompt`; a bad line fails before any request. */
export const parseItems = (text: string): Either.Either<Array<Line>, ValidationError> => {
  const out: Array<Line> = []
  const keys = new Set<string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === "") continue
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return Either.left(usage(`line ${i + 1}: not valid JSON`))
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return Either.left(usage(`line ${i + 1}: expected a JSON object with a "prompt"`))
    }
    const item = parsed as Record<string, unknown>
    if (typeof item.prompt !== "string" || item.prompt.trim() === "") {
      return Either.left(usage(`line ${i + 1}: "prompt" must be a non-empty string`, "prompt"))
    }
    const hash = sha256(raw)
    const keyed = { ...(item as BatchItem), key: (item.key ?? lineKey(raw)) as string }
    // The SDK's own item check (prompt, model, key: 1 to 200 printable ASCII, unique), here before any request.
    const checked = checkBatchItem(keyed, i, DEFAULT_IMAGE_MODEL, keys)
    if (checked instanceof ValidationError) {
      return Either.left(usage(`line ${i + 1}: ${checked.message.replace(/^batch item \d+:? ?/, "")}`, checked.field))
    }
    const base = item.key !== undefined ? safe(keyed.key) : `${String(i + 1).padStart(4, "0")}-${hash.slice(0, 10)}`
    out.push({ line: i + 1, item: keyed, file: base })
  }
  return out.length > 0 ? Either.right(out) : Either.left(usage("the input file has no items"))
}

export const batch = Command.make(
  "batch",
  {
    ...global,
    input: Args.file({ name: "file.jsonl", exists: "yes" }).pipe(
      Args.withDescription(
        "One JSON object per line: {\"prompt\", \"model\"?, \"key\"?, ...images.generate options}. " +
          "An item's Idempotency-Key is batch:<key>, as with the SDK's images.generateMany; a line without " +
          "\"key\" gets the key vg-batch-<first 40 hex digits of the SHA-256 of the line>"
      )
    ),
    outDir: Options.directory("out-dir").pipe(Options.withDescription("Where outputs and the journal go")),
    concurrency: Options.integer("concurrency").pipe(
      Options.withDescription("Items in flight at once (default 4)"),
      Options.withDefault(4)
    )
  },
  (o) =>
    Effect.gen(function*() {
      if (!Number.isInteger(o.concurrency) || o.concurrency < 1) {
        return yield* usage("--concurrency must be a positive integer", "concurrency")
      }
      const fs = yield* FileSystem.FileSystem
      const items = yield* Effect.flatMap(fs.readFileString(o.input), parseItems)
      yield* fs.makeDirectory(o.outDir, { recursive: true })
      const journal = `${o.outDir}/${JOURNAL}`
      // Items the journal records as saved, whose file is still there, are done.
      const done = new Map<string, JournalRecord>()
      if (yield* fs.exists(journal)) {
        for (const raw of (yield* fs.readFileString(journal)).split("\n")) {
          try {
            const r = JSON.parse(raw) as JournalRecord
            if (r.ok && r.file !== undefined) done.set(r.key, r)
            else done.delete(r.key)
          } catch {
            // A torn last line after a crash: that item runs again.
          }
        }
        for (const [key, r] of done) if (!(yield* fs.exists(`${o.outDir}/${r.file}`))) done.delete(key)
      }
      const pending = items.filter((l) => !done.has(l.item.key))
      const line = progressLine(o)
      const results: Array<JournalRecord> = []
      let failed = 0
      const report = () =>
        line.update(
          `batch: ${results.length - failed}/${pending.length} saved, ${failed} failed` +
            (done.size > 0 ? `, ${done.size} skipped (already done)` : "")
        )
      const record = (r: JournalRecord) =>
        Effect.zipRight(
          fs.writeFileString(journal, JSON.stringify(r) + "\n", { flag: "a" }),
          Effect.sync(() => {
            results.push(r)
            if (!r.ok) failed++
            report()
          })
        )
      report()
      yield* withSdk(
        o,
        generateMany(pending.map((l) => l.item), { concurrency: o.concurrency, model: DEFAULT_IMAGE_MODEL }).pipe(
          Stream.mapEffect((entry) => {
            const { file, item, line: n } = pending[entry.index]!
            if (!entry.ok) return record({ key: item.key, line: n, ok: false, error: errorJson(entry.error) })
            const url = entry.value.images[0]
            const name = url !== undefined ? `${file}.${extensionOf(url)}` : file
            return toFile(entry.value, `${o.outDir}/${name}`).pipe(
              Effect.matchEffect({
                onFailure: (error) =>
                  record({ key: item.key, line: n, ok: false, requestId: entry.value.id, error: errorJson(error) }),
                onSuccess: () =>
                  record({
                    key: item.key,
                    line: n,
                    ok: true,
                    file: name,
                    requestId: entry.value.id,
                    cost: entry.value.cost
                  })
              })
            )
          }, { concurrency: o.concurrency, unordered: true }),
          Stream.runDrain
        )
      ).pipe(Effect.ensuring(Effect.sync(line.end)))
      const summary = {
        total: items.length,
        skipped: done.size,
        saved: results.length - failed,
        failed,
        outDir: o.outDir,
        journal,
        items: results.sort((a, b) => a.line - b.line)
      }
      yield* output(o, summary, () => [
        `${summary.saved} saved, ${failed} failed, ${summary.skipped} skipped of ${summary.total} (journal: ${journal})`,
        ...results.filter((r) => !r.ok).map((r) => `line ${r.line}: ${String(r.error?.message ?? "failed")}`)
      ])
      if (failed > 0) process.exitCode = EXIT_CODES.batchFailures
    })
).pipe(
  Command.withDescription(
    "Generate one image per JSONL line into a folder; resumable (a journal in the folder, done items skipped), " +
      "deterministic Idempotency-Keys (batch:<key>, the same as images.generateMany's)"
  )
)
