/**
 * The holdout fit and the robust σ on series small enough to compute by hand (the arithmetic is in
 * the comments), and the predecessor's computation kept when `holdout` is 0.
 */
import { describe, expect, it } from 'bun:test'
import { evaluateGate, type GateSeries, gateVerdict, heldOutCount } from './gate.ts'
import { at, gateSettings } from './test-fixtures.ts'

const series = (y: number[]): GateSeries => ({ x: y.map((_, i) => at(i)), y })

/** A line 10 + 1.8 h with residuals −0.4, 0.8, 0, −0.8, 0.4, then a jump to 40 at hour 5. */
const JUMP = series([10, 13, 14, 15, 18, 40])

describe('holdout', () => {
  it('fits the baseline and σ on the older points and judges the newest against the extrapolation', () => {
    // training h = 0..4, y = 10 13 14 15 18: mean h 2, mean y 14, Sxy = 18, Sxx = 10 → slope 1.8,
    // intercept 10.4; fitted 10.4 12.2 14 15.8 17.6 and 19.4 at h = 5 → r = 40 − 19.4 = 20.6;
    // σ = √((0.16 + 0.64 + 0 + 0.64 + 0.16) / 5) = √0.32
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 1, k_sigma: 3 }))
    expect(outcome.trainingCount).toBe(5)
    expect(outcome.coefficients![0]).toBeCloseTo(1.8, 12)
    expect(outcome.coefficients![1]).toBeCloseTo(10.4, 12)
    expect(outcome.rNow!).toBeCloseTo(20.6, 12)
    expect(outcome.sigma!).toBeCloseTo(Math.sqrt(0.32), 12)
    expect(outcome.series.residuals!.slice(0, 5).map((r) => Number(r.toFixed(12)))).toEqual([-0.4, 0.8, 0, -0.8, 0.4])
    expect(outcome.triggered).toBe(1)
  })

  it('is the predecessor fit at 0: the jump bends the line toward itself and widens σ', () => {
    // all six points: mean h 2.5, mean y 18.333…, Sxy = 83, Sxx = 17.5 → slope 4.742857…, intercept
    // 6.476…; the jump's residual shrinks to 40 − 30.19 ≈ 9.81 and σ (without the last residual,
    // whose mean is −1.962: deviations ±5.486, ±3.743, 0) grows to √(88.2 / 5) ≈ 4.2
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 0, k_sigma: 3 }))
    expect(outcome.trainingCount).toBe(6)
    expect(outcome.coefficients![0]).toBeCloseTo(83 / 17.5, 12)
    expect(outcome.rNow!).toBeCloseTo(40 - (110 / 6 + (83 / 17.5) * 2.5), 12)
    expect(outcome.sigma!).toBeCloseTo(4.2, 2)
    expect(outcome.rNow! / outcome.sigma!).toBeLessThan(3)
    expect(outcome.triggered).toBe(0)
  })

  it('judges several held-out points against the same baseline; the newest decides', () => {
    // hold out the last two (h = 4, 5): training 10 13 14 15 → slope 1.6, intercept 10.6;
    // at h = 5: 18.6 → r = 21.4; the held-out h = 4 (18 vs 17) is drawn but does not decide
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 2, min_points: 4, k_sigma: 3 }))
    expect(outcome.trainingCount).toBe(4)
    expect(outcome.rNow!).toBeCloseTo(21.4, 12)
    expect(outcome.series.residuals![4]!).toBeCloseTo(1, 12)
  })

  it('holds out the samples strictly inside the newest holdout_minutes', () => {
    const x = [0, 1, 2, 3, 4, 5].map(at)
    expect(heldOutCount(x, { holdout: 3, holdout_minutes: 60 })).toBe(1)
    expect(heldOutCount(x, { holdout: 3, holdout_minutes: 61 })).toBe(2)
    expect(heldOutCount(x, { holdout: 3, holdout_minutes: null })).toBe(3)
    expect(evaluateGate(JUMP, gateSettings({ holdout_minutes: 60, k_sigma: 3 })).rNow!).toBeCloseTo(20.6, 12)
  })

  it('is skipped, and holds, when the holdout leaves fewer than min_points to fit', () => {
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 2, min_points: 5 }))
    expect(outcome.applied).toBe(false)
    expect(outcome.skipReason).toBe('gate skipped: 6 points − 2 held out = 4 < min_points 5')
    expect(gateVerdict(outcome, { on_trigger: 'hold' }, 1).decision).toBe(0)
  })
})

describe('sigma: mad', () => {
  // median baseline over the 9 training points 10 11 9 10 30 10 11 9 10 → 10; residuals
  // 0 1 −1 0 20 0 1 −1 0, and the held-out 16 → r = 6
  const SPIKE_IN_TRAINING = series([10, 11, 9, 10, 30, 10, 11, 9, 10, 16])
  const settings = { method: 'median', holdout: 1, k_sigma: 2 } as const

  it('std: the old spike widens σ to √(404/9 − (20/9)²) ≈ 6.32 and the new step passes', () => {
    const outcome = evaluateGate(SPIKE_IN_TRAINING, gateSettings({ ...settings, sigma: 'std' }))
    expect(outcome.rNow).toBe(6)
    expect(outcome.sigma!).toBeCloseTo(Math.sqrt(404 / 9 - (20 / 9) ** 2), 12)
    expect(outcome.triggered).toBe(0)
  })

  it('mad: |r − 0| sorted 0 0 0 0 1 1 1 1 20 → median 1, σ = 1.4826, and the step is caught', () => {
    const outcome = evaluateGate(SPIKE_IN_TRAINING, gateSettings({ ...settings, sigma: 'mad' }))
    expect(outcome.sigma).toBe(1.4826)
    expect(outcome.sigmaEstimator).toBe('mad')
    expect(outcome.triggered).toBe(1)
    expect(outcome.comparison).toBe('r=6.00 > k·σ=2.97')
  })
})

describe('explanation', () => {
  it('says what was compared, in USD and in multiples of the wobble', () => {
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 1, k_sigma: 3 }))
    // 20.6 / √0.32 = 36.4…
    expect(outcome.explanation).toBe(
      'the latest sample is 21 USD above the trend of the 4 hours before the last hour, 36× their usual wobble (σ 0.57 USD; alarm beyond 3×)',
    )
    expect(gateVerdict(outcome, { on_trigger: 'hold' }, 1).reason).toBe(`residual gate triggered: ${outcome.explanation} (r=20.60 > k·σ=1.70)`)
  })

  it('says the judged point was part of the fit when nothing is held out', () => {
    const outcome = evaluateGate(JUMP, gateSettings({ holdout: 0, k_sigma: 3 }))
    expect(outcome.explanation).toMatch(/^the latest sample is .+ above the trend of the last 5 hours \(itself included\), /)
  })
})
