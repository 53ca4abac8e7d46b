import { describe, expect, it } from 'bun:test'
import { dutyCycle, nearestSampleValue, normalizeSeries, priceSeries } from './series.ts'
import { aggregateOf, at, hourly } from './test-fixtures.ts'

describe('series helpers', () => {
  it('sorts a series and keeps the last value of a repeated timestamp', () => {
    expect(normalizeSeries({ ts: [at(1), at(0), at(1)], values: [1, 0, 2] })).toEqual({ ts: [at(0), at(1)], values: [0, 2] })
  })

  it('returns an already ascending series as is', () => {
    const series = hourly([1, 2, 3])
    expect(normalizeSeries(series)).toBe(series)
  })

  it('finds the nearest sample, the earlier one on a tie', () => {
    const series = hourly([10, 20], [0, 2])
    expect(nearestSampleValue(series, at(1))).toBe(10)
    expect(nearestSampleValue(series, at(1.5))).toBe(20)
    expect(nearestSampleValue({ ts: [], values: [] }, at(1))).toBeNull()
  })

  it('drops null and non-finite prices from the aggregate', () => {
    const aggregate = aggregateOf(hourly([1, 2, 3]), (i) => [1, null, Number.NaN][i] ?? null)
    expect(priceSeries(aggregate)).toEqual({ ts: [at(0)], values: [1] })
  })

  it('measures how much of the range a series covers', () => {
    const series = hourly([1, 1, 1, 1, 1])
    expect(dutyCycle(series, at(0), at(4))).toBe(1)
    expect(dutyCycle(series, at(0), at(9))).toBeCloseTo(5 / 9, 12)
    expect(dutyCycle(series, null, at(9))).toBe(1)
    expect(dutyCycle(hourly([1]), at(0), at(9))).toBe(0)
    expect(dutyCycle(null, at(0), at(9))).toBe(0)
  })
})
