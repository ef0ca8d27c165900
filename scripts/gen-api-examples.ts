/** Writes test/types/api-examples.ts from the ```ts blocks of docs/API.md. */
import { readFileSync, writeFileSync } from "node:fs"
import { generateApiExamples } from "../test/support/apiExamples.js"

const root = new URL("..", import.meta.url)
const markdown = readFileSync(new URL("docs/API.md", root), "utf8")
writeFileSync(new URL("test/types/api-examples.ts", root), generateApiExamples(markdown))
console.log("wrote test/types/api-examples.ts")
