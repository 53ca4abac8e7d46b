/** A decision history row with plausible values; tests override what they look at. */
import type { DecisionRecord } from '../../src/history/record.ts'

export const HISTORY_T = Date.UTC(2026, 10, 27, 6, 0, 0)

export function historyRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    ts: HISTORY_T,
    asset: 'djed',
    decision: 1,
    reasonCode: 'ok',
    reasonText: '',
    withdrawableUsd: 91,
    wmaxUsd: 91,
    gUsd: 182,
    vT1Usd: 10_000,
    priceT1Usd: 1.0002,
    gateResidualUsd: 0.5,
    gateThresholdUsd: 2.4,
    priceDeltaRel: 0.001,
    durationMs: 412,
    origin: 'live',
    t0: null,
    ...overrides,
  }
}
