import { describe, expect, it } from 'bun:test'
import { errorDecision } from '../engine/decision.ts'
import { reasonCode, recordsOf } from './record.ts'

const hold = (reason: string) => ({ ...errorDecision('djed', reason), decision: 0 as const, error: null })

describe('history records', () => {
  it('classifies the engine reasons into stable codes', () => {
    expect(reasonCode(hold('non-positive gains since t0 (clamped)'))).toBe('no_gain')
    expect(reasonCode(hold('residual gate triggered: r=4158.39 > k·σ=1268.27'))).toBe('unusual_move')
    expect(reasonCode(hold('residual gate not triggered: r=1.00 <= k·σ=2.00'))).toBe('no_opportunity')
    expect(reasonCode(hold('price mismatch liqwid 1.0003 vs minswap 1.0206 (Δ 1.99% > 1.00%)'))).toBe('price_mismatch')
    expect(reasonCode(hold('gate skipped: 12 points < min_points 20'))).toBe('gate_not_run')
    expect(reasonCode(errorDecision('djed', 'assetAggregate x: cannot reach 127.0.0.1:5432/liqwid (ECONNREFUSED)'))).toBe('data_unavailable')
    expect(reasonCode(errorDecision('djed', 'internal error: boom'))).toBe('internal_error')
    expect(reasonCode({ ...hold(''), decision: 1, reason: null })).toBe('ok')
  })

  it('turns an evaluation into one row per asset: withdrawable only on WITHDRAW_OK, non-finite numbers as null', () => {
    const ok = { ...hold(''), decision: 1 as const, reason: null, wmaxUsd: 91, gUsd: Number.NaN, t0: 5 }
    const held = { ...hold('non-positive gains since t0 (clamped)'), asset: 'usdm', wmaxUsd: 12 }
    const [first, second] = recordsOf({
      at: 1000,
      durationMs: 412.6,
      assets: [
        { asset: 'djed', decision: ok },
        { asset: 'usdm', decision: held },
      ],
    })
    expect(first).toMatchObject({
      ts: 1000,
      asset: 'djed',
      decision: 1,
      reasonCode: 'ok',
      withdrawableUsd: 91,
      wmaxUsd: 91,
      gUsd: null,
      durationMs: 413,
      t0: 5,
    })
    expect(second).toMatchObject({ asset: 'usdm', decision: 0, reasonCode: 'no_gain', withdrawableUsd: 0, wmaxUsd: 12 })
  })
})
