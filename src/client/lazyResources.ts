/**
 * The Promise client's resources off the generation path, each loaded on its first call
 * (`lazy.ts`): `import()` of its resource file, whose `load...` adds its services to the client's
 * runtime. Each member list is checked against the resource's interface (`ResourceShape`), and
 * `Client`'s fields against what each load resolves with.
 *
 * @since 0.1.0
 */
import { lazyFunction, lazyResource } from "./lazy.js"
import type { ClientRuntime } from "./runtime.js"

/** The resources over `runtime`; nothing is loaded until one of their members is called. */
export const makeLazyResources = (runtime: ClientRuntime) => ({
  models: lazyResource(() => import("./Models.js").then((m) => m.loadModels(runtime)), {
    list: "promise",
    get: "promise",
    search: "promise",
    iterate: "iterable"
  }),
  usage: lazyResource(() => import("./Usage.js").then((m) => m.loadUsage(runtime)), {
    get: "promise",
    logs: "promise",
    dashboard: "promise",
    trackDownload: "promise"
  }),
  billing: lazyResource(() => import("./Billing.js").then((m) => m.loadBilling(runtime)), {
    getStats: "promise",
    getInfo: "promise",
    getPricing: "promise",
    checkout: "promise",
    updateSubscription: "promise"
  }),
  providers: lazyResource(() => import("./Providers.js").then((m) => m.loadProviders(runtime)), {
    listKeys: "promise",
    setKey: "promise",
    deleteKey: "promise",
    validateKey: "promise",
    balances: "promise"
  }),
  deployments: lazyResource(() => import("./Deployments.js").then((m) => m.loadDeployments(runtime)), {
    watch: "iterable",
    logs: "iterable",
    waitUntilReady: "promise",
    create: "promise",
    list: "promise",
    get: "promise",
    delete: "promise",
    run: "promise",
    getLogs: "promise",
    getCost: "promise",
    listGpus: "promise"
  }),
  jobs: lazyResource(() => import("./Jobs.js").then((m) => m.loadJobs(runtime)), {
    create: "promise",
    list: "promise",
    get: "promise",
    cancel: "promise",
    retry: "promise",
    wait: "promise",
    watch: "iterable",
    createAndWait: "promise"
  }),
  auth: lazyResource(() => import("./Account.js").then((m) => m.loadAuth(runtime)), { me: "promise" }),
  apiKeys: lazyResource(() => import("./Account.js").then((m) => m.loadApiKeys(runtime)), {
    list: "promise"
  }),
  download: lazyFunction(() => import("./Downloads.js").then((m) => m.loadDownload(runtime)))
})
