/**
 * Outbound webhooks of the fake (reference §3.13): a `POST` of the JSON payload to the
 * `user_webhook_url` the caller gave, with `X-Visgate-Internal-Secret` when `webhookSecret` is
 * configured, 3 attempts (waits of 1 s, then 2 s), a 10 s timeout per attempt, any 2xx counting as
 * delivered. Waits and timeouts run on the fake's clock (`fake.advance(ms)`; with a clock that is
 * not frozen, also on real timers), so tests drive retries without sleeping.
 *
 * Outbound HTTP goes only to the URL given (redirects are not followed: a 3xx is a failed attempt),
 * through `webhookFetch` (default the global `fetch`).
 *
 * @internal
 */
import type { FakeClock } from "./clock.js"
import type { FakeVisgateOptions } from "./types.js"

/** Attempts per delivery and the waits between them (ms), as the Deploy API. */
export const WEBHOOK_ATTEMPTS = 3
export const WEBHOOK_RETRY_WAITS_MS: ReadonlyArray<number> = [1_000, 2_000]
/** Timeout of one attempt (ms of the fake's clock). */
export const WEBHOOK_TIMEOUT_MS = 10_000

/** One attempt of a delivery. */
export interface FakeWebhookAttempt {
  /** fake time the attempt started */
  readonly startedAt: number
  /** fake time it ended */
  readonly endedAt: number
  /** HTTP status of the answer, when there was one */
  readonly status?: number
  /** why it failed without an answer (connection refused, timed out, ...) */
  readonly error?: string
}

/** One webhook the fake sent (or is sending). */
export interface FakeWebhookDelivery {
  readonly id: string
  readonly url: string
  /** the payload's `event`, e.g. `deployment_ready` */
  readonly event: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly attempts: ReadonlyArray<FakeWebhookAttempt>
  /** `pending` while attempts remain; `delivered` on a 2xx; `failed` after the last attempt */
  readonly state: "pending" | "delivered" | "failed"
}

interface MutableDelivery extends FakeWebhookDelivery {
  readonly attempts: Array<FakeWebhookAttempt>
  state: "pending" | "delivered" | "failed"
}

interface Timer {
  readonly at: number
  readonly fn: () => void
  real?: ReturnType<typeof setTimeout>
}

const describe = (error: unknown): string => {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause
    const code = typeof cause === "object" && cause !== null && "code" in cause ? ` (${String(cause.code)})` : ""
    return `${error.message}${code}`
  }
  return String(error)
}

export class FakeWebhooks {
  private readonly log: Array<MutableDelivery> = []
  private timers: Array<Timer> = []
  private readonly inflight = new Set<Promise<void>>()
  private readonly controllers = new Set<AbortController>()
  private counter = 0
  private generation = 0

  constructor(private readonly clock: FakeClock, private readonly options: Readonly<FakeVisgateOptions>) {
    clock.subscribe(() => this.fire())
  }

  /** Every delivery so far, oldest first. */
  get deliveries(): ReadonlyArray<FakeWebhookDelivery> {
    return this.log
  }

  /**
   * Runs `fn` once the fake's clock reaches `at` (checked on every `advance`, and on a real timer
   * when the clock is not frozen). Returns a function that cancels it.
   */
  at(at: number, fn: () => void): () => void {
    const timer: Timer = { at, fn }
    this.timers.push(timer)
    if (this.options.startAt === undefined) {
      const delay = Math.max(0, at - this.clock.now())
      timer.real = setTimeout(() => this.fire(), delay)
      ;(timer.real as { unref?: () => void }).unref?.()
    }
    if (at <= this.clock.now()) queueMicrotask(() => this.fire())
    return () => this.cancel(timer)
  }

  /** Sends `payload` to `url` (attempt 1 now); `onFailed` runs when every attempt failed. */
  deliver(url: string, payload: Readonly<Record<string, unknown>>, onFailed?: () => void): void {
    const delivery: MutableDelivery = {
      id: `whd_${++this.counter}`,
      url,
      event: String(payload.event),
      payload,
      attempts: [],
      state: "pending"
    }
    this.log.push(delivery)
    this.attempt(delivery, 1, onFailed)
  }

  /** Resolves once no attempt is in flight (retries waiting for the clock stay scheduled). */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
  }

  /** Forgets deliveries and scheduled retries; aborts attempts in flight. */
  reset(): void {
    this.generation++
    for (const t of this.timers) if (t.real !== undefined) clearTimeout(t.real)
    this.timers = []
    for (const c of this.controllers) c.abort(new Error("fake reset"))
    this.controllers.clear()
    this.log.length = 0
  }

  private cancel(timer: Timer): void {
    if (timer.real !== undefined) clearTimeout(timer.real)
    this.timers = this.timers.filter((t) => t !== timer)
  }

  private fire(): void {
    const now = this.clock.now()
    const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)
    if (due.length === 0) return
    this.timers = this.timers.filter((t) => t.at > now)
    for (const t of due) {
      if (t.real !== undefined) clearTimeout(t.real)
      t.fn()
    }
  }

  private attempt(delivery: MutableDelivery, n: number, onFailed: (() => void) | undefined): void {
    const generation = this.generation
    const startedAt = this.clock.now()
    const controller = new AbortController()
    this.controllers.add(controller)
    const stopTimeout = this.at(
      startedAt + WEBHOOK_TIMEOUT_MS,
      () => controller.abort(new Error(`timed out after ${WEBHOOK_TIMEOUT_MS / 1000} s`))
    )
    const secret = this.options.webhookSecret
    const send = this.options.webhookFetch ?? globalThis.fetch
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "visgate-deploy-api-fake/1"
    }
    if (secret !== undefined && secret !== "") headers["x-visgate-internal-secret"] = secret
    const run = (async (): Promise<FakeWebhookAttempt> => {
      try {
        const response = await send(delivery.url, {
          method: "POST",
          headers,
          body: JSON.stringify(delivery.payload),
          redirect: "manual",
          signal: controller.signal
        })
        await response.body?.cancel().catch(() => undefined)
        return { startedAt, endedAt: this.clock.now(), status: response.status }
      } catch (error) {
        const reason = controller.signal.aborted ? controller.signal.reason : error
        return { startedAt, endedAt: this.clock.now(), error: describe(reason) }
      }
    })().then((result) => {
      stopTimeout()
      this.controllers.delete(controller)
      if (generation !== this.generation) return
      delivery.attempts.push(result)
      if (result.status !== undefined && result.status >= 200 && result.status < 300) {
        delivery.state = "delivered"
      } else if (n < WEBHOOK_ATTEMPTS) {
        const wait = WEBHOOK_RETRY_WAITS_MS[n - 1]!
        this.at(result.endedAt + wait, () => this.attempt(delivery, n + 1, onFailed))
      } else {
        delivery.state = "failed"
        onFailed?.()
      }
    })
    this.inflight.add(run)
    void run.finally(() => this.inflight.delete(run))
  }
}
