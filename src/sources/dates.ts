/**
 * Instants exchanged with Liqwid, always in UTC whatever the process time zone.
 *
 * The predecessor parsed Liqwid's `time` as a naive local datetime, which shifted every synced row
 * by 9 h under `TZ=Asia/Tokyo` (spec-data §1.4, quirk Q1), and appended `T00:00:00Z` to any date
 * string not ending in `Z`, breaking `+00:00` offsets (§2.2). Here a time without a zone means UTC,
 * and offsets are converted, never concatenated.
 */
import { AppError } from '../errors.ts'

/** The predecessor's default start of the sync window (Liqwid v2 went live after it). */
export const DEFAULT_SYNC_START = '2023-10-01T00:00:00Z'

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * Epoch ms of an ISO-8601 date-time; a missing zone means UTC. `null` for anything else (never
 * `Date.parse`'s implementation-defined guesses, which may use the local zone).
 */
export function parseIsoUtc(text: string): number | null {
  const match = DATE_TIME.exec(text.trim())
  if (!match) return null
  const [, date, hoursMinutes, seconds = '00', fraction = '', zone = 'Z'] = match
  const millis = fraction.padEnd(3, '0').slice(0, 3)
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone
  const ms = Date.parse(`${date}T${hoursMinutes}:${seconds}.${millis}${offset}`)
  return Number.isFinite(ms) && isRealDate(date!) ? ms : null
}

/** `2025-02-30` passes the regex and `Date.parse` rolls it over; reject it instead. */
function isRealDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const probe = new Date(Date.UTC(year, month - 1, day))
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

/** `2025-07-01T00:00:00Z`, with milliseconds only when there are some. */
export function formatIsoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

export interface SyncWindow {
  /** ISO-8601 UTC, as sent to Liqwid */
  readonly startTime: string
  readonly endTime: string
}

/**
 * The date window of a sync: `YYYY-MM-DD` covers whole UTC days (start `T00:00:00Z`, end
 * `T23:59:59Z`); a full timestamp needs `Z` or an offset and is converted to UTC; a missing start
 * is `DEFAULT_SYNC_START`, a missing end is `now`. Bad input is a `bad_request` naming the field.
 */
export function normalizeSyncWindow(start: string | null | undefined, end: string | null | undefined, now: number): SyncWindow {
  const startMs = blank(start) ? Date.parse(DEFAULT_SYNC_START) : boundary('start', start!, 'T00:00:00Z')
  const endMs = blank(end) ? now : boundary('end', end!, 'T23:59:59Z')
  if (startMs > endMs) {
    throw new AppError('bad_request', `sync window: start ${formatIsoUtc(startMs)} is after end ${formatIsoUtc(endMs)}`)
  }
  return { startTime: formatIsoUtc(startMs), endTime: formatIsoUtc(endMs) }
}

function blank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === ''
}

function boundary(field: 'start' | 'end', value: string, timeOfDay: string): number {
  const text = value.trim()
  const ms = DATE_ONLY.test(text) ? parseIsoUtc(text + timeOfDay) : hasZone(text) ? parseIsoUtc(text) : null
  if (ms === null) {
    throw new AppError('bad_request', `sync window: ${field} "${value}" must be a date (YYYY-MM-DD) or an ISO-8601 time with Z or an offset`)
  }
  return ms
}

function hasZone(text: string): boolean {
  return /(Z|[+-]\d{2}:?\d{2})$/i.test(text)
}
