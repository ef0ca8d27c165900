import { Demo } from "./Demo"

export default function Page() {
  return (
    <main>
      <h1>
        Visgate <small>Next.js App Router</small>
      </h1>
      <p className="hint">
        The browser talks to <code>/api/visgate</code> only; the API key stays on the server
        (<code>app/api/visgate/[...path]/route.ts</code>).
      </p>
      <Demo />
    </main>
  )
}
