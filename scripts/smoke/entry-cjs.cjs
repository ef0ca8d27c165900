// CommonJS: `require` of the Promise entry by its package name, then the smoke. Prints SMOKE_OK or throws.
const sdk = require("@visgate_ai/client")
const { statSync } = require("node:fs")

import("./smoke.mjs")
  .then(({ smoke }) => smoke(sdk, process.env.SMOKE_BASE_URL, { dir: process.env.SMOKE_FILE_DIR, size: (p) => statSync(p).size }))
  .then((done) => console.log(`SMOKE_OK cjs ${done.join(", ")}`))
  .catch((e) => {
    console.error(e)
    process.exitCode = 1
  })
