/**
 * The fake's model catalog: a fixed, deterministic list of about 180 models across
 * Fal, Replicate and Runway, images and videos, so `GET /models` paging, filters and
 * sorting have something to work on. Like the live catalog it does not list every
 * model generation accepts (`fal-ai/veo3` is accepted but absent).
 */
import { isoMain } from "./http.js"
import { Prng } from "./random.js"

/** A catalog entry, in wire (snake_case) form. */
export interface FakeModel {
  readonly id: string
  readonly name: string
  readonly provider: "fal" | "replicate" | "runway"
  readonly media_type: "image" | "video"
  readonly description: string
  readonly category: string
  readonly cover_image_url: string | null
  readonly author: string
  readonly url: string
  readonly tags: ReadonlyArray<string>
  /** micro-USD: per megapixel for images, per second for videos */
  readonly base_cost_micro: number
  /** micro-USD per typical output (1 MP image, 5 s video) */
  readonly normalized_cost_micro: number
  readonly pricing: string
  readonly pricing_unit: string
  readonly run_count: number
  readonly input_types: ReadonlyArray<string>
  readonly capabilities: ReadonlyArray<string>
  readonly output_type: string
  readonly first_seen_at: string
  readonly provider_created_at: string
  readonly last_synced_at: string
}

interface Seed {
  readonly id: string
  readonly name: string
  readonly media: "image" | "video"
  readonly cost: number
  readonly runs: number
  readonly i2x?: boolean
}

const known: ReadonlyArray<Seed> = [
  { id: "fal-ai/flux-pro", name: "FLUX.1 [pro]", media: "image", cost: 50_000, runs: 9_800_000 },
  { id: "fal-ai/flux/schnell", name: "FLUX Schnell", media: "image", cost: 3_000, runs: 9_500_000 },
  { id: "fal-ai/flux/dev", name: "FLUX.1 [dev]", media: "image", cost: 25_000, runs: 7_200_000, i2x: true },
  { id: "fal-ai/flux-pro/v1.1", name: "FLUX1.1 [pro]", media: "image", cost: 40_000, runs: 5_100_000 },
  { id: "fal-ai/flux-pro/v1.1-ultra", name: "FLUX1.1 [pro] ultra", media: "image", cost: 60_000, runs: 3_300_000 },
  { id: "fal-ai/recraft-v3", name: "Recraft V3", media: "image", cost: 40_000, runs: 2_900_000 },
  {
    id: "fal-ai/stable-diffusion-v35-large",
    name: "Stable Diffusion 3.5 Large",
    media: "image",
    cost: 65_000,
    runs: 1_400_000
  },
  { id: "fal-ai/ideogram/v2", name: "Ideogram V2", media: "image", cost: 80_000, runs: 1_100_000 },
  { id: "fal-ai/aura-flow", name: "AuraFlow", media: "image", cost: 20_000, runs: 600_000 },
  { id: "fal-ai/fast-sdxl", name: "Fast SDXL", media: "image", cost: 2_500, runs: 4_000_000, i2x: true },
  {
    id: "fal-ai/kling-video/v1.6/standard/text-to-video",
    name: "Kling 1.6 Standard",
    media: "video",
    cost: 45_000,
    runs: 2_100_000
  },
  {
    id: "fal-ai/kling-video/v1.6/standard/image-to-video",
    name: "Kling 1.6 Standard I2V",
    media: "video",
    cost: 45_000,
    runs: 1_900_000,
    i2x: true
  },
  { id: "fal-ai/minimax/video-01", name: "MiniMax Video-01", media: "video", cost: 100_000, runs: 1_700_000 },
  {
    id: "fal-ai/luma-dream-machine",
    name: "Luma Dream Machine",
    media: "video",
    cost: 100_000,
    runs: 1_200_000,
    i2x: true
  },
  { id: "fal-ai/hunyuan-video", name: "Hunyuan Video", media: "video", cost: 80_000, runs: 800_000 },
  { id: "fal-ai/ltx-video", name: "LTX Video", media: "video", cost: 4_000, runs: 700_000, i2x: true },
  { id: "fal-ai/wan/v2.1/1.3b/text-to-video", name: "Wan 2.1 1.3B", media: "video", cost: 40_000, runs: 500_000 },
  {
    id: "replicate/black-forest-labs/flux-schnell",
    name: "flux-schnell",
    media: "image",
    cost: 3_000,
    runs: 8_900_000
  },
  {
    id: "replicate/black-forest-labs/flux-dev",
    name: "flux-dev",
    media: "image",
    cost: 25_000,
    runs: 6_100_000,
    i2x: true
  },
  {
    id: "replicate/black-forest-labs/flux-1.1-pro",
    name: "flux-1.1-pro",
    media: "image",
    cost: 40_000,
    runs: 4_400_000
  },
  { id: "replicate/stability-ai/sdxl", name: "sdxl", media: "image", cost: 9_000, runs: 7_700_000, i2x: true },
  {
    id: "replicate/bytedance/sdxl-lightning-4step",
    name: "sdxl-lightning-4step",
    media: "image",
    cost: 2_000,
    runs: 6_800_000
  },
  { id: "replicate/ideogram-ai/ideogram-v2", name: "ideogram-v2", media: "image", cost: 80_000, runs: 900_000 },
  { id: "replicate/lucataco/cogvideox-5b", name: "cogvideox-5b", media: "video", cost: 30_000, runs: 300_000 },
  { id: "replicate/minimax/video-01", name: "video-01", media: "video", cost: 100_000, runs: 1_000_000, i2x: true },
  { id: "replicate/tencent/hunyuan-video", name: "hunyuan-video", media: "video", cost: 80_000, runs: 400_000 },
  { id: "replicate/genmo/mochi-1", name: "mochi-1", media: "video", cost: 60_000, runs: 200_000 },
  { id: "runway/gen4_image", name: "Gen-4 Image", media: "image", cost: 80_000, runs: 1_500_000, i2x: true },
  { id: "runway/gen4_turbo", name: "Gen-4 Turbo", media: "video", cost: 50_000, runs: 2_400_000, i2x: true },
  { id: "runway/gen3a_turbo", name: "Gen-3 Alpha Turbo", media: "video", cost: 50_000, runs: 1_800_000, i2x: true },
  { id: "runway/gen4_aleph", name: "Gen-4 Aleph", media: "video", cost: 150_000, runs: 300_000, i2x: true }
]

