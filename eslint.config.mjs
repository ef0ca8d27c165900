// ESLint (flat config): a few rules that catch real mistakes, run by `npm run lint` (and so by
// `npm test`). Formatting is dprint's (dprint.json); import cycles are dependency-cruiser's
// (.dependency-cruiser.cjs). No type-aware rules: they need a TypeScript program per tsconfig and
// made the run about four times slower here, for `no-floating-promises` alone.
import effect from "@effect/eslint-plugin"
import { defineConfig } from "eslint/config"
import tseslint from "typescript-eslint"

/** The package barrels: a value import from one pulls the whole package into a cold start and a bundle. */
const barrels = ["effect", "@effect/platform"]
const barrelPattern = barrels.map((name) => name.replace("/", "\\/")).join("|")

export default defineConfig(
  { ignores: ["**/node_modules/**", "**/dist/**", "examples/**", "coverage/**", ".tmp/**"] },
  {
    files: ["**/*.ts", "**/*.mjs"],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {
        args: "after-used",
        argsIgnorePattern: "^_",
        varsIgnorePattern: "^_",
        caughtErrors: "none",
        ignoreRestSiblings: true
      }],
      // `import type` / `import { type X }` for what is only a type (verbatimModuleSyntax keeps the rest).
      "@typescript-eslint/consistent-type-imports": ["error", {
        prefer: "type-imports",
        fixStyle: "inline-type-imports",
        // `(await import(path)) as typeof import("../src/index.js")` types a module picked at run time
        disallowTypeAnnotations: false
      }]
    }
  },
  {
    // Shipped code imports modules (`effect/Effect`), never a barrel (DEVELOPERS.md, rules of thumb).
    // The Effect rule covers `import { Effect } from "effect"` (with a fix); the selector covers
    // `import * as E from "effect"`, which that rule does not look at. Type-only imports are fine.
    files: ["src/**/*.ts", "server-proxy/src/**/*.ts", "ai-sdk-provider/src/**/*.ts"],
    plugins: { "@effect": effect },
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: barrels }],
      "no-restricted-syntax": ["error", {
        selector: `ImportDeclaration[importKind!="type"][source.value=/^(${barrelPattern})$/]`
          + " > :matches(ImportNamespaceSpecifier, ImportDefaultSpecifier)",
        message: "Import the module (`effect/Effect`), not the package barrel."
      }]
    }
  },
  {
    // Verbatim copies of README examples (type-checked as they are printed): a snippet may declare
    // a value only to show it.
    files: ["ai-sdk-provider/test/readme/**/*.ts", "test/types/seed-examples.ts"],
    rules: { "@typescript-eslint/no-unused-vars": "off" }
  }
)
