/**
 * The detection bench's own parts (tests/bench/parts/detection.ts): the synthetic months are
 * deterministic, the anomalies are where and as large as the schedule says, and the scoring counts
 * what it claims to. The bench's figures themselves are printed by `bun tests/bench/gate.ts`.
 */
import { describe, expect, it } from 'bun:test'
import { anomalySchedule, chooseDefault, MODEL, qualifies, STEP_MS, scoreMonth, summarize, syntheticMonth } from './parts/detection.ts'

const steps = (size: number) => Array.from({ length: 8 }, () => ({ kind: 'step up' as const, size }))

describe('synthetic months', () => {
  it('are the same for the same seed and differ for another', () => {
    const schedule = anomalySchedule(1, 7)
    expect(syntheticMonth(0, schedule[0]!, 7)).toEqual(syntheticMonth(0, schedule[0]!, 7))
    expect(syntheticMonth(0, schedule[0]!, 8).usd).not.toEqual(syntheticMonth(0, schedule[0]!, 7).usd)
    // every kind and size once per instance, 8 episodes a month
    expect(schedule.flat()).toHaveLength(16)
    expect(new Set(schedule.flat().map((e) => `${e.kind} ${e.size}`)).size).toBe(16)
  })

  it('inject each anomaly at its start, sized in multiples of the noise', () => {
    const big = syntheticMonth(0, steps(10), 7)
    const small = syntheticMonth(0, steps(2), 7)
    // same random stream: the months differ by the 8 × 50 USD of extra step height, once started
    big.ts.forEach((t, i) => {
      const started = big.anomalies.filter((a) => a.start <= t).length
      expect(big.usd[i]! - small.usd[i]!).toBeCloseTo(started * 8 * MODEL.noiseUsd, 6)
    })
    expect(big.anomalies.map((a) => a.start)).toEqual(small.anomalies.map((a) => a.start))
    expect(big.anomalies.every((a) => (a.start - big.ts[0]!) % STEP_MS === 0)).toBe(true)
  })
})

describe('scoring', () => {
  const month = syntheticMonth(0, steps(10), 7)

  it('catches 10× steps at once with the default for hold, and counts quiet false alarms as rising edges', () => {
    const score = scoreMonth(month, { name: 'default', gate: {} })
    expect(score.detections.map((d) => d.delay)).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    expect(score.quietWeeks).toBe(1)
    expect(score.falseAlarms).toBeLessThanOrEqual(1)
  })

  it('selects only configurations that meet the rule', () => {
    const noisy = { name: 'k 1', gate: { holdout: 0, sigma: 'std', k_sigma: 1 } }
    const results = [summarize(noisy, [scoreMonth(month, noisy)])]
    expect(results[0]!.falseAlarmsPerWeek).toBeGreaterThan(1)
    expect(qualifies(results[0]!)).toBe(false)
    expect(chooseDefault(results)).toBeNull()
  })
})
