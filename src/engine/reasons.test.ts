import { describe, expect, it } from 'bun:test'
import { errorDecision } from './decision.ts'
import { explainDecision, REASON_CODES } from './reasons.ts'

const hold = (reason: string, extra: object = {}) => ({
  ...errorDecision('usdc', ''),
  decision: 0 as const,
  error: null,
  reason,
  refMode: 'keyword' as const,
  ...extra,
})

describe('explainDecision', () => {
  it('says nothing for WITHDRAW_OK', () => {
    expect(explainDecision({ ...hold(''), decision: 1 })).toEqual([])
  })

  it('words the gate trigger with the move and its size against the usual spread, formula in the detail', () => {
    const gate = { rNow: 5812.4, sigma: 2150, k: 2 } as never
    const [reason] = explainDecision(hold('residual gate triggered: r=5812.40 > k·σ=4300.00', { gate }), {
      priceEffectUsd: null,
      pegDeviation: null,
      kSigma: 2,
    })
    expect(reason!.code).toBe('unusual_move')
    expect(reason!.text).toBe('Your USDC position jumped +5.8k USD away from its recent trend, about 2.7× more than it normally moves (limit 2×).')
    expect(reason!.action).toContain('sync transactions')
    expect(reason!.detail).toBe('residual gate triggered: r=5812.40 > k·σ=4300.00')
  })

  it('blames the price for a loss the price explains, with the peg', () => {
    const [reason] = explainDecision(hold('non-positive gains since t0 (clamped)', { asset: 'usdm', gUsd: -2769 }), {
      priceEffectUsd: -2900,
      pegDeviation: -0.026,
      kSigma: null,
    })
    expect(reason!.code).toBe('price_loss')
    expect(reason!.text).toContain('below its 1 USD peg by 2.6 %')
    const [plain] = explainDecision(hold('non-positive gains since t0 (clamped)', { gUsd: -3 }), {
      priceEffectUsd: 1,
      pegDeviation: null,
      kSigma: null,
    })
    expect(plain!.code).toBe('no_gain')
  })

  it('keeps every cause of a combined HOLD, in order', () => {
    const codes = explainDecision(hold('all wallets clamped to 0; price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)')).map(
      (r) => r.code,
    )
    expect(codes).toEqual(['wallets_clamped', 'price_mismatch'])
  })

  it("does not split the gate's explanation at the '; ' inside its parentheses", () => {
    const gate = 'residual gate triggered: the last hour is 50× their usual wobble (σ 116 USD; alarm beyond 4×) (r=5452.00 > k·σ=464.00)'
    const reasons = explainDecision(hold(`${gate}; price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)`))
    expect(reasons.map((r) => r.code)).toEqual(['unusual_move', 'price_mismatch'])
    expect(reasons[0]!.detail).toBe(gate)
  })

  it('classifies ERROR reasons', () => {
    const cases: Record<string, string> = {
      'no series in range (no position samples since 2025-01-01T00:00:00.000Z)': 'no_series',
      'reference withdrawal at 2030-01-01T00:00:00.000Z is after now (2026-01-01T00:00:00.000Z)': 'reference_in_future',
      'invalid transaction: deposit of -1 at 2025-01-01T00:00:00.000Z (wallet addr1)': 'invalid_transaction',
      'internal error: boom': 'internal_error',
      'store query failed: relation "liqwid_supply_positions_x" does not exist': 'data_unavailable',
    }
    for (const [text, code] of Object.entries(cases)) {
      const [reason] = explainDecision(errorDecision('x', text))
      expect(reason!.code as string).toBe(code)
      expect(REASON_CODES[reason!.code]).toBe('ERROR')
    }
  })

  it('never loses an unknown HOLD reason', () => {
    const [reason] = explainDecision(hold('something new'))
    expect(reason!.code).toBe('unclassified')
    expect(reason!.text).toContain('something new')
  })
})
