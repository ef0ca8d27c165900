import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url))

export default defineConfig({
  resolve: {
    // Sub-packages (`ai-sdk-provider/`) import the client by its package name, resolved to this
    // repo's source (as their tsconfig `paths` do), exactly: `@visgate_ai/client/testing` is its own entry.
    alias: [
      { find: /^@visgate_ai\/client$/, replacement: src("index.ts") },
      { find: /^@visgate_ai\/client\/testing$/, replacement: src("testing.ts") },
      // The package-private `#visgate/fs` (package.json `imports`): its Node variant, from source.
      { find: /^#visgate\/fs$/, replacement: src("internal/fileSink.node.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "server-proxy/test/**/*.test.ts", "ai-sdk-provider/test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks"
  }
})
