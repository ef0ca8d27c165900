/**
 * The package as users install it (issue 14): `npm pack`, then fresh installs of
 * - Promise only: `npm install <tarball>`;
 * - Effect: `npm install <tarball> effect@3.22.4 @effect/platform@0.97.2`;
 * and for each: bytes and files under node_modules, packages. Then the cold import of each entry
 * above `node -e 0` (bench/importTime.ts, from the Promise-only install where it can), the
 * type-check of a 10-line Promise file (tsc, strict, skipLibCheck false: wall time, median of 5,
 * and the declaration files it reads), and the browser bundle (bench/bundle.ts).
 *
 *   node --import tsx bench/install.ts [--tarball=<.tgz>] [--no-write]
 *
 * Writes the section "## Package: install, import, type-check" of BENCHMARKS.md (others kept).
 * Reports figures; asserts nothing.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { runBundleBench } from "./bundle.js"
import { runImportBench } from "./importTime.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const args = process.argv.slice(2)
const write = !args.includes("--no-write")
const work = mkdtempSync(join(os.tmpdir(), "visgate-install-bench-"))
const TARGETS = { installMB: 5, importMs: 150, gzipKB: 100 }
const IMPORT_RUNS = 15

const sh = (cmd: string, argv: ReadonlyArray<string>, cwd: string): string =>
  execFileSync(cmd, argv, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: "error" }
  })

const tree = (dir: string): { bytes: number; files: number } => {
  let bytes = 0
  let files = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) {
      const t = tree(p)
      bytes += t.bytes
      files += t.files
    } else if (e.isFile()) {
      bytes += statSync(p).size
      files++
    }
  }
  return { bytes, files }
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

/** `require()` of a CommonJS file against `node -e 0` (bench/importTime.ts measures `import()`). */
const requireBench = (file: string, runs: number) => {
  const spawn = (argv: ReadonlyArray<string>) => {
    const start = performance.now()
    const r = spawnSync(process.execPath, argv, { stdio: "ignore", env: { ...process.env, NODE_OPTIONS: "" } })
    if (r.status !== 0) throw new Error(`node ${argv.join(" ")} failed`)
    return performance.now() - start
  }
  const load = ["-e", `require(${JSON.stringify(file)})`]
  spawn(["-e", "0"])
  spawn(load)
  const base: Array<number> = []
  const req: Array<number> = []
  for (let i = 0; i < runs; i++) {
    base.push(spawn(["-e", "0"]))
    req.push(spawn(load))
  }
  return { aboveBaselineMs: median(req) - median(base) }
}
const loadAtStart = os.loadavg()[0]!

/**
 * CPU time (user + system, ms) a Node process spends to load `code`, above `node -e 0`'s: robust
 * where other work shares the machine (wall time is not). Medians of `runs` interleaved spawns.
 */
const cpuBench = (code: string, runs: number) => {
  const report = `;const u=process.cpuUsage();console.log((u.user+u.system)/1000)`
  const spawn = (src: string, esm: boolean) => {
    const argv = esm ? ["--input-type=module", "-e", src + report] : ["-e", src + report]
    const r = spawnSync(process.execPath, argv, { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } })
    if (r.status !== 0) throw new Error(`node ${argv.join(" ")} failed: ${r.stderr}`)
    return Number(r.stdout.trim().split("\n").pop())
  }
  const esm = code.startsWith("await import")
  spawn("0", false)
  spawn(code, esm)
  const base: Array<number> = []
  const load: Array<number> = []
  for (let i = 0; i < runs; i++) {
    base.push(spawn("0", false))
    load.push(spawn(code, esm))
  }
  return median(load) - median(base)
}

