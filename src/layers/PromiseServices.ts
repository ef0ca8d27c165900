/**
 * Composition only: the generation path's services, on the core client. The Promise client
 * builds these when it is made; its other resources add their services on first use
 * (`client/lazy.ts`). A module of its own so that the Promise entry imports none of the other
 * services (`VisgateServices.ts` composes everything).
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import type { TransportService } from "../internal/transport.js"
import * as Generate from "../services/Generate.js"
import * as Health from "../services/Health.js"
import * as Images from "../services/Images.js"
import * as Requests from "../services/Requests.js"
import * as Videos from "../services/Videos.js"
import * as VisgateClient from "../services/VisgateClient.js"
import type * as VisgateConfig from "../services/VisgateConfig.js"

/** The services of the generation path. */
export type PromiseServices =
  | VisgateConfig.VisgateConfig
  | VisgateClient.VisgateClient
  | Generate.Generate
  | Images.Images
  | Videos.Videos
  | Requests.Requests
  | Health.Health

/** The generation path's services, on top of the core client. */
export const generation = Layer.mergeAll(Generate.layer, Images.layer, Videos.layer, Requests.layer, Health.layer)

/**
 * The generation path's services for the Promise client: the core client straight on the fetch
 * transport, without tracing (`VisgateClient.layerUntraced`), which keeps the platform's client
 * and the span code out of its bundle.
 */
export const fromConfigUntraced = <E, R>(
  config: Layer.Layer<VisgateConfig.VisgateConfig, E, R>
): Layer.Layer<PromiseServices, E, R | TransportService> =>
  generation.pipe(
    Layer.provideMerge(VisgateClient.layerUntraced),
    Layer.provideMerge(config)
  )
