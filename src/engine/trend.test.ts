import { describe, expect, it } from 'bun:test'
import { gaussianKde } from './kde.ts'
import type { TrendSettings } from './settings.ts'
import { at, hourly } from './test-fixtures.ts'
import { boxcarSmooth, gaussianSmooth, movingAverage, polynomialTrend, trendLine } from './trend.ts'

function expectClose(actual: readonly number[] | null, expected: readonly number[]) {
  expect(actual).toHaveLength(expected.length)
  expected.forEach((v, i) => {
    expect(actual![i]!).toBeCloseTo(v, 12)
  })
}

const trend = (overrides: Partial<TrendSettings> = {}): TrendSettings => ({
  enabled: true,
  method: 'polynomial_fit',
  polynomial_order: 1,
  window_size_hours: 2,
  window_type: 'polynomial',
  gaussian_kde_sigma_fraction: 0.3,
  ...overrides,
})

describe('trend smoothers', () => {
  const series = hourly([1, 2, 3, 4, 5, 6])

  it('moving average: a window of round(hours / spacing) samples, zero-padded at the edges (numpy same)', () => {
    expectClose(movingAverage(series.ts, series.values, 3), [1, 2, 3, 4, 5, 11 / 3])
    // 2 h over 1 h samples: an even window [i − 1, i]
    expectClose(movingAverage(series.ts, series.values, 2), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
  })

  it('moving average: a window of one sample or a single point returns the data', () => {
    expect(movingAverage(series.ts, series.values, 0.4)).toEqual([...series.values])
    expect(movingAverage([at(0)], [7], 3)).toEqual([7])
  })

  it('boxcar: like the moving average, null without a usable spacing', () => {
    expectClose(boxcarSmooth(series.ts, series.values, 3), [1, 2, 3, 4, 5, 11 / 3])
    expect(boxcarSmooth([at(0)], [1], 3)).toBeNull()
  })

  it('keeps the input length when the window is longer than the series', () => {
    expect(movingAverage(series.ts, series.values, 48)).toHaveLength(6)
  })

  it('gaussian: an odd normalized kernel of ≈ 6σ samples leaves a constant interior unchanged', () => {
    const flat = hourly(new Array(40).fill(10))
    const smooth = gaussianSmooth(flat.ts, flat.values, 10, 0.3)!
    // σ = 3 samples → 19-sample kernel: points 9..30 see the whole kernel
    for (let i = 9; i <= 30; i++) expect(smooth[i]).toBeCloseTo(10, 12)
    expect(smooth[0]!).toBeLessThan(10)
  })

  it('polynomial: a least-squares fit over hours since the first point, null with too few points', () => {
    const fit = polynomialTrend(series.ts, [1, 3, 5, 7, 9, 11], 1)!
    fit.forEach((v, i) => {
      expect(v).toBeCloseTo(1 + 2 * i, 12)
    })
    expect(polynomialTrend(series.ts.slice(0, 2), [1, 2], 2)).toBeNull()
  })

  it('honours method and window_type', () => {
    expectClose(trendLine(series.ts, series.values, trend({ method: 'moving_average', window_size_hours: 3 })), [1, 2, 3, 4, 5, 11 / 3])
    expectClose(trendLine(series.ts, series.values, trend({ window_type: 'boxcar', window_size_hours: 3 })), [1, 2, 3, 4, 5, 11 / 3])
    expect(trendLine(series.ts, series.values, trend({ window_type: 'gaussian' }))).toHaveLength(6)
    expect(trendLine(series.ts, series.values, trend({ window_type: 'none' }))).toBeNull()
    expect(trendLine(series.ts, series.values, trend({ enabled: false }))).toBeNull()
  })
})

describe('gaussianKde', () => {
  it('uses the Silverman bandwidth on a 200-point grid from min to max', () => {
    const values = [-2, -1, 0, 0.5, 1, 3]
    const kde = gaussianKde(values)!
    const mean = values.reduce((a, b) => a + b) / values.length
    const sigma = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)
    expect(kde.bandwidth).toBeCloseTo(1.06 * sigma * values.length ** -0.2, 12)
    expect(kde.x).toHaveLength(200)
    expect([kde.x[0], kde.x.at(-1)]).toEqual([-2, 3])
    expect(Math.max(...kde.density)).toBeGreaterThan(0)
  })

  it('integrates to about one when the grid covers the mass', () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 3)
    const kde = gaussianKde([...values, -12, 12])!
    const step = kde.x[1]! - kde.x[0]!
    const area = kde.density.reduce((a, b) => a + b) * step
    expect(area).toBeGreaterThan(0.97)
    expect(area).toBeLessThan(1.01)
  })

  it('is omitted with fewer than two finite values or no spread', () => {
    expect(gaussianKde([1])).toBeNull()
    expect(gaussianKde([1, Number.NaN])).toBeNull()
    expect(gaussianKde([2, 2, 2])).toBeNull()
  })
})