/** User + system CPU ms of a command, by bash's `time`. */
const cpuOf = (cmd: string, argv: ReadonlyArray<string>, cwd: string) => {
  const r = spawnSync("bash", ["-c", `TIMEFORMAT='%U %S'; time "$@" >/dev/null`, "bash", cmd, ...argv], {
    cwd,
    encoding: "utf8"
  })
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`)
  const [user, sys] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number)
  return (user! + sys!) * 1000
}

let tarball = args.find((a) => a.startsWith("--tarball="))?.slice("--tarball=".length)
if (tarball === undefined) {
  console.error("install: npm pack (builds) ...")
  const [packed] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", work], root)) as Array<
    { filename: string }
  >
  tarball = join(work, packed!.filename)
}

interface Install {
  readonly label: string
  readonly dir: string
  readonly bytes: number
  readonly files: number
  readonly packages: number
  readonly installScripts: number
}
const install = (label: string, deps: ReadonlyArray<string>): Install => {
  const dir = join(work, label.replace(/\W+/g, "-"))
  sh("mkdir", ["-p", dir], work)
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-app", private: true, type: "module" }))
  console.error(`install: ${label} ...`)
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball!, ...deps], dir)
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { hasInstallScript?: boolean }>
  }
  const packages = Object.keys(lock.packages).filter((k) => k !== "")
  return {
    label,
    dir,
    ...tree(join(dir, "node_modules")),
    packages: packages.length,
    installScripts: packages.filter((k) => lock.packages[k]!.hasInstallScript === true).length
  }
}

const promiseOnly = install("Promise only", [])
const withEffect = install("with effect", ["effect@3.22.4", "@effect/platform@0.97.2"])

console.error(`import: ${IMPORT_RUNS} spawns each ...`)
const pkg = (dir: string, file: string) => join(dir, "node_modules/@visgate_ai/client", file)
// `./effect` and `./testing` as Node's `import` resolves them: `dist/node/` checks the app's effect, then loads `dist/`.
const imp = (file: string) => `await import(${JSON.stringify(pathToFileURL(file).href)})`
const req = (file: string) => `require(${JSON.stringify(file)})`
const imports = [
  [
    "`@visgate_ai/client` (import)",
    runImportBench(pkg(promiseOnly.dir, "dist/index.js"), IMPORT_RUNS),
    cpuBench(imp(pkg(promiseOnly.dir, "dist/index.js")), IMPORT_RUNS)
  ],
  [
    "`@visgate_ai/client` (require)",
    requireBench(pkg(promiseOnly.dir, "dist/index.cjs"), IMPORT_RUNS),
    cpuBench(req(pkg(promiseOnly.dir, "dist/index.cjs")), IMPORT_RUNS)
  ],
  [
    "`@visgate_ai/client/effect`",
    runImportBench(pkg(withEffect.dir, "dist/node/effect.js"), IMPORT_RUNS),
    cpuBench(imp(pkg(withEffect.dir, "dist/node/effect.js")), IMPORT_RUNS)
  ],
  [
    "`@visgate_ai/client/testing`",
    runImportBench(pkg(withEffect.dir, "dist/node/testing.js"), IMPORT_RUNS),
    cpuBench(imp(pkg(withEffect.dir, "dist/node/testing.js")), IMPORT_RUNS)
  ]
] as const

console.error("type-check: 5 runs ...")
writeFileSync(
  join(promiseOnly.dir, "main.ts"),
  [
    `import { Client, RateLimitError, VisgateError } from "@visgate_ai/client"`,
    `const client = new Client({ apiKey: "vg-..." })`,
    `try {`,
    `  const result = await client.generate("a sunset over Istanbul")`,
    `  console.log(result.imageUrl, result.cost, result.provider)`,
    `} catch (e) {`,
    `  if (e instanceof RateLimitError) console.log(e.retryAfter)`,
    `  else if (e instanceof VisgateError) console.log(e.errorCode)`,
    `}`,
    `await client.close()`
  ].join("\n")
)
writeFileSync(
  join(promiseOnly.dir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      lib: ["ES2022", "DOM"],
      types: []
    },
    include: ["main.ts"]
  })
)
const tsc = join(root, "node_modules/.bin/tsc")
const tscRuns: Array<number> = []
for (let i = 0; i < 5; i++) {
  const start = performance.now()
  const r = spawnSync(tsc, ["-p", "tsconfig.json"], { cwd: promiseOnly.dir, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`)
  tscRuns.push(performance.now() - start)
}
const baseRuns: Array<number> = []
writeFileSync(join(promiseOnly.dir, "empty.ts"), "export const x = 1\n")
writeFileSync(
  join(promiseOnly.dir, "tsconfig.empty.json"),
  readFileSync(join(promiseOnly.dir, "tsconfig.json"), "utf8").replace("main.ts", "empty.ts")
)
for (let i = 0; i < 5; i++) {
  const start = performance.now()
  spawnSync(tsc, ["-p", "tsconfig.empty.json"], { cwd: promiseOnly.dir })
  baseRuns.push(performance.now() - start)
}
const tscCpu = median([0, 1, 2].map(() => cpuOf(tsc, ["-p", "tsconfig.json"], promiseOnly.dir)))
const baseCpu = median([0, 1, 2].map(() => cpuOf(tsc, ["-p", "tsconfig.empty.json"], promiseOnly.dir)))
const listed = sh(tsc, ["-p", "tsconfig.json", "--listFiles"], promiseOnly.dir).split("\n")
const declarationFiles =
  listed.filter((l) =>
    l.includes("/node_modules/@visgate_ai/") || (l.includes("/node_modules/") && !l.includes("/typescript/lib/"))
  ).length

