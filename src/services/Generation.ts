/**
 * What the image and video generation services share (`Images`, `Videos`): the service shape
 * (`generate` with its `preferAsync` overloads, `generateAndWait`), building the POST (image
 * input, params merged into the body, Idempotency-Key), the `Prefer: respond-async` header,
 * telling a 202 acknowledgement from a finished result, and waiting on it (`Requests`' wait).
 *
 * `imageFile` uploads: the wire encoding is not known (reference §2.3: inferred); this is the one
 * place that decides it: the bytes are sent as a base64 `data:` URI in `image_url`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { toDataUri } from "../internal/dataUri.js"
import { GenerationFailedError, ValidationError, VisgateError } from "../schemas/Errors.js"
import type { VisgateApiError, WaitTimeoutError } from "../schemas/Errors.js"
import { AcceptedFromWire, AcceptedResult, type RequestStatus } from "../schemas/Requests.js"
import { type RequestWaitOptions, waitRequest } from "./Requests.js"
import type { Decoder, JsonResponse, RequestSpec, Service as Client } from "./VisgateClient.js"
import { endpointOf, makeIdempotencyKey } from "./VisgateClient.js"

// -----------------------------------------------------------------------------
// Image input
// -----------------------------------------------------------------------------

/** What `imageFile` accepts: a `Blob` (or `File`), an `ArrayBuffer` or a `Uint8Array`. */
export type ImageFile = Blob | ArrayBuffer | Uint8Array

const isBlob = (u: unknown): u is Blob => typeof Blob !== "undefined" && u instanceof Blob

/** Reads and encodes an image file as a `data:` URI, refusing files over `maxBytes`. */
export const imageFileToDataUri = (file: ImageFile, maxBytes: number): Effect.Effect<string, ValidationError> => {
  const tooBig = (size: number) =>
    new ValidationError({
      message: `imageFile is ${size} bytes; the limit is ${maxBytes} bytes (set maxImageBytes to change it, ` +
        `or upload the image and pass imageUrl instead)`,
      errorCode: "IMAGE_TOO_LARGE",
      field: "imageFile",
      details: { size, maxBytes }
    })
  if (isBlob(file)) {
    if (file.size > maxBytes) return Effect.fail(tooBig(file.size))
    return Effect.tryPromise({
      try: () => file.arrayBuffer(),
      catch: (cause) =>
        new ValidationError({
          message: `imageFile could not be read: ${String(cause)}`,
          errorCode: "INVALID_ARGUMENT",
          field: "imageFile"
        })
    }).pipe(Effect.map((buffer) => toDataUri(new Uint8Array(buffer), file.type)))
  }
  if (file instanceof ArrayBuffer || file instanceof Uint8Array) {
    const bytes = file instanceof Uint8Array ? file : new Uint8Array(file)
    if (bytes.byteLength > maxBytes) return Effect.fail(tooBig(bytes.byteLength))
    if (bytes.byteLength === 0) {
      return Effect.fail(
        new ValidationError({ message: "imageFile is empty", errorCode: "INVALID_ARGUMENT", field: "imageFile" })
      )
    }
    return Effect.succeed(toDataUri(bytes, ""))
  }
  return Effect.fail(
    new ValidationError({
      message: "imageFile must be a Blob, File, ArrayBuffer or Uint8Array",
      errorCode: "INVALID_ARGUMENT",
      field: "imageFile"
    })
  )
}

/**
 * Resolves `imageUrl` / `imageFile` into the one wire `image_url` value (or none).
 * Passing both is an error.
 */
export const resolveImageInput = (
  imageUrl: string | null | undefined,
  imageFile: ImageFile | null | undefined,
  maxBytes: number
): Effect.Effect<string | undefined, ValidationError> => {
  if (imageFile !== undefined && imageFile !== null) {
    if (imageUrl !== undefined && imageUrl !== null && imageUrl !== "") {
      return Effect.fail(
        new ValidationError({
          message: "Pass either imageUrl or imageFile, not both",
          errorCode: "INVALID_ARGUMENT",
          field: "imageFile"
        })
      )
    }
    return imageFileToDataUri(imageFile, maxBytes)
  }
  return Effect.succeed(imageUrl === null || imageUrl === "" ? undefined : imageUrl)
}

