// A module worker (workerd) and an edge function (edge-runtime): bundled by run.mjs, as those
// platforms deploy code. GET /?base=<fake API URL> runs the smoke and answers with its result.
import * as sdk from "@visgate_ai/client"
import { smoke } from "./smoke.mjs"

export const run = async (base) => {
  try {
    return { ok: true, done: await smoke(sdk, base) }
  } catch (e) {
    return { ok: false, error: String(e?.stack ?? e) }
  }
}

export default {
  async fetch(request) {
    return Response.json(await run(new URL(request.url).searchParams.get("base")))
  }
}
