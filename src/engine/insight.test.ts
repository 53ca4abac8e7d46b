import { describe, expect, it } from 'bun:test'
import { attributeGain, dataAge, pegStatus, withdrawable } from './insight.ts'

describe('insight', () => {
  it('allows W_max only on WITHDRAW_OK, in USD and tokens', () => {
    expect(withdrawable(1, 91, 1.0002)).toEqual({ usd: 91, units: 91 / 1.0002 })
    expect(withdrawable(0, 2953.69, 1)).toEqual({ usd: 0, units: 0 })
    expect(withdrawable(-1, 10, null)).toEqual({ usd: 0, units: null })
  })

  it('splits a gain into interest (tokens) and the price effect', () => {
    // 1000 tokens at 1.00, a deposit of 100 tokens, 1105 tokens at 0.97: 5 tokens of interest.
    const positions = { ts: [0, 1, 2], values: [1000, 1050, 1105 * 0.97] }
    const prices = { ts: [0, 1, 2], values: [1, 1, 0.97] }
    const gain = 1105 * 0.97 - 1000 - 100 * 1
    // the reference withdrawal at the first sample is already in it: not counted again
    const split = attributeGain(
      positions,
      prices,
      [
        { amount: -300, ts: 0 },
        { amount: 100, ts: 1 },
      ],
      gain,
    )!
    expect(split.interestUnits).toBeCloseTo(5, 9)
    expect(split.interestUsd).toBeCloseTo(5 * 0.97, 9)
    expect(split.priceEffectUsd).toBeCloseTo(1000 * (0.97 - 1), 9)
    // the gain also holds the deposit's own 3 % loss, which the price effect of u(t0) leaves out
    expect(split.interestUsd + split.priceEffectUsd).toBeCloseTo(gain + 100 * 0.03, 9)
    expect(attributeGain(positions, { ts: [0], values: [1] }, [], gain)).toBeNull()
  })

  it('flags a stablecoin beyond the allowed distance from 1 USD', () => {
    expect(pegStatus(0.974, 0.005)!.off).toBe(true)
    expect(pegStatus(0.997, 0.005)!.off).toBe(false)
    expect(pegStatus(null, 0.005)).toBeNull()
  })

  it('calls data stale after three sampling intervals', () => {
    const ts = [0, 900_000, 1_800_000, 2_700_000]
    expect(dataAge(ts, 2_700_000 + 2_700_000)!.stale).toBe(false)
    expect(dataAge(ts, 2_700_000 + 2_700_001)!.stale).toBe(true)
    expect(dataAge(ts, 3_000_000)!.ageMs).toBe(300_000)
    expect(dataAge([], 0)).toBeNull()
  })
})
