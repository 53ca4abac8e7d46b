import { describe, expect, it } from 'bun:test'
import type { ReplayRow } from './replay.ts'
import { reasonKind, summarize } from './summary.ts'

function row(
  at: number,
  decision: -1 | 0 | 1,
  wallets: Record<string, number> = {},
  reason: string | null = null,
  reasonCodes: readonly string[] = [],
): ReplayRow {
  const total = Object.values(wallets).reduce((sum, value) => sum + value, 0)
  return {
    at,
    asset: 'djed',
    decision,
    reasonCode: reasonCodes[0] ?? 'ok',
    reasonCodes,
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
      row(3, 0, {}, 'residual gate triggered: r=12.50 > k·σ=10.00 (σ 2.5 USD; alarm beyond 4×)', ['unusual_move']),
      row(4, 0, {}, 'residual gate triggered: r=-13.00 < -k·σ=-10.00; non-positive gains since t0 (clamped)', ['unusual_move', 'no_gain']),
      row(5, 1, { a: 2 }),
      row(6, -1, {}, 'no series in range (no position samples since 2026-01-01T00:00:00.000Z)', ['no_series']),
      row(7, 1, { a: 3, b: 1 }),
      row(8, 1, { a: 4, b: 1 }),
    ]
    const [summary] = summarize(rows)
    expect(summary!.share).toEqual({ withdrawOk: 5 / 8, hold: 2 / 8, error: 1 / 8 })
    expect(summary!.transitionsToWithdrawOk).toBe(3)
    expect(summary!.withdrawnAtTransitionsUsd).toBe(15 + 2 + 4)
    expect(summary!.withdrawnAtTransitionsByWallet).toEqual({ a: 15, b: 6 })
    expect(summary!.holdReasonCodes).toEqual([
      { code: 'unusual_move', label: 'an unusual move of the position (residual gate)', count: 2 },
      { code: 'no_gain', label: 'no gain since the reference yet', count: 1 },
    ])
    expect(summary!.errorReasonCodes).toEqual([{ code: 'no_series', label: 'no samples since the reference', count: 1 }])
    // a "; " inside parentheses belongs to its reason: only the top-level one separates two
    expect(summary!.holdReasons).toEqual([
      { reason: 'non-positive gains since t0 (clamped)', count: 1 },
      { reason: 'residual gate triggered: r=# < -k·σ=#', count: 1 },
      { reason: 'residual gate triggered: r=# > k·σ=# (σ # USD; alarm beyond #×)', count: 1 },
    ])
    expect(summary!.errorReasons).toEqual([{ reason: 'no series in range (no position samples since <time>)', count: 1 }])
  })

  it('blanks numbers but keeps the digits of names', () => {
    expect(reasonKind('gate skipped: 12 points < min_points 20')).toBe('gate skipped: # points < min_points #')
    expect(reasonKind('price mismatch liqwid 1.0001 vs minswap 1.0213 (Δ 2.08% > 1.00%)')).toBe('price mismatch liqwid # vs minswap # (Δ #% > #%)')
  })
})
