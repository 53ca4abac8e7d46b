import { describe, expect, it } from 'bun:test'
import { DEFAULT_MAX_POINTS, downsampleForDrawing, finitePoints, lttbIndices } from './downsample.ts'

const MINUTE = 60_000

function series(n: number, value: (i: number) => number): { ts: number[]; values: number[] } {
  return { ts: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 5 * MINUTE), values: Array.from({ length: n }, (_, i) => value(i)) }
}

describe('lttbIndices', () => {
  it('keeps every sample when there are no more than the threshold', () => {
    const s = series(500, (i) => Math.sin(i))
    expect(lttbIndices(s.ts, s.values, 1000)).toEqual(Array.from({ length: 500 }, (_, i) => i))
    expect(lttbIndices(s.ts, s.values, 500)).toHaveLength(500)
  })

  it('reduces to exactly the threshold and keeps both endpoints', () => {
    const s = series(8640, (i) => Math.sin(i / 100) + (i % 7) / 10)
    const kept = lttbIndices(s.ts, s.values, 1000)
    expect(kept).toHaveLength(1000)
    expect(kept[0]).toBe(0)
    expect(kept[kept.length - 1]).toBe(8639)
  })

  it('returns strictly increasing indices, so timestamps stay monotone', () => {
    const s = series(5000, (i) => Math.cos(i / 13) * (i % 11))
    const kept = lttbIndices(s.ts, s.values, 700)
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!)
  })

  it('keeps a one-sample spike and a one-sample dip in a flat series', () => {
    const s = series(8640, () => 100)
    s.values[3001] = 180
    s.values[6502] = 20
    const kept = lttbIndices(s.ts, s.values, 1000)
    expect(kept).toContain(3001)
    expect(kept).toContain(6502)
  })

  it('keeps the latest sample of a series that jumps at the end, with the level before the jump', () => {
    const s = series(8640, (i) => (i >= 8637 ? 150 : 100 + Math.sin(i / 50)))
    const kept = lttbIndices(s.ts, s.values, 1000)
    expect(kept[kept.length - 1]).toBe(8639)
    const beforeLast = s.values[kept[kept.length - 2]!]!
    expect(Math.abs(beforeLast - 100)).toBeLessThan(1.01)
  })

  it('keeps only the endpoints when asked for fewer than three points', () => {
    const s = series(100, (i) => i)
    expect(lttbIndices(s.ts, s.values, 2)).toEqual([0, 99])
  })
})

describe('finitePoints', () => {
  it('drops samples whose value or instant is NaN or infinite', () => {
    const points = finitePoints([1, 2, 3, 4, NaN, 6], [10, NaN, Infinity, 40, 50, -Infinity])
    expect(points).toEqual({ ts: [1, 4], values: [10, 40] })
  })

  it('sorts samples given out of order', () => {
    expect(finitePoints([3, 1, 2], [30, 10, 20])).toEqual({ ts: [1, 2, 3], values: [10, 20, 30] })
  })
})

describe('downsampleForDrawing', () => {
  it('reduces a 30-day 5-minute series to the default number of points, first and last exact', () => {
    const s = series(8640, (i) => 1000 + i / 10 + Math.sin(i))
    const drawn = downsampleForDrawing(s.ts, s.values)
    expect(drawn.ts).toHaveLength(DEFAULT_MAX_POINTS)
    expect(drawn.ts[0]).toBe(s.ts[0]!)
    expect(drawn.values[0]).toBe(s.values[0]!)
    expect(drawn.ts[drawn.ts.length - 1]).toBe(s.ts[8639]!)
    expect(drawn.values[drawn.values.length - 1]).toBe(s.values[8639]!)
  })

  it('never returns a non-finite value', () => {
    const s = series(3000, (i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? Infinity : i))
    const drawn = downsampleForDrawing(s.ts, s.values, 500)
    expect(drawn.values.every(Number.isFinite)).toBe(true)
  })
})