const adjectives = [
  "amber",
  "brisk",
  "cobalt",
  "dusky",
  "ember",
  "frost",
  "gilded",
  "hazel",
  "indigo",
  "jade",
  "kinetic",
  "lunar",
  "misty",
  "neon",
  "opal",
  "prism",
  "quartz",
  "rustic",
  "solar",
  "tidal"
]
const nouns = ["diffusion", "dream", "canvas", "motion", "lens", "pixel", "studio", "vision", "flow", "render"]
const owners = ["acme-labs", "pixelworks", "stability-ai", "lucataco", "fofr", "zsxkib", "cjwbw", "genmoai"]

const providerOf = (id: string): FakeModel["provider"] =>
  id.startsWith("replicate/") ? "replicate" : id.startsWith("runway/") ? "runway" : "fal"

const DAY = 86_400_000
const CATALOG_EPOCH = Date.UTC(2024, 5, 1)
const LAST_SYNCED = Date.UTC(2026, 1, 20, 6, 0, 0)

const build = (seed: Seed, index: number, rng: Prng): FakeModel => {
  const provider = providerOf(seed.id)
  const video = seed.media === "video"
  const capabilities = video
    ? seed.i2x ? ["text-to-video", "image-to-video"] : ["text-to-video"]
    : seed.i2x
    ? ["text-to-image", "image-to-image"]
    : ["text-to-image"]
  const firstSeen = CATALOG_EPOCH + rng.int(0, 600) * DAY
  const author = provider === "replicate" ? seed.id.split("/")[1]! : provider === "runway" ? "runwayml" : "fal-ai"
  const normalized = video ? seed.cost * 5 : seed.cost
  const pricing = video
    ? `$${(seed.cost / 1e6).toFixed(3)} per second`
    : `$${(seed.cost / 1e6).toFixed(4)} per megapixel`
  return {
    id: seed.id,
    name: seed.name,
    provider,
    media_type: seed.media,
    description: `${seed.name}: ${video ? "video" : "image"} generation on ${provider} (fake catalog entry ${
      index + 1
    }).`,
    category: capabilities[0]!,
    cover_image_url: null,
    author,
    url: provider === "fal"
      ? `https://fal.ai/models/${seed.id}`
      : provider === "replicate"
      ? `https://replicate.com/${seed.id.slice("replicate/".length)}`
      : `https://runwayml.com/${seed.id.slice("runway/".length)}`,
    tags: [...capabilities, video ? "video" : "image", seed.runs > 1_000_000 ? "popular" : "community"],
    base_cost_micro: seed.cost,
    normalized_cost_micro: normalized,
    pricing,
    pricing_unit: video ? "second" : "megapixel",
    run_count: seed.runs,
    input_types: seed.i2x ? ["text", "image"] : ["text"],
    capabilities,
    output_type: seed.media,
    first_seen_at: isoMain(firstSeen),
    provider_created_at: isoMain(firstSeen - rng.int(1, 90) * DAY),
    last_synced_at: isoMain(LAST_SYNCED)
  }
}

