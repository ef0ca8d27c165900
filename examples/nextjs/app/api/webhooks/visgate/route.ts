// Visgate webhooks: give this route's URL (https://<your-app>/api/webhooks/visgate) as
// `webhookUrl` when you create a deployment or an inference job. The Deploy API POSTs
// `deployment_ready` and `inference_job_<status>` here with the X-Visgate-Internal-Secret header;
// `unwrap` checks it against VISGATE_WEBHOOK_SECRET (constant time; refused when unset), caps the
// body at 1 MiB and parses the event. `npm run dev` / `npm start` set the secret for the fake API.
import { DecodeError, unwrap, type WebhookEvent, WebhookVerificationError } from "@visgate_ai/client/webhooks"

export const dynamic = "force-dynamic"

export async function POST(request: Request): Promise<Response> {
  let event: WebhookEvent
  try {
    event = await unwrap(request, { secret: process.env.VISGATE_WEBHOOK_SECRET })
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      // the message never contains a secret: safe to log
      console.warn(`[visgate webhook] refused: ${error.message}`)
      return Response.json({ error: error.errorCode }, { status: error.reason === "body_too_large" ? 413 : 401 })
    }
    if (error instanceof DecodeError) {
      console.warn(`[visgate webhook] malformed (${error.field ?? "body"}): ${error.message}`)
      return Response.json({ error: error.errorCode, field: error.field }, { status: 400 })
    }
    throw error
  }

  switch (event.event) {
    case "deployment_ready":
      console.log(`[visgate webhook] deployment ${event.deploymentId} ready at ${event.endpointUrl ?? "?"}`)
      break
    case "unknown":
      console.log(`[visgate webhook] unhandled event ${event.rawEvent}`)
      break
    default:
      // inference_job_completed | inference_job_failed | inference_job_cancelled | inference_job_expired
      console.log(`[visgate webhook] job ${event.jobId} ${event.status}`, event.artifact?.url ?? event.error ?? "")
  }
  // any 2xx counts as delivered; answer fast and do slow work elsewhere (the server waits 10 s)
  return new Response(null, { status: 204 })
}
