import { describe, expect, it } from 'bun:test'
import type { ReplayRow } from './replay.ts'
import { reasonKind, summarize } from './summary.ts'

function row(at: number, decision: -1 | 0 | 1, wallets: Record<string, number> = {}, reason: string | null = null): ReplayRow {
  const total = Object.values(wallets).reduce((sum, value) => sum + value, 0)
  return {
    at,
    asset: 'djed',
    decision,
    reason: decision === 1 ? null : reason,
    withdrawableUsd: decision === 1 ? total : 0,
    wmaxUsd: total,
    gUsd: 2 * total,
    gateResidualUsd: null,
    gateThresholdUsd: null,
    priceDeltaRel: null,
    withdrawableByWallet: decision === 1 ? wallets : {},
  }
}

describe('replay summary', () => {
  it('counts shares, reasons by kind, turns to WITHDRAW_OK and what each turn would have taken', () => {
    const rows = [
      row(1, 1, { a: 10, b: 5 }),
      row(2, 1, { a: 11, b: 6 }),
      row(3, 0, {}, 'residual gate triggered: r=12.50 > k·σ=10.00'),
      row(4, 0, {}, 'residual gate triggered: r=-13.00 < -k·σ=-10.00; non-positive gains since t0 (clamped)'),
      row(5, 1, { a: 2 }),
      row(6, -1, {}, 'no series in range (no position samples since 2026-01-01T00:00:00.000Z)'),
      row(7, 1, { a: 3, b: 1 }),
      row(8, 1, { a: 4, b: 1 }),
    ]
    const [summary] = summarize(rows)
    expect(summary!.share).toEqual({ withdrawOk: 5 / 8, hold: 2 / 8, error: 1 / 8 })
    expect(summary!.transitionsToWithdrawOk).toBe(3)
    expect(summary!.withdrawnAtTransitionsUsd).toBe(15 + 2 + 4)
    expect(summary!.withdrawnAtTransitionsByWallet).toEqual({ a: 15, b: 6 })
    expect(summary!.holdReasons).toEqual([
      { reason: 'non-positive gains since t0 (clamped)', count: 1 },
      { reason: 'residual gate triggered: r=# < -k·σ=#', count: 1 },
      { reason: 'residual gate triggered: r=# > k·σ=#', count: 1 },
    ])
    expect(summary!.errorReasons).toEqual([{ reason: 'no series in range (no position samples since <time>)', count: 1 }])
  })

  it('blanks numbers but keeps the digits of names', () => {
    expect(reasonKind('gate skipped: 12 points < min_points 20')).toBe('gate skipped: # points < min_points #')
    expect(reasonKind('price mismatch liqwid 1.0001 vs minswap 1.0213 (Δ 2.08% > 1.00%)')).toBe('price mismatch liqwid # vs minswap # (Δ #% > #%)')
  })
})