// -----------------------------------------------------------------------------
// Generation requests
// -----------------------------------------------------------------------------

/**
 * Extra provider params are merged into the top level of the body (reference §2.2, §7.8: the
 * only code evidence). Typed options win over a param of the same wire name.
 */
export const mergeParams = (
  params: Readonly<Record<string, unknown>> | null | undefined,
  body: Record<string, unknown>
): Record<string, unknown> => (params === null || params === undefined ? body : { ...params, ...body })

/** The options of `images.generate` and `videos.generate` that this module handles. */
export interface GenerationRequestOptions {
  readonly imageUrl?: string | null | undefined
  readonly imageFile?: ImageFile | null | undefined
  readonly params?: Readonly<Record<string, unknown>> | null | undefined
  readonly idempotencyKey?: string | null | undefined
}

/**
 * Builds a generation POST to `path`, before any request: the image input resolved (`imageFile`
 * becomes a data URI in `image_url`, capped by `maxImageBytes`), the body validated and encoded by
 * `encodeBody` (given that image URL), `params` merged, and the caller's Idempotency-Key or a new one.
 */
export const buildGenerationSpec = (
  client: Client,
  path: string,
  options: GenerationRequestOptions,
  encodeBody: (imageUrl: string | undefined) => Effect.Effect<Record<string, unknown>, ValidationError>,
  query?: RequestSpec["query"]
): Effect.Effect<RequestSpec, VisgateApiError> =>
  Effect.flatMap(
    resolveImageInput(options.imageUrl, options.imageFile, client.config.maxImageBytes),
    (imageUrl) =>
      Effect.map(encodeBody(imageUrl), (body): RequestSpec => ({
        method: "POST",
        path,
        query,
        body: mergeParams(options.params, body),
        idempotencyKey: options.idempotencyKey ?? true
      }))
  )

const decodeAccepted = Schema.decodeUnknown(AcceptedFromWire)

/** A 202, or a body with `request_id` and status `pending` / `accepted` (reference §1.6). */
export const isAcceptedResponse = (response: JsonResponse): boolean => {
  if (response.status === 202) return true
  const body = response.body
  if (typeof body !== "object" || body === null) return false
  const record = body as Record<string, unknown>
  return typeof record.request_id === "string" &&
    (record.status === "pending" || record.status === "accepted")
}

/**
 * Sends a generation POST. With `preferAsync`, a 202 becomes an {@link AcceptedResult};
 * without it, a 202 is reported as an error carrying the request id rather than mis-decoded.
 */
export const sendGeneration = <A>(
  client: Client,
  spec: RequestSpec,
  preferAsync: boolean,
  decodeResult: Decoder<A>
): Effect.Effect<A | AcceptedResult, VisgateApiError> => {
  const endpoint = endpointOf(spec)
  const request: RequestSpec = preferAsync
    ? { ...spec, headers: { ...spec.headers, prefer: "respond-async" } }
    : spec
  return Effect.flatMap(client.send(request), (response): Effect.Effect<A | AcceptedResult, VisgateApiError> => {
    if (!isAcceptedResponse(response)) return client.decode(decodeResult, response.body, endpoint)
    if (preferAsync) return client.decode(decodeAccepted, response.body, endpoint)
    return Effect.flatMap(client.decode(decodeAccepted, response.body, endpoint), (accepted) =>
      Effect.fail(
        new VisgateError({
          message: `${endpoint} was accepted for async processing (request ${accepted.requestId}) although ` +
            "preferAsync was not set; wait with requests.wait(requestId), or use generateAndWait",
          errorCode: "UNEXPECTED_ASYNC_RESPONSE",
          statusCode: response.status,
          details: { requestId: accepted.requestId },
          requestId: accepted.requestId
        })
      ))
  })
}

/**
 * Sends a generation POST with `preferAsync` and waits for the outcome: a 200 result is returned
 * as is (a `failed` one fails with `GenerationFailedError`); a 202 is followed by polling
 * `GET /requests/{id}` until terminal, returning the final `RequestStatus` (its `outputUrl`
 * holds the media).
 */
