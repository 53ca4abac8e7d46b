import { describe, expect, it } from 'bun:test'
import { quantile as d3Quantile } from 'd3-array'
import {
  convolveSame,
  cumsum,
  interp,
  interpAll,
  MAD_TO_SIGMA,
  madSigma,
  mean,
  median,
  pairwiseSum,
  polyfit,
  polyval,
  quantile,
  roundHalfEven,
  std,
} from './numeric.ts'
import { seededRandom } from './test-fixtures.ts'

describe('interp (numpy.interp)', () => {
  const xp = [0, 10, 20]
  const fp = [100, 200, 400]

  it('holds the end values outside the sample range', () => {
    expect(interpAll([-5, 25], xp, fp)).toEqual([100, 400])
  })

  it('returns sample values exactly on the samples, including the last', () => {
    expect(interpAll([0, 10, 20], xp, fp)).toEqual([100, 200, 400])
  })

  it('interpolates linearly between samples', () => {
    expect(interp(5, xp, fp)).toBe(150)
    expect(interp(15, xp, fp)).toBe(300)
  })

  it('lets a NaN sample poison only the two intervals that touch it', () => {
    const withNaN = [100, Number.NaN, 400, 500]
    const x4 = [0, 10, 20, 30]
    expect(interp(5, x4, withNaN)).toBeNaN()
    expect(interp(15, x4, withNaN)).toBeNaN()
    expect(interp(10, x4, withNaN)).toBeNaN()
    expect(interp(20, x4, withNaN)).toBe(400)
    expect(interp(25, x4, withNaN)).toBe(450)
  })

  it('retries from the right sample when the left form is NaN (infinite slope halves)', () => {
    // slope = (inf − inf)/10 = NaN in both forms, but equal end values give that value
    expect(interp(5, [0, 10], [Infinity, Infinity])).toBe(Infinity)
  })

  it('takes the last of duplicated sample points', () => {
    expect(interp(10, [0, 10, 10, 20], [0, 1, 2, 3])).toBe(2)
  })

  it('returns the only sample for a single point and rejects no samples', () => {
    expect(interpAll([-1, 0, 1], [0], [7])).toEqual([7, 7, 7])
    expect(() => interp(0, [], [])).toThrow('empty')
  })

  it('passes NaN x through', () => {
    expect(interp(Number.NaN, xp, fp)).toBeNaN()
  })
})

describe('sums and moments', () => {
  it('cumsum is a sequential running sum', () => {
    expect(cumsum([0.1, 0.2, 0.3])).toEqual([0.1, 0.1 + 0.2, 0.1 + 0.2 + 0.3])
  })

  it('pairwise summation groups eight accumulators like numpy (differs from a naive loop)', () => {
    const values = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16, 1, 1, 1, 1, 1, 1, 1]
    let naive = 0
    for (const v of values) naive += v
    // numpy: r[0] = 1e16 + -1e16 = 0, the 14 ones survive; the naive loop loses those added to 1e16
    expect(pairwiseSum(values)).toBe(14)
    expect(naive).not.toBe(14)
  })

  it('std is the population standard deviation (ddof = 0)', () => {
    expect(std([1, 2, 3, 4])).toBe(Math.sqrt(1.25))
    expect(mean([1, 2, 3, 4])).toBe(2.5)
  })

  it('median averages the two middle values of an even count', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([1, Number.NaN])).toBeNaN()
  })
})

describe('madSigma (1.4826 × median absolute deviation)', () => {
  it('ignores one wild value that a standard deviation would follow', () => {
    // median 3; |v − 3| = 2, 1, 0, 1, 97 → median 1
    expect(madSigma([1, 2, 3, 4, 100])).toBe(MAD_TO_SIGMA)
    expect(std([1, 2, 3, 4, 100])).toBeGreaterThan(38)
  })

  it('centres on the median, not on zero, and is NaN for no values', () => {
    // median 12; |v − 12| = 2, 0, 1, 6 → median (1 + 2) / 2 = 1.5
    expect(madSigma([10, 12, 13, 18])).toBeCloseTo(1.5 * 1.4826, 12)
    expect(madSigma([])).toBeNaN()
  })
})

