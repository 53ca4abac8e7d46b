import { describe, expect, it } from 'bun:test'
import { decimalsForStep, formatFixed, formatValue } from './format.ts'
import { linearScale, numericTicks, paddedDomain, timeTicks } from './scale.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Date.UTC(2025, 10, 27, 5, 0, 0)

describe('timeTicks', () => {
  it('labels a 48-hour window every few hours, midnights with the date', () => {
    const ticks = timeTicks([NOW - 48 * HOUR, NOW], 9)
    expect(ticks.values.length).toBeLessThanOrEqual(9)
    expect(ticks.values.every((t) => t % (6 * HOUR) === 0)).toBe(true)
    expect(ticks.label(Date.UTC(2025, 10, 26, 0, 0))).toBe('26 Nov')
    expect(ticks.label(Date.UTC(2025, 10, 26, 12, 0))).toBe('12:00')
  })

  it('labels 30 days on UTC midnights a few days apart', () => {
    const ticks = timeTicks([NOW - 30 * DAY, NOW], 10)
    expect(ticks.values.length).toBeGreaterThanOrEqual(4)
    expect(ticks.values.length).toBeLessThanOrEqual(10)
    expect(ticks.values.every((t) => t % DAY === 0)).toBe(true)
    expect(ticks.label(ticks.values[0]!)).toMatch(/^\d{1,2} (Oct|Nov)$/)
  })

  it('labels two years by month starts', () => {
    const ticks = timeTicks([NOW - 730 * DAY, NOW], 10)
    for (const t of ticks.values) expect(new Date(t).getUTCDate()).toBe(1)
    expect(ticks.label(Date.UTC(2025, 0, 1))).toBe('Jan 2025')
  })

  it('keeps every tick inside the domain', () => {
    for (const span of [3 * HOUR, 5 * DAY, 90 * DAY]) {
      const ticks = timeTicks([NOW - span, NOW], 8)
      for (const t of ticks.values) {
        expect(t).toBeGreaterThanOrEqual(NOW - span)
        expect(t).toBeLessThanOrEqual(NOW)
      }
    }
  })
})

describe('numeric axes', () => {
  it('puts nice ticks on a stablecoin price range', () => {
    const ticks = numericTicks([0.9991, 1.0013], 6)
    expect(ticks.step).toBeCloseTo(0.0005, 12)
    expect(decimalsForStep(ticks.step)).toBe(4)
  })

  it('pads a flat domain so a constant series sits mid-panel', () => {
    const [lo, hi] = paddedDomain([[5, 5, 5]], 0.05)
    expect(lo).toBeLessThan(5)
    expect(hi).toBeGreaterThan(5)
    expect(linearScale([lo, hi], [100, 0])(5)).toBeCloseTo(50, 9)
  })

  it('ignores non-finite values when computing a domain', () => {
    expect(paddedDomain([[1, NaN, Infinity, 3]], 0)).toEqual([1, 3])
  })
})

describe('value labels', () => {
  it('prints USD to the cent with thousands separators', () => {
    expect(formatValue(125381.776, 'USD')).toBe('125,381.78 USD')
    expect(formatValue(-0.001, 'USD')).toBe('0.00 USD')
    expect(formatValue(-12.5, 'USD')).toBe('\u221212.50 USD')
  })

  it('prints rates with six significant digits', () => {
    expect(formatValue(0.99987, 'rate')).toBe('0.999870')
    expect(formatValue(0.00012345678, 'rate')).toBe('0.000123457')
  })

  it('chooses tick decimals from the step', () => {
    expect(decimalsForStep(0.25)).toBe(2)
    expect(decimalsForStep(5)).toBe(0)
    expect(decimalsForStep(0.1)).toBe(1)
    expect(decimalsForStep(2.5)).toBe(1)
    expect(formatFixed(1234567, 0)).toBe('1,234,567')
  })
})