const buildCatalog = (): ReadonlyArray<FakeModel> => {
  const rng = new Prng(20260220)
  const seeds: Array<Seed> = [...known]
  const ids = new Set(seeds.map((s) => s.id))
  let n = 0
  while (seeds.length < 180) {
    const adj = adjectives[n % adjectives.length]!
    const noun = nouns[Math.floor(n / adjectives.length) % nouns.length]!
    const media: "image" | "video" = n % 3 === 2 ? "video" : "image"
    const version = 1 + (n % 4)
    const providerPick = n % 5
    const id = providerPick < 3
      ? `fal-ai/${adj}-${noun}${media === "video" ? "-video" : ""}/v${version}`
      : providerPick === 3
      ? `replicate/${owners[n % owners.length]}/${adj}-${noun}${media === "video" ? "-video" : ""}`
      : `replicate/${owners[(n + 3) % owners.length]}/${noun}-${adj}-${version}`
    n++
    if (ids.has(id)) continue
    ids.add(id)
    const title = `${adj[0]!.toUpperCase()}${adj.slice(1)} ${noun[0]!.toUpperCase()}${noun.slice(1)}`
    seeds.push({
      id,
      name: media === "video" ? `${title} Video v${version}` : `${title} v${version}`,
      media,
      cost: media === "video" ? rng.int(2, 40) * 5_000 : rng.int(1, 40) * 1_000,
      runs: rng.int(100, 900_000),
      i2x: rng.next() < 0.3
    })
  }
  return seeds.map((seed, i) => build(seed, i, rng))
}

/** The whole catalog, in its default (popular) order. */
export const catalog: ReadonlyArray<FakeModel> = buildCatalog()
  .slice()
  .sort((a, b) => b.run_count - a.run_count || a.id.localeCompare(b.id))

const byId = new Map(catalog.map((m) => [m.id, m]))

/** Looks a model up by id; also accepts Replicate ids without the `replicate/` prefix. */
export const findModel = (id: string): FakeModel | undefined => byId.get(id) ?? byId.get(`replicate/${id}`)

/** Prefixes of model ids that generation accepts even when they are not in the catalog. */
export const KNOWN_PREFIXES = ["fal-ai/", "replicate/", "runway/"] as const

const VIDEO_HINT =
  /(video|veo|gen3|gen4_turbo|gen4_aleph|kling|cogvideo|luma|mochi|hunyuan|wan\/|ltx|minimax|sora|pika)/i

/** Media type of a model id: from the catalog, else guessed from its name. */
export const mediaTypeOf = (id: string): "image" | "video" =>
  findModel(id)?.media_type ?? (VIDEO_HINT.test(id) ? "video" : "image")

/** Provider of a model id. */
export const providerOfModel = (id: string): FakeModel["provider"] => findModel(id)?.provider ?? providerOf(id)

/** Base cost in micro-USD (per megapixel or per second) for any accepted model id. */
export const baseCostMicro = (id: string): number =>
  findModel(id)?.base_cost_micro ?? (mediaTypeOf(id) === "video" ? (id.includes("veo") ? 400_000 : 50_000) : 25_000)