describe('quantile (numpy linear, Hyndman–Fan 7)', () => {
  it('interpolates at (n − 1)·q', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    expect(quantile([10, 20], 0.5)).toBe(15)
  })

  it('uses numpy _lerp: hi − (hi − lo)·(1 − g) when g ≥ 0.5 (d3.quantile does not)', () => {
    // numpy.quantile([0.1, 0.7], 0.55) == 0.43; lo + (hi − lo)·g gives 0.43000000000000005
    expect(quantile([0.7, 0.1], 0.55)).toBe(0.43)
    expect(d3Quantile([0.7, 0.1], 0.55)).toBe(0.43000000000000005)
  })

  it('returns the extremes for q = 0 and q = 1 and the value of a single sample', () => {
    expect(quantile([5, 1, 3], 0)).toBe(1)
    expect(quantile([5, 1, 3], 1)).toBe(5)
    expect(quantile([42], 0.9)).toBe(42)
    expect(quantile([1, Number.NaN], 0.5)).toBeNaN()
  })
})

describe('polyfit / polyval', () => {
  it('recovers an exact line and an exact parabola', () => {
    const x = [0, 1, 2, 3, 4, 5]
    const line = polyfit(
      x,
      x.map((h) => 3 * h + 7),
      1,
    )
    expect(line[0]).toBeCloseTo(3, 12)
    expect(line[1]).toBeCloseTo(7, 12)
    const parabola = polyfit(
      x,
      x.map((h) => 0.5 * h * h - 2 * h + 1),
      2,
    )
    parabola.forEach((c, i) => {
      expect(c).toBeCloseTo([0.5, -2, 1][i]!, 12)
    })
  })

  it('interpolates exactly when n == degree + 1', () => {
    const x = [0, 1, 3]
    const y = [2, -1, 5]
    const c = polyfit(x, y, 2)
    x.forEach((h, i) => {
      expect(polyval(c, h)).toBeCloseTo(y[i]!, 12)
    })
  })

  it('matches a least-squares line computed by hand', () => {
    // slope = cov/var over x = 0..3, y = 1, 3, 2, 5 → slope 1.1, intercept 1.1
    const [slope, intercept] = polyfit([0, 1, 2, 3], [1, 3, 2, 5], 1)
    expect(slope).toBeCloseTo(1.1, 13)
    expect(intercept).toBeCloseTo(1.1, 13)
  })

  it('stays accurate over a month of 5-minute samples (hours up to 720)', () => {
    const random = seededRandom(7)
    const x = Array.from({ length: 8640 }, (_, i) => i / 12)
    const y = x.map((h) => 1000 + 0.5 * h + 1e-4 * h * h + (random() - 0.5) * 1e-9)
    const [a, b, c] = polyfit(x, y, 2)
    expect(Math.abs(a! - 1e-4) / 1e-4).toBeLessThan(1e-6)
    expect(Math.abs(b! - 0.5) / 0.5).toBeLessThan(1e-8)
    expect(Math.abs(c! - 1000) / 1000).toBeLessThan(1e-10)
  })

  it('yields NaN coefficients for NaN data, like numpy', () => {
    expect(polyfit([0, 1, 2], [1, Number.NaN, 3], 1).every(Number.isNaN)).toBe(true)
  })

  it('evaluates by Horner from the highest power', () => {
    expect(polyval([2, -3, 1], 4)).toBe(2 * 16 - 3 * 4 + 1)
    expect(polyval([], 4)).toBe(0)
  })
})

describe('convolveSame (numpy "same")', () => {
  it('centres an odd kernel', () => {
    expect(convolveSame([1, 2, 3], [0, 1, 0.5])).toEqual([1, 2.5, 4])
  })

  it('shifts an even kernel like numpy (window [i − M/2, i + M/2 − 1])', () => {
    expect(convolveSame([1, 2, 3], [1, 1])).toEqual([1, 3, 5])
  })

  it('keeps the input length when the kernel is longer than the data', () => {
    const out = convolveSame([3, 6], [1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3])
    expect(out).toHaveLength(2)
    expect(out[0]).toBeCloseTo(3, 12)
    expect(out[1]).toBeCloseTo(3, 12)
  })
})

describe('roundHalfEven (Python round)', () => {
  it('rounds ties to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, -1.5, 2.4, 2.6, 3.5].map(roundHalfEven)).toEqual([0, 2, 2, -2, 2, 3, 4])
  })
})
