/**
 * Request body and field checks shared by the route groups; each failure is a 422
 * `VALIDATION_ERROR` naming the field.
 *
 * @internal
 */
import { failValidation, isInt, isRecord } from "./http.js"
import type { RouteContext } from "./router.js"

/** The JSON object body of `rc`. */
export const requireBody = (rc: RouteContext): Record<string, unknown> => {
  if (rc.body === undefined) return failValidation("body", "Request body is required (JSON object)")
  if (typeof rc.body === "string") return failValidation("body", "Request body is not valid JSON")
  return isRecord(rc.body) ? rc.body : failValidation("body", "Request body must be a JSON object")
}

/** An optional integer in `min..max` (`fallback` when absent); `path` names it in errors. */
export const intField = (
  obj: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
  path = field
): number => {
  const v = obj[field]
  if (v === undefined || v === null) return fallback
  if (!isInt(v)) return failValidation(path, `${path} must be an integer`)
  if (v < min || v > max) return failValidation(path, `${path} must be between ${min} and ${max}`)
  return v
}

export const optString = (obj: Record<string, unknown>, field: string): string | undefined => {
  const v = obj[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "string") return failValidation(field, `${field} must be a string`)
  return v
}

export const optBool = (obj: Record<string, unknown>, field: string): boolean | undefined => {
  const v = obj[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "boolean") return failValidation(field, `${field} must be a boolean`)
  return v
}
