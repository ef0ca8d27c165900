/**
 * Video model ids per provider (reference §2.3).
 *
 * @since 0.1.0
 */
export const VIDEO_MODEL_PRESETS = {
  fal: "fal-ai/veo3",
  replicate: "replicate/lucataco/cogvideox-5b",
  runway: "runway/gen4_turbo"
} as const

/** A preset provider name. */
export type VideoModelProvider = keyof typeof VIDEO_MODEL_PRESETS
