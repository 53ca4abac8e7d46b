/**
 * Reusable zod field builders for the config schema: strict sections that default to `{}`
 * (a YAML section left empty, `settings:`, parses as null and means "all defaults"), bounded
 * numbers whose messages read like the predecessor's (`must be > 0, got: -1`), and the
 * duration/date grammars shared by several keys.
 */
import { z } from 'zod'

/** A strict object that is filled with its defaults when absent or null. */
export function section<T extends z.ZodRawShape>(shape: T) {
  const object = z.strictObject(shape)
  // Every key of a section has a default, so `{}` is a valid input; the generic cannot prove it.
  return z.preprocess((value) => (value === null ? undefined : value), object.prefault({} as z.input<typeof object>))
}

/** A map keyed by user text (asset names, sources) whose keys are normalized to lowercase. */
export function lowercaseKeyRecord<T extends z.ZodType>(value: T) {
  return z.preprocess(
    (input) => {
      if (input === null || input === undefined) return {}
      if (typeof input !== 'object' || Array.isArray(input)) return input
      return Object.fromEntries(Object.entries(input).map(([key, entry]) => [key.trim().toLowerCase(), entry]))
    },
    z.record(z.string().min(1), value),
  )
}

export const nonEmptyString = z.string().trim().min(1, 'must be a non-empty string')

/** Lowercased, trimmed text (asset names, enum-like values the predecessor normalized). */
export const lowerString = z.string().trim().toLowerCase().min(1, 'must be a non-empty string')

export function lowerEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.enum(values, { error: `must be one of ${values.map((v) => `'${v}'`).join(', ')}` }),
  )
}

export const greaterThan = (bound: number) => z.number().gt(bound, `must be > ${bound}`)
export const atLeast = (bound: number) => z.number().gte(bound, `must be >= ${bound}`)
export const intAtLeast = (bound: number) => z.int(`must be an integer`).gte(bound, `must be >= ${bound}`)
export const port = z.int('must be an integer').gte(1, 'must be in [1,65535]').lte(65535, 'must be in [1,65535]')

/** `7d`, `48h`, `1.5h`, `30m`, `90s`, `2w` → milliseconds. */
const DURATION = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

export function parseDurationMs(text: string): number | null {
  const match = DURATION.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!
}

/** A positive duration in the grammar of `parseDurationMs` (the only duration grammar of the config). */
export const duration = z
  .string()
  .trim()
  .refine((text) => (parseDurationMs(text) ?? 0) > 0, 'must be a duration like 7d, 12h, 1.5h, 30m or 2w')

/**
 * An ISO-8601 date or date-time: `2025-11-04`, `2025-11-04T10:00`, `2025-11-04 10:00:00`,
 * with an optional fraction and `Z`/`±HH:MM` offset. Naive values are wall-clock times in the
 * configured time zone (resolved later, once the zone is known).
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/

export interface ParsedDateTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
  /** minutes east of UTC, or null when the text had no offset */
  offsetMinutes: number | null
}

export function parseIsoDateTime(text: string): ParsedDateTime | null {
  const match = ISO_DATE_TIME.exec(text.trim())
  if (!match) return null
  const [, y, mo, d, h, mi, s, frac, zone] = match
  const parsed: ParsedDateTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    millisecond: frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-9) : 0,
    offsetMinutes: null,
  }
  if (zone) {
    if (zone === 'Z') parsed.offsetMinutes = 0
    else {
      const sign = zone.startsWith('-') ? -1 : 1
      const digits = zone.slice(1).replace(':', '')
      parsed.offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0))
    }
  }
  const check = new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day, parsed.hour, parsed.minute, parsed.second))
  const valid =
    check.getUTCFullYear() === parsed.year &&
    check.getUTCMonth() === parsed.month - 1 &&
    check.getUTCDate() === parsed.day &&
    parsed.hour < 24 &&
    parsed.minute < 60 &&
    parsed.second < 60
  return valid ? parsed : null
}

/** An ISO date/date-time string, kept as text (resolved to an instant in `resolve.ts`). */
export const isoDateTime = z
  .string()
  .trim()
  .refine((text) => parseIsoDateTime(text) !== null, 'must be an ISO date or date-time (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])')

/** Either a relative age (`7d`, `48h`) or an absolute ISO date. */
export const ageOrDate = z
  .string()
  .trim()
  .refine(
    (text) => parseDurationMs(text) !== null || parseIsoDateTime(text) !== null,
    'must be a relative age like 7d, 48h, 1.5h or an ISO date like 2025-10-01',
  )
