/**
 * Turns the ```ts blocks of docs/API.md into test/types/api-examples.ts: import-only blocks are
 * hoisted (the package paths resolve to the sources through tsconfig `paths`), every other block
 * becomes the body of its own function, so `tsc` checks each example against the real types.
 */

/** Every ```ts block, in order. */
export const tsBlocks = (markdown: string): Array<string> => {
  const blocks: Array<string> = []
  const re = /^```ts\n([\s\S]*?)^```$/gm
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) blocks.push(m[1]!.replace(/\n$/, ""))
  return blocks
}

const isImportBlock = (block: string): boolean =>
  block.split("\n").every((line) => line.trim() === "" || line.startsWith("import "))

/** The generated file's content. */
export const generateApiExamples = (markdown: string): string => {
  const blocks = tsBlocks(markdown)
  const imports = blocks.filter(isImportBlock).flatMap((b) => b.split("\n").filter((l) => l.trim() !== ""))
  const bodies = blocks.filter((b) => !isImportBlock(b))
  const out = [
    "// Generated from docs/API.md by `npx tsx scripts/gen-api-examples.ts`. Do not edit.",
    "// Type-checked by `tsc -p tsconfig.json`; never run. test/types/api-docs.test.ts keeps it in sync.",
    "/* eslint-disable */",
    ...imports,
    ""
  ]
  bodies.forEach((body, i) => {
    out.push(`export async function example${i + 1}(client: Client) {`)
    out.push("  {")
    for (const line of body.split("\n")) out.push(line === "" ? "" : `    ${line}`)
    out.push("  }")
    out.push("}")
    out.push("")
  })
  return out.join("\n")
}
