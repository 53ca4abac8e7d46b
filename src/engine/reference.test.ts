import { describe, expect, it } from 'bun:test'
import { evaluationWindow, latestTaggedWithdrawal, resolveReference } from './reference.ts'
import type { ReferenceSettings } from './settings.ts'
import { at, deposit, hourly, T0, withdrawal } from './test-fixtures.ts'

const keyword = 'alert_driven'
const settings: ReferenceSettings = { keyword, fallback: 'null' }
const now = at(100)
/** resolveReference with the defaults of these tests */
const resolve = (overrides: Partial<Parameters<typeof resolveReference>[0]>) =>
  resolveReference({
    tagged: null,
    samplesAroundT0: hourly([1000, 1010, 1020, 1030], [0, 2, 4, 6]),
    settings,
    dataRangeStart: null,
    now,
    ...overrides,
  })

describe('latestTaggedWithdrawal', () => {
  it('picks the latest withdrawal whose notes contain the keyword', () => {
    const txs = [
      withdrawal(1, 10, { notes: 'alert_driven older' }),
      withdrawal(5, 10, { notes: 'x alert_driven Synced from Liqwid' }),
      withdrawal(7, 10, { notes: 'manual withdrawal' }),
    ]
    expect(latestTaggedWithdrawal(txs, keyword)?.ts).toBe(at(5))
  })

  it('never counts deposits, NULL notes, or a different case', () => {
    const txs = [deposit(9, 10, { notes: 'alert_driven' }), withdrawal(8, 10, { notes: null }), withdrawal(6, 10, { notes: 'ALERT_DRIVEN' })]
    expect(latestTaggedWithdrawal(txs, keyword)).toBeNull()
  })

  it('takes the later row among equal timestamps', () => {
    const first = withdrawal(5, 10, { notes: keyword, wallet: 'a' })
    const second = withdrawal(5, 20, { notes: keyword, wallet: 'b' })
    expect(latestTaggedWithdrawal([first, second], keyword)).toBe(second)
  })
})

describe('resolveReference', () => {
  const samples = hourly([1000, 1010, 1020, 1030], [0, 2, 4, 6])

  it('uses the tagged withdrawal as t0 and the nearest aggregate sample as v_ref', () => {
    const tagged = withdrawal(2.9, 10, { notes: keyword })
    const result = resolveReference({ tagged, samplesAroundT0: samples, settings, dataRangeStart: null, now })
    expect(result).toEqual({ mode: 'keyword', t0: at(2.9), vRefUsd: 1010, withdrawal: tagged })
  })

  it('breaks a v_ref tie toward the earlier sample, and may use a sample after t0', () => {
    const tie = resolve({ tagged: withdrawal(3, 1, { notes: keyword }) })
    expect(tie.mode === 'keyword' && tie.vRefUsd).toBe(1010)
    const after = resolve({ tagged: withdrawal(-1, 1, { notes: keyword }) })
    expect(after.mode === 'keyword' && after.vRefUsd).toBe(1000)
  })

  it('falls back to the configured range start in data_range mode', () => {
    const result = resolveReference({
      tagged: null,
      samplesAroundT0: samples,
      settings: { keyword, fallback: 'data_range' },
      dataRangeStart: T0,
      now,
    })
    expect(result).toEqual({ mode: 'data_range', t0: T0 })
    expect(evaluationWindow(result, now)).toEqual({ start: T0, end: now })
  })

  it('says why there is no reference in null mode', () => {
    expect(resolveReference({ tagged: null, samplesAroundT0: samples, settings, dataRangeStart: T0, now })).toEqual({
      mode: 'null',
      reason: "no reference withdrawal tagged 'alert_driven' (fallback: null)",
    })
    const noStart = resolveReference({
      tagged: null,
      samplesAroundT0: samples,
      settings: { keyword, fallback: 'data_range' },
      dataRangeStart: null,
      now,
    })
    expect(noStart).toEqual({
      mode: 'null',
      reason: "no reference withdrawal tagged 'alert_driven' (fallback: data_range, but data.date_range.start is not set)",
    })
    expect(evaluationWindow(noStart, now)).toBeNull()
  })

  it('ignores a tagged withdrawal that has no position data in the range (the predecessor fell back)', () => {
    const result = resolveReference({
      tagged: withdrawal(2, 10, { notes: keyword }),
      samplesAroundT0: { ts: [], values: [] },
      settings,
      dataRangeStart: null,
      now,
    })
    expect(result.mode).toBe('null')
  })

  it('is an error when the tagged withdrawal is after now', () => {
    const result = resolveReference({
      tagged: withdrawal(120, 10, { notes: keyword }),
      samplesAroundT0: samples,
      settings,
      dataRangeStart: null,
      now,
    })
    expect(result).toEqual({
      mode: 'error',
      refMode: 'keyword',
      t0: at(120),
      vRefUsd: 1030,
      reason: 'reference withdrawal at 2025-03-06T00:00:00.000Z is after now (2025-03-05T04:00:00.000Z)',
    })
  })

  it('is an error when t0 equals now or the range start is not before now', () => {
    const atNow = resolve({ tagged: withdrawal(100, 1, { notes: keyword }) })
    expect(atNow.mode === 'error' && atNow.reason).toContain('is not before now')
    const lateStart = resolveReference({
      tagged: null,
      samplesAroundT0: samples,
      settings: { keyword, fallback: 'data_range' },
      dataRangeStart: at(200),
      now,
    })
    expect(lateStart.mode === 'error' && lateStart.refMode).toBe('data_range')
  })
})
