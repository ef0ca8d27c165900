"use client"

import { Client, isVisgateError, VIDEO_MODEL_PRESETS, type ImageResult } from "@visgate_ai/client"
import { type FormEvent, useEffect, useState } from "react"

// The model picker: `client.models.list()` reads `GET /models` through the same proxy. If that
// call fails, the page shows the error and keeps a static list so generation still works.
const FALLBACK_MODELS = ["fal-ai/flux/schnell", "fal-ai/flux-pro", "fal-ai/flux/dev"]
const VIDEO_MODELS: string[] = Object.values(VIDEO_MODEL_PRESETS)

const describeError = (error: unknown) => (isVisgateError(error) ? `${error.name}: ${error.message}` : String(error))

// No API key in the browser: every call goes to the same-origin proxy, which adds the key.
// One client for the page, made on first use (in the browser). It is not closed in an effect
// cleanup: React's Strict Mode runs cleanups once on mount in development.
let browserClient: Client | undefined
const getClient = () => (browserClient ??= new Client({ proxyUrl: "/api/visgate" }))

export function Demo() {
  const [models, setModels] = useState<{ ids: string[]; source: string }>({ ids: ["fal-ai/flux/schnell"], source: "" })
  const [prompt, setPrompt] = useState("a lighthouse at dawn, watercolor")
  const [model, setModel] = useState("fal-ai/flux/schnell")
  const [videoModel, setVideoModel] = useState(VIDEO_MODELS[0])
  const [image, setImage] = useState<ImageResult | null>(null)
  const [generating, setGenerating] = useState(false)
  const [videoLog, setVideoLog] = useState<string[]>([])
  const [videoUrl, setVideoUrl] = useState<string | null>(null)
  const [videoRunning, setVideoRunning] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    getClient()
      .models.list({ mediaType: "image", limit: 20 })
      .then(
        (page) => {
          if (cancelled) return
          const ids = page.models.map((m) => m.id)
          setModels({ ids, source: `${ids.length} image models from GET /models (client.models.list)` })
        },
        (e: unknown) => {
          if (cancelled) return
          setError(describeError(e))
          setModels({ ids: FALLBACK_MODELS, source: "static fallback list (client.models.list failed, see the error)" })
        }
      )
    return () => {
      cancelled = true
    }
  }, [])

  const generateImage = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    setGenerating(true)
    try {
      setImage(await getClient().images.generate(model, prompt, { width: 512, height: 512 }))
    } catch (e) {
      setError(describeError(e))
    } finally {
      setGenerating(false)
    }
  }

  const generateVideo = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    setVideoRunning(true)
    setVideoUrl(null)
    setVideoLog([])
    const push = (status: string) => setVideoLog((log) => (log.at(-1) === status ? log : [...log, status]))
    try {
      // Async mode: the API answers 202 at once; poll GET /requests/{id} for live status.
      const client = getClient()
      const started = await client.videos.generate(videoModel, prompt, { preferAsync: true, durationSeconds: 5 })
      if (started.status !== "accepted") {
        push(started.status)
        setVideoUrl(started.videoUrl ?? null)
        return
      }
      push("accepted")
      for (;;) {
        const current = await client.requests.get(started.requestId)
        push(current.status)
        if (current.status === "completed") {
          setVideoUrl(current.outputUrl ?? null)
          break
        }
        if (current.status === "failed") throw new Error(current.errorMessage ?? "video generation failed")
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
    } catch (e) {
      setError(describeError(e))
    } finally {
      setVideoRunning(false)
    }
  }

  return (
    <>
      <section className="card">
        <h2>Image</h2>
        <form id="image-form" onSubmit={generateImage}>
          <label>
            Prompt <textarea id="prompt" rows={2} required value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </label>
          <label>
            Model{" "}
            <select id="model" value={model} onChange={(e) => setModel(e.target.value)}>
              {models.ids.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <button id="generate" type="submit" disabled={generating}>
            {generating ? "Generating…" : "Generate image"}
          </button>
        </form>
        {image && (
          <div id="image-result">
            {/* eslint-disable-next-line @next/next/no-img-element -- generated URLs live on the API's storage */}
            <img id="image" src={image.images[0] ?? ""} alt="Generated image" />
            <dl>
              <dt>Cost</dt>
              <dd id="cost">${image.cost.toFixed(4)}</dd>
              <dt>Cache</dt>
              <dd id="cache">{image.cacheHit ? `hit (${image.cacheSource ?? "cache"})` : "miss"}</dd>
              <dt>Provider</dt>
              <dd id="provider">
                {image.provider} · {image.model}
              </dd>
            </dl>
          </div>
        )}
      </section>

      <section className="card">
        <h2>Video (async)</h2>
        <form id="video-form" onSubmit={generateVideo}>
          <label>
            Model{" "}
            <select id="video-model" value={videoModel} onChange={(e) => setVideoModel(e.target.value)}>
              {VIDEO_MODELS.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <button id="generate-video" type="submit" disabled={videoRunning}>
            Generate video
          </button>
        </form>
        <p>
          Status: <strong id="video-status">{videoLog.at(-1) ?? "idle"}</strong>{" "}
          {videoUrl && (
            <a id="video-link" href={videoUrl} target="_blank" rel="noreferrer">
              open video
            </a>
          )}
        </p>
        <ol id="video-log">
          {videoLog.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
      </section>

      {error && (
        <p id="error" role="alert">
          {error}
        </p>
      )}
      <p id="models-source" className="hint">
        {models.source && `Models: ${models.source}.`}
      </p>
    </>
  )
}
