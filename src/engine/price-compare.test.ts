import { describe, expect, it } from 'bun:test'
import { comparePrices } from './price-compare.ts'
import type { PriceCompareSettings } from './settings.ts'

const settings = (overrides: Partial<PriceCompareSettings> = {}): PriceCompareSettings => ({
  enabled: true,
  sources: ['liqwid', 'minswap'],
  epsilon_mode: 'relative',
  tolerance_epsilon: 0.01,
  persistence_threshold: 1,
  action_on_mismatch: 'hold',
  ...overrides,
})

describe('comparePrices', () => {
  it('flags a relative mismatch and holds once the persistence threshold is reached', () => {
    const result = comparePrices({ liqwid: 1.0, minswap: 1.02 }, settings(), 0)
    expect(result.deltaAbs).toBe(1.02 - 1.0)
    expect(result.deltaRel).toBe((1.02 - 1.0) / 1.02)
    expect(result.mismatch).toBe(true)
    expect(result.forcesHold).toBe(true)
    expect(result.mismatchStreak).toBe(1)
    expect(result.reason).toBe('price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)')
  })

  it('compares absolute deltas in absolute mode, strictly', () => {
    const absolute = settings({ epsilon_mode: 'absolute', tolerance_epsilon: 0.05 })
    expect(comparePrices({ liqwid: 1.0, minswap: 1.02 }, absolute, 0).mismatch).toBe(false)
    const atTolerance = settings({ epsilon_mode: 'absolute', tolerance_epsilon: 0.5 })
    expect(comparePrices({ liqwid: 1.0, minswap: 1.5 }, atTolerance, 0).mismatch).toBe(false)
    const wide = comparePrices({ liqwid: 1.0, minswap: 1.1 }, absolute, 0)
    expect(wide.mismatch).toBe(true)
    expect(wide.reason).toBe('price mismatch liqwid 1.0000 vs minswap 1.1000 (Δ 0.1000 > 0.0500)')
  })

  it('holds only after persistence_threshold consecutive mismatches, and resets on a match', () => {
    const twice = settings({ persistence_threshold: 2 })
    const first = comparePrices({ liqwid: 1.0, minswap: 1.02 }, twice, 0)
    expect([first.mismatch, first.forcesHold, first.mismatchStreak]).toEqual([true, false, 1])
    const second = comparePrices({ liqwid: 1.0, minswap: 1.02 }, twice, first.mismatchStreak)
    expect([second.mismatch, second.forcesHold, second.mismatchStreak]).toEqual([true, true, 2])
    const third = comparePrices({ liqwid: 1.0, minswap: 1.0 }, twice, second.mismatchStreak)
    expect([third.mismatch, third.forcesHold, third.mismatchStreak]).toEqual([false, false, 0])
  })

  it('never holds with flag_only', () => {
    const result = comparePrices({ liqwid: 1.0, minswap: 2.0 }, settings({ action_on_mismatch: 'flag_only' }), 5)
    expect(result.mismatch).toBe(true)
    expect(result.forcesHold).toBe(false)
    expect(result.mismatchStreak).toBe(6)
  })

  it('is unavailable with fewer than two prices and leaves the streak alone', () => {
    const result = comparePrices({ liqwid: 1.0, minswap: null }, settings(), 3)
    expect(result).toEqual({
      pricesBySource: { liqwid: 1.0 },
      unavailable: true,
      deltaAbs: null,
      deltaRel: null,
      mismatch: false,
      mismatchStreak: 3,
      forcesHold: false,
      reason: null,
    })
  })

  it('ignores sources that are not configured or not finite, and uses a relative delta of 0 when max ≤ 0', () => {
    const prices = { liqwid: 0, minswap: 0, other: 5, extra: Number.NaN }
    const result = comparePrices(prices, settings({ sources: ['liqwid', 'minswap', 'extra'] }), 0)
    expect(result.pricesBySource).toEqual({ liqwid: 0, minswap: 0 })
    expect(result.deltaRel).toBe(0)
    expect(result.mismatch).toBe(false)
  })

  it('names the lowest and highest of three sources', () => {
    const result = comparePrices({ a: 1.0, b: 1.5, c: 0.5 }, settings({ sources: ['a', 'b', 'c'] }), 0)
    expect(result.reason).toStartWith('price mismatch c 0.5000 vs b 1.5000')
  })
})
