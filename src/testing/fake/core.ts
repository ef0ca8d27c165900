/**
 * The core every route group shares: options, timings, the seeded generator, the clock, the
 * organisations, the failure predicate, `settle` (bringing simulated work up to a time) and the
 * public base of media URLs. `FakeVisgate` builds one and hands it to each route group.
 *
 * @internal
 */
import { FakeClock } from "./clock.js"
import { Organisations } from "./orgs.js"
import { Prng } from "./random.js"
import type { RouteContext } from "./router.js"
import { defaultTimings, type FailureQuery, type FakeTimings, type FakeVisgateOptions } from "./types.js"
import { FakeWebhooks } from "./webhooks.js"

export class FakeCore {
  readonly options: Readonly<FakeVisgateOptions>
  /** the API base path without a trailing slash (`""` for the root) */
  readonly basePath: string
  readonly timings: FakeTimings
  readonly seed: number
  readonly clock: FakeClock
  readonly orgs: Organisations
  /** outbound webhooks (`user_webhook_url`) and the fake-clock timers of their retries */
  readonly webhooks: FakeWebhooks
  /** every id, latency and rate is drawn from it; a new one on `reset()` */
  rng: Prng
  private readonly settlers: Array<(now: number) => void> = []

  constructor(options: FakeVisgateOptions) {
    this.options = options
    this.seed = options.seed ?? 1
    this.rng = new Prng(this.seed)
    const base = options.basePath ?? "/api/v1"
    this.basePath = base === "/" ? "" : base.replace(/\/+$/, "")
    const t = options.timings ?? {}
    this.timings = {
      ...defaultTimings,
      ...Object.fromEntries(Object.entries(t).filter(([k, v]) => k !== "deployment" && v !== undefined)),
      deployment: { ...defaultTimings.deployment, ...t.deployment }
    } as FakeTimings
    this.clock = new FakeClock(options)
    this.orgs = new Organisations(this.seed, options)
    this.webhooks = new FakeWebhooks(this.clock, options)
  }

  /** Whether this work fails (`options.failWhen`, by default: the prompt contains "fail"). */
  fails(q: FailureQuery): boolean {
    return this.options.failWhen ? this.options.failWhen(q) : /fail/i.test(q.prompt)
  }

  /** Registers a step of `settle`; steps run in registration order. */
  onSettle(step: (now: number) => void): void {
    this.settlers.push(step)
  }

  /** Brings async jobs, deployments and inference jobs up to `now`. */
  settle(now: number): void {
    for (const step of this.settlers) step(now)
  }

  /** The base of output URLs: `options.origin` + base path, else the request's origin and mount prefix. */
  mediaBase(rc: RouteContext): string {
    const origin = this.options.origin
    return origin ? `${origin.replace(/\/+$/, "")}${this.basePath}` : `${rc.url.origin}${rc.prefix}`
  }

  /** Forgets the organisations, webhook deliveries, the clock offset and the generator's position. */
  reset(): void {
    this.orgs.reset()
    this.webhooks.reset()
    this.clock.reset()
    this.rng = new Prng(this.seed)
  }
}
