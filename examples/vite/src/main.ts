import { Client, isVisgateError, VIDEO_MODEL_PRESETS } from "@visgate_ai/client"
import "./style.css"

// No API key in the browser: every call goes to the same-origin proxy, which adds the key.
const client = new Client({ proxyUrl: "/api/visgate" })

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

const showError = (error: unknown) => {
  const el = $<HTMLParagraphElement>("error")
  el.textContent = isVisgateError(error) ? `${error.name}: ${error.message}` : String(error)
  el.hidden = false
}
const clearError = () => {
  $<HTMLParagraphElement>("error").hidden = true
}

// The model picker: `client.models.list()` reads `GET /models` through the same proxy. If that
// call fails, the page shows the error and keeps a static list so generation still works.
const FALLBACK_MODELS = ["fal-ai/flux/schnell", "fal-ai/flux-pro", "fal-ai/flux/dev"]
const loadModels = async () => {
  const select = $<HTMLSelectElement>("model")
  let ids: string[]
  let source: string
  try {
    const page = await client.models.list({ mediaType: "image", limit: 20 })
    ids = page.models.map((m) => m.id)
    source = `${ids.length} image models from GET /models (client.models.list)`
  } catch (error) {
    showError(error)
    ids = FALLBACK_MODELS
    source = "static fallback list (client.models.list failed, see the error)"
  }
  select.replaceChildren(...ids.map((id) => new Option(id, id, id === "fal-ai/flux/schnell", id === "fal-ai/flux/schnell")))
  $("models-source").textContent = `Models: ${source}.`
}

const videoSelect = $<HTMLSelectElement>("video-model")
videoSelect.replaceChildren(...Object.values(VIDEO_MODEL_PRESETS).map((id) => new Option(id, id)))

$<HTMLFormElement>("image-form").addEventListener("submit", async (event) => {
  event.preventDefault()
  clearError()
  const button = $<HTMLButtonElement>("generate")
  button.disabled = true
  button.textContent = "Generating…"
  try {
    const prompt = $<HTMLTextAreaElement>("prompt").value
    const model = $<HTMLSelectElement>("model").value
    const result = await client.images.generate(model, prompt, { width: 512, height: 512 })
    const img = $<HTMLImageElement>("image")
    img.src = result.images[0] ?? ""
    $("cost").textContent = `$${result.cost.toFixed(4)}`
    $("cache").textContent = result.cacheHit ? `hit (${result.cacheSource ?? "cache"})` : "miss"
    $("provider").textContent = `${result.provider} · ${result.model}`
    $("image-result").hidden = false
  } catch (error) {
    showError(error)
  } finally {
    button.disabled = false
    button.textContent = "Generate image"
  }
})

$<HTMLFormElement>("video-form").addEventListener("submit", async (event) => {
  event.preventDefault()
  clearError()
  const button = $<HTMLButtonElement>("generate-video")
  const status = $("video-status")
  const log = $("video-log")
  const link = $<HTMLAnchorElement>("video-link")
  button.disabled = true
  link.hidden = true
  log.replaceChildren()
  const setStatus = (value: string) => {
    status.textContent = value
    if (log.lastElementChild?.textContent !== value) log.append(Object.assign(document.createElement("li"), { textContent: value }))
  }
  try {
    const prompt = $<HTMLTextAreaElement>("prompt").value
    // Async mode: the API answers 202 at once; poll GET /requests/{id} for live status.
    const started = await client.videos.generate(videoSelect.value, prompt, { preferAsync: true, durationSeconds: 5 })
    if (started.status !== "accepted") {
      setStatus(started.status)
      if (started.videoUrl) Object.assign(link, { href: started.videoUrl, hidden: false })
      return
    }
    setStatus("accepted")
    for (;;) {
      const current = await client.requests.get(started.requestId)
      setStatus(current.status)
      if (current.status === "completed") {
        if (current.outputUrl) Object.assign(link, { href: current.outputUrl, hidden: false })
        break
      }
      if (current.status === "failed") throw new Error(current.errorMessage ?? "video generation failed")
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  } catch (error) {
    showError(error)
  } finally {
    button.disabled = false
  }
})

void loadModels()
