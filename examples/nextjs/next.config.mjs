import { fileURLToPath } from "node:url"

const here = fileURLToPath(new URL(".", import.meta.url))

/** @type {import("next").NextConfig} */
const nextConfig = {
  // This example lives inside the SDK's repository: keep Next.js from taking the repo root
  // (which has its own package-lock.json) for the workspace root.
  turbopack: { root: here },
  outputFileTracingRoot: here
}

export default nextConfig
