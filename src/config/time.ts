/**
 * Time-zone arithmetic for config values: naive `data.date_range` values are wall-clock times in
 * `settings.timezone` (the predecessor's rule); values with an offset are absolute. Uses only
 * `Intl`, so the process's own TZ never matters.
 */
import { AppError } from '../errors.ts'
import { parseIsoDateTime, type ParsedDateTime } from './fields.ts'

export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '' || zone !== zone.trim()) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds (east positive). */
function zoneOffsetMs(utcMs: number, zone: string): number {
  let formatter = formatters.get(zone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, formatter)
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]))
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!)
  return asUtc - Math.floor(utcMs / 1000) * 1000
}

/**
 * Wall-clock time in `zone` → UTC instant. In a DST gap the later offset applies and in a fold
 * the earlier instant is chosen (Python's fold=0, Temporal's "compatible").
 */
export function zonedToUtcMs(parts: ParsedDateTime, zone: string): number {
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond)
  const before = wall - zoneOffsetMs(wall - 86_400_000, zone)
  const after = wall - zoneOffsetMs(wall + 86_400_000, zone)
  const candidates = [before, after].filter((utc) => utc + zoneOffsetMs(utc, zone) === wall)
  if (candidates.length > 0) return Math.min(...candidates)
  // A gap: the wall time does not exist; move it forward by the DST shift.
  return wall - zoneOffsetMs(wall - 86_400_000, zone)
}

/**
 * An ISO date/date-time from the config → epoch ms. The schema rejects other text first, so a
 * throw here means a caller skipped validation: still a configuration error, named as one.
 */
export function instantOf(text: string, zone: string): number {
  const parts = parseIsoDateTime(text)
  if (!parts) throw new AppError('config_invalid', `not an ISO date-time: ${JSON.stringify(text)}`)
  if (parts.offsetMinutes === null) return zonedToUtcMs(parts, zone)
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond)
  return wall - parts.offsetMinutes * 60_000
}
