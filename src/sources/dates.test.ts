import { describe, expect, it } from 'bun:test'
import { isAppError } from '../errors.ts'
import { DEFAULT_SYNC_START, normalizeSyncWindow, parseIsoUtc } from './dates.ts'

const NOW = Date.parse('2025-11-27T05:35:31.512Z')

describe('parseIsoUtc', () => {
  it('reads a Liqwid time with Z as that UTC instant', () => {
    expect(parseIsoUtc('2025-07-15T08:12:34.000Z')).toBe(1752567154000)
  })

  it('reads a time without a zone as UTC, never as local time', () => {
    expect(parseIsoUtc('2025-07-15T08:12:34')).toBe(1752567154000)
    expect(parseIsoUtc('2025-07-15 08:12:34.5')).toBe(1752567154500)
  })

  it('converts offsets, with or without a colon', () => {
    expect(parseIsoUtc('2025-07-15T17:12:34+09:00')).toBe(1752567154000)
    expect(parseIsoUtc('2025-07-15T17:12:34+0900')).toBe(1752567154000)
  })

  it('keeps milliseconds of longer fractions', () => {
    expect(parseIsoUtc('2025-07-15T08:12:34.512161Z')).toBe(1752567154512)
  })

  it('rejects text that is not an ISO-8601 date-time, and impossible dates', () => {
    for (const text of ['', 'yesterday', '2025-07-15', '07/15/2025 08:12', '2025-02-30T00:00:00Z']) {
      expect(parseIsoUtc(text)).toBeNull()
    }
  })
})

describe('normalizeSyncWindow', () => {
  it('turns dates into whole UTC days', () => {
    expect(normalizeSyncWindow('2025-07-01', '2025-07-31', NOW)).toEqual({
      startTime: '2025-07-01T00:00:00Z',
      endTime: '2025-07-31T23:59:59Z',
    })
  })

  it('converts full timestamps with an offset to UTC instead of appending a time to them', () => {
    expect(normalizeSyncWindow('2025-07-01T09:00:00+09:00', '2025-07-02T00:00:00+00:00', NOW)).toEqual({
      startTime: '2025-07-01T00:00:00Z',
      endTime: '2025-07-02T00:00:00Z',
    })
  })

  it('defaults to 2023-10-01 until now', () => {
    expect(normalizeSyncWindow(null, undefined, NOW)).toEqual({ startTime: DEFAULT_SYNC_START, endTime: '2025-11-27T05:35:31.512Z' })
    expect(normalizeSyncWindow('  ', '', NOW).startTime).toBe(DEFAULT_SYNC_START)
  })

  it('rejects a timestamp without a zone, garbage and an inverted window, naming the field', () => {
    const cases: [string | null, string | null, RegExp][] = [
      ['2025-07-01T10:00:00', null, /start "2025-07-01T10:00:00"/],
      [null, 'soon', /end "soon"/],
      ['2025-08-01', '2025-07-01', /start 2025-08-01T00:00:00Z is after end 2025-07-01T23:59:59Z/],
    ]
    for (const [start, end, message] of cases) {
      let caught: unknown
      try {
        normalizeSyncWindow(start, end, NOW)
      } catch (error) {
        caught = error
      }
      expect(isAppError(caught, 'bad_request')).toBe(true)
      expect((caught as Error).message).toMatch(message)
    }
  })
})