export const sendGenerationAndWait = <A extends { readonly id: string; readonly status: string }>(
  client: Client,
  spec: RequestSpec,
  decodeResult: Decoder<A>,
  options: RequestWaitOptions = {}
): Effect.Effect<A | RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError> =>
  Effect.flatMap(
    sendGeneration(client, spec, true, decodeResult),
    (result): Effect.Effect<A | RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError> => {
      if (result instanceof AcceptedResult) return waitRequest(client, result.requestId, options)
      const done = result as A
      if (done.status === "failed") {
        return Effect.fail(
          new GenerationFailedError({
            message: `Generation ${done.id} failed`,
            errorCode: "GENERATION_FAILED",
            requestId: done.id
          })
        )
      }
      return Effect.succeed(done)
    }
  )

/** The options every generation service accepts (`preferAsync` switches to async mode). */
export interface GenerationOptions {
  readonly preferAsync?: boolean | null | undefined
}

/**
 * The shape shared by `Images` and `Videos`: `generate` (with overloads so `preferAsync: true`
 * widens the result to the 202 acknowledgement) and `generateAndWait`.
 */
export interface GenerationService<O extends GenerationOptions, R> {
  /** Async mode: the result, or the 202 acknowledgement `{ status: "accepted", requestId }`. */
  generate(
    model: string,
    prompt: string,
    options: O & { readonly preferAsync: true }
  ): Effect.Effect<R | AcceptedResult, VisgateApiError>
  /** Waits for the media in one request (long videos may hit proxy timeouts). */
  generate(
    model: string,
    prompt: string,
    options?: O & { readonly preferAsync?: false | null | undefined }
  ): Effect.Effect<R, VisgateApiError>
  generate(model: string, prompt: string, options?: O): Effect.Effect<R | AcceptedResult, VisgateApiError>
  /**
   * Submits with `preferAsync` and waits: a 200 answer is the result; a 202 is polled
   * (`GET /requests/{id}`, see `Requests.wait`) and the final `RequestStatus` is returned, its
   * `outputUrl` holding the media. Tell them apart with `"requestId" in result`. Fails with
   * `GenerationFailedError` when the job failed and `WaitTimeoutError` past `timeout`.
   */
  generateAndWait(
    model: string,
    prompt: string,
    options?: Omit<O, "preferAsync"> & RequestWaitOptions
  ): Effect.Effect<R | RequestStatus, VisgateApiError | WaitTimeoutError | GenerationFailedError>
}

/**
 * The options with the caller's Idempotency-Key, or a new one (made now, once per Effect value). A
 * given key is kept as it is, even blank: the core client refuses one a header cannot carry.
 */
const withKey = <O extends { readonly idempotencyKey?: string | null | undefined }>(options: O): O =>
  typeof options.idempotencyKey === "string"
    ? options
    : { ...options, idempotencyKey: makeIdempotencyKey() }

/**
 * Builds a generation service from its request builder (validation and body, before any
 * request) and its result decoder.
 */
export const makeGenerationService = <
  O extends GenerationOptions & { readonly idempotencyKey?: string | null | undefined },
  R extends { readonly id: string; readonly status: string }
>(
  client: Client,
  buildSpec: (
    model: string,
    prompt: string,
    options: Omit<O, "preferAsync">
  ) => Effect.Effect<RequestSpec, VisgateApiError>,
  decodeResult: Decoder<R>
): GenerationService<O, R> => {
  // The Idempotency-Key is fixed here, when the Effect value is made: running the same effect again
  // (`Effect.retry`, `Effect.repeat`, a caller's own Schedule) sends the same key every time.
  const generate = (model: string, prompt: string, options: O = {} as O) => {
    const keyed = withKey(options)
    return Effect.flatMap(
      buildSpec(model, prompt, keyed),
      (spec) => sendGeneration(client, spec, options.preferAsync === true, decodeResult)
    )
  }
  const generateAndWait = (
    model: string,
    prompt: string,
    options: Omit<O, "preferAsync"> & RequestWaitOptions = {} as O
  ) => {
    const keyed = withKey(options)
    return Effect.flatMap(
      buildSpec(model, prompt, keyed),
      (spec) => sendGenerationAndWait(client, spec, decodeResult, options)
    )
  }
  return { generate, generateAndWait } as GenerationService<O, R>
}
