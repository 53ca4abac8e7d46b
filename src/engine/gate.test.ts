import { describe, expect, it } from 'bun:test'
import {
  changeRateGateSeries,
  correctedPositionGateSeries,
  evaluateGate,
  fallbackGateSeries,
  type GateSeries,
  gateVerdict,
  requiredPoints,
} from './gate.ts'
import type { GateSettings } from './settings.ts'
import { at, deposit, gateSettings, hourly, inUsd, seededRandom } from './test-fixtures.ts'
import { correctedGains } from './timebase.ts'

/** A noisy line with a chosen last point: residual noise ±0.5 around 1000 + 2h. */
function lineWithLast(lastOffset: number, n = 12): GateSeries {
  const noise = [0.3, -0.4, 0.5, -0.2, 0.1, -0.5, 0.4, -0.3, 0.2, -0.1, 0.35, -0.25, 0.15, -0.45]
  const y = Array.from({ length: n }, (_, i) => 1000 + 2 * i + (noise[i % noise.length] as number))
  y[n - 1] = 1000 + 2 * (n - 1) + lastOffset
  return { x: y.map((_, i) => at(i)), y }
}

describe('evaluateGate', () => {
  it('holds when the residual exceeds k·σ', () => {
    const outcome = evaluateGate(lineWithLast(8), gateSettings())
    expect(outcome.applied).toBe(true)
    expect(outcome.triggered).toBe(1)
    expect(outcome.rNow!).toBeGreaterThan(outcome.k! * outcome.sigma!)
    expect(gateVerdict(outcome, { on_trigger: 'hold' }, 1)).toEqual({
      decision: 0,
      reason: `residual gate triggered: ${outcome.explanation} (${outcome.comparison})`,
    })
    expect(outcome.comparison).toMatch(/^r=\d+\.\d\d > k·σ=\d+\.\d\d$/)
  })

  it('lets the W_max decision stand when the residual is inside the band (hold mode)', () => {
    const outcome = evaluateGate(lineWithLast(0.1), gateSettings())
    expect(outcome.triggered).toBe(0)
    expect(gateVerdict(outcome, { on_trigger: 'hold' }, 1)).toEqual({ decision: 1, reason: null })
    expect(gateVerdict(outcome, { on_trigger: 'hold' }, 0)).toEqual({ decision: 0, reason: null })
  })

  describe('on_trigger × tail', () => {
    const spikeUp = lineWithLast(8)
    const spikeDown = lineWithLast(-8)
    const cases: [GateSettings['on_trigger'], GateSettings['tail'], 'up' | 'down', boolean][] = [
      ['hold', 'both', 'up', true],
      ['hold', 'both', 'down', true],
      ['hold', 'upper', 'up', true],
      ['hold', 'upper', 'down', false],
      ['hold', 'lower', 'up', false],
      ['hold', 'lower', 'down', true],
      ['withdraw', 'both', 'up', true],
      ['withdraw', 'both', 'down', true],
      ['withdraw', 'upper', 'up', true],
      ['withdraw', 'upper', 'down', false],
      ['withdraw', 'lower', 'up', false],
      ['withdraw', 'lower', 'down', true],
    ]
    for (const [onTrigger, tail, spike, triggers] of cases) {
      it(`${onTrigger}/${tail}: a spike ${spike} ${triggers ? 'triggers' : 'does not trigger'}`, () => {
        const settings = gateSettings({ on_trigger: onTrigger, tail })
        const outcome = evaluateGate(spike === 'up' ? spikeUp : spikeDown, settings)
        expect(outcome.triggered).toBe(triggers ? 1 : 0)
        const verdict = gateVerdict(outcome, settings, 1)
        if (onTrigger === 'hold') expect(verdict.decision).toBe(triggers ? 0 : 1)
        else expect(verdict.decision).toBe(triggers ? 1 : 0)
        if (verdict.decision === 0) expect(verdict.reason).toMatch(/^residual gate (not )?triggered: (r=|the latest sample is .* \(r=)/)
      })
    }
  })

  it('withdraw mode holds with a reason when nothing triggers, whatever W_max says', () => {
    const outcome = evaluateGate(lineWithLast(0.1), gateSettings({ on_trigger: 'withdraw', tail: 'upper' }))
    const verdict = gateVerdict(outcome, { on_trigger: 'withdraw' }, 1)
    expect(verdict.decision).toBe(0)
    expect(verdict.reason).toMatch(/^residual gate not triggered: r=-?[\d.]+ ≤ k·σ=[\d.]+$/)
  })

  it('is skipped and HOLDs in both modes when there are fewer points than min_points', () => {
    const outcome = evaluateGate(lineWithLast(8, 12), gateSettings({ min_points: 20 }))
    expect(outcome.applied).toBe(false)
    expect(outcome.skipReason).toBe('gate skipped: 12 points < min_points 20')
    expect(outcome.rNow).toBeNull()
    for (const mode of ['hold', 'withdraw'] as const) {
      expect(gateVerdict(outcome, { on_trigger: mode }, 1)).toEqual({ decision: 0, reason: outcome.skipReason })
    }
  })

  it('counts polynomial_order + 1 as the minimum even for the median baseline', () => {
    const settings = gateSettings({ method: 'median', polynomial_order: 4, min_points: 3 })
    expect(requiredPoints(settings)).toBe(5)
    expect(evaluateGate(lineWithLast(8, 4), settings).skipReason).toBe('gate skipped: 4 points < polynomial_order + 1 = 5')
    expect(evaluateGate(lineWithLast(8, 5), settings).applied).toBe(true)
  })

  it('fits an exact interpolant when n == order + 1, which leaves a degenerate σ in stddev mode', () => {
    const outcome = evaluateGate(lineWithLast(8, 3), gateSettings({ polynomial_order: 2, min_points: 3 }))
    expect(outcome.applied).toBe(false)
    expect(outcome.skipReason).toMatch(/^gate skipped: degenerate σ=.* < sigma_epsilon 0.000001$/)
    outcome.series.residuals!.forEach((r) => {
      expect(Math.abs(r)).toBeLessThan(1e-9)
    })
  })

  it('skips a degenerate σ only in stddev mode; percentile mode still evaluates', () => {
    const flat: GateSeries = { x: [0, 1, 2, 3, 4, 5].map(at), y: [1, 1, 1, 1, 1, 2] }
    const stddev = evaluateGate(flat, gateSettings({ method: 'median' }))
    expect(stddev.applied).toBe(false)
    expect(stddev.skipReason).toMatch(/degenerate σ=0.00/)
    const percentile = evaluateGate(flat, gateSettings({ method: 'median', threshold_mode: 'percentile' }))
    expect(percentile.applied).toBe(true)
    expect(percentile.sigma).toBe(0)
    expect(percentile.thresholds).toEqual({ mode: 'percentile', lower: 0, upper: 0 })
    expect(percentile.triggered).toBe(1)
  })

  it('uses the central interval of the residuals in percentile mode (numpy float order for p)', () => {
    const series = lineWithLast(8, 14)
    const outcome = evaluateGate(series, gateSettings({ threshold_mode: 'percentile', central_confidence: 0.68 }))
    const spread = outcome.series.residuals!.slice(0, -1).sort((a, b) => a - b)
    // p_low = 0.15999999999999998, p_high = 0.8400000000000001 → (n−1)·p over 13 residuals
    expect(outcome.thresholds!.lower).toBeGreaterThanOrEqual(spread[1]!)
    expect(outcome.thresholds!.upper).toBeLessThanOrEqual(spread[11]!)
    expect(outcome.triggered).toBe(1)
    expect(outcome.comparison).toMatch(/^r=\d+\.\d\d > q_high=/)
  })

  it('gives a [0, 0] band for a single residual in percentile mode (the predecessor rule)', () => {
    const outcome = evaluateGate({ x: [at(0), at(1)], y: [5, 7] }, gateSettings({ method: 'median', threshold_mode: 'percentile', min_points: 2 }))
    expect(outcome.thresholds).toEqual({ mode: 'percentile', lower: 0, upper: 0 })
    expect(outcome.rNow).toBe(1)
    expect(outcome.triggered).toBe(1)
  })

  it('excludes the last residual from σ unless told otherwise', () => {
    const series = lineWithLast(8)
    const excluded = evaluateGate(series, gateSettings({ exclude_last_for_sigma: true }))
    const included = evaluateGate(series, gateSettings({ exclude_last_for_sigma: false }))
    expect(included.sigma!).toBeGreaterThan(excluded.sigma!)
  })

  it('reports the series, baseline and residuals it used', () => {
    const series = lineWithLast(8)
    const outcome = evaluateGate(series, gateSettings())
    expect(outcome.series.x).toEqual(series.x)
    expect(outcome.series.y).toEqual(series.y)
    outcome.series.residuals!.forEach((r, i) => {
      expect(r).toBe(series.y[i]! - outcome.series.fitted![i]!)
    })
    expect(outcome.coefficients).toHaveLength(2)
    expect(outcome.pointCount).toBe(series.y.length)
  })

  it('leaves residuals unchanged when every value is shifted by a constant', () => {
    const random = seededRandom(5)
    for (let trial = 0; trial < 100; trial++) {
      const n = 6 + Math.floor(random() * 20)
      const y = Array.from({ length: n }, (_, i) => 1000 + 3 * i + (random() - 0.5) * 4)
      const shift = (random() - 0.5) * 1e4
      for (const method of ['polynomial_fit', 'median'] as const) {
        const settings = gateSettings({ method, polynomial_order: 1 + (trial % 2) })
        const x = y.map((_, i) => at(i * 0.5))
        const base = evaluateGate({ x, y }, settings)
        const shifted = evaluateGate({ x, y: y.map((v) => v + shift) }, settings)
        shifted.series.residuals!.forEach((r, i) => {
          expect(r).toBeCloseTo(base.series.residuals![i]!, 8)
        })
        expect(shifted.triggered).toBe(base.triggered)
      }
    }
  })

  it('does not open on non-finite numbers', () => {
    const series = lineWithLast(8)
    const withNaN = { x: series.x, y: series.y.map((v, i) => (i === 3 ? Number.NaN : v)) }
    const outcome = evaluateGate(withNaN, gateSettings())
    expect(outcome.applied).toBe(false)
    expect(outcome.skipReason).toBe('gate skipped: non-finite residuals (NaN or infinite values in the series)')
  })

  it('says which series is missing', () => {
    expect(evaluateGate(null, gateSettings(), { missingReason: 'no price series for basis change_rate_usd' }).skipReason).toBe(
      'gate skipped: no price series for basis change_rate_usd',
    )
  })
})

describe('gate series and lookback', () => {
  // positions every hour 0..10, a deposit at 12.5 h (after the last sample)
  const gains = correctedGains(hourly([1000, 1001, 1003, 1004, 1006, 1007, 1009, 1010, 1012, 1013, 1015]), inUsd([deposit(12.5, 5)]), {
    alignment: 'none',
  })

  it('corrected_position: G + v_ref at the position samples only', () => {
    const series = correctedPositionGateSeries(gains, 2000, null)
    expect(series.x).toHaveLength(11)
    expect(series.y[0]).toBe(2000)
    expect(series.y[10]).toBe(2015)
  })

  it('corrected_position: the lookback cuts from the last timebase instant, even below min_points', () => {
    // last timebase instant is 12.5 h: a 4 h lookback keeps samples ≥ 8.5 h → 9 h and 10 h only
    const series = correctedPositionGateSeries(gains, 0, 4)
    expect(series.x).toEqual([at(9), at(10)])
  })

  it('change_rate_usd: the lookback applies only when it leaves enough points', () => {
    const prices = hourly([1, 1.01, 1.02, 1.01, 1, 0.99, 1, 1.02])
    expect(changeRateGateSeries(prices, gateSettings({ lookback_hours: 4, min_points: 5 })).x).toHaveLength(5)
    expect(changeRateGateSeries(prices, gateSettings({ lookback_hours: 2, min_points: 5 })).x).toHaveLength(8)
  })

  it('fallback: the lookback cuts from the last position sample, only when enough points remain', () => {
    expect(fallbackGateSeries(gains, 0, gateSettings({ lookback_hours: 4, min_points: 5 })).x).toEqual([6, 7, 8, 9, 10].map(at))
    expect(fallbackGateSeries(gains, 0, gateSettings({ lookback_hours: 2, min_points: 5 })).x).toHaveLength(11)
  })
})