console.error("bundle: esbuild ...")
const full = (await runBundleBench()).find((b) => b.name === "full")!

const mb = (b: number) => (b / 1024 / 1024).toFixed(2)
const row = (i: Install) => `| ${i.label} | ${mb(i.bytes)} MB | ${i.files} | ${i.packages} | ${i.installScripts} |`
const promiseImport = imports[0][2]
const section = [
  "## Package: install, import, type-check",
  "",
  `\`node --import tsx bench/install.ts\` on ${os.cpus().length} × ${
    os.cpus()[0]?.model ?? "cpu"
  }, Node ${process.version}, ` +
  `${new Date().toISOString().slice(0, 10)} (load average ${loadAtStart.toFixed(1)} at the start: other work shares ` +
  "the machine, so times are upper bounds): the packed tarball installed into fresh apps with npm (files and bytes under " +
  "`node_modules`, packages and install scripts from the lockfile).",
  "",
  "| install | size | files | packages | install scripts |",
  "| --- | --- | --- | --- | --- |",
  row(promiseOnly),
  row(withEffect),
  "",
  `Cold import above \`node -e 0\` (median of ${IMPORT_RUNS} spawns each; CPU is the process's user + system time, ` +
  "which other work on the machine barely moves):",
  "",
  "| entry | wall ms above `node -e 0` | CPU ms above `node -e 0` |",
  "| --- | --- | --- |",
  ...imports.map(([name, r, cpu]) => `| ${name} | ${r.aboveBaselineMs.toFixed(0)} | ${cpu.toFixed(0)} |`),
  "",
  `Type-check of a 10-line Promise file (strict, \`skipLibCheck: false\`, NodeNext, no effect installed): ` +
  `${median(tscRuns).toFixed(0)} ms wall, ${tscCpu.toFixed(0)} ms CPU (a 1-line file without the import: ` +
  `${median(baseRuns).toFixed(0)} ms wall, ${baseCpu.toFixed(0)} ms CPU), ` +
  `${declarationFiles} declaration file(s) read from \`node_modules\` (TypeScript's own lib files aside).`,
  "",
  `Browser bundle (every resource, minified, gzip -9): ${(full.gzipBytes / 1024).toFixed(1)} KB.`,
  "",
  `Targets: Promise-only install <= ${TARGETS.installMB} MB (${mb(promiseOnly.bytes)} MB: ${
    promiseOnly.bytes <= TARGETS.installMB * 1024 * 1024 ? "meets" : "MISSES"
  }), ` +
  `Promise entry import <= ${TARGETS.importMs} ms above \`node -e 0\` (${promiseImport.toFixed(0)} ms CPU: ${
    promiseImport <= TARGETS.importMs ? "meets" : "MISSES"
  }), ` +
  `bundle <= ${TARGETS.gzipKB} KB gzip (${(full.gzipBytes / 1024).toFixed(1)} KB: ${
    full.gzipBytes / 1024 <= TARGETS.gzipKB ? "meets" : "MISSES"
  }).`,
  ""
].join("\n")

console.log(section)
if (write) {
  const file = join(root, "BENCHMARKS.md")
  const text = readFileSync(file, "utf8")
  const start = text.indexOf("## Package: install, import, type-check")
  let next: string
  if (start === -1) next = `${text.trimEnd()}\n\n${section}`
  else {
    const end = text.indexOf("\n## ", start + 3)
    next = text.slice(0, start) + section + (end === -1 ? "" : text.slice(end))
  }
  writeFileSync(file, next)
  console.error("install: BENCHMARKS.md updated")
}
rmSync(work, { recursive: true, force: true })
