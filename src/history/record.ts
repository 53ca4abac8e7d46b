/**
 * One row of the decision history (`orchestrator_decisions`): what an evaluation decided for one
 * asset, with the numbers a supplier and the notifier need later. Pure: built from an evaluation
 * result, never from I/O.
 */
import type { AssetDecision } from '../engine/decision.ts'
import type { DecisionCode, EpochMs } from '../engine/types.ts'
import { explainDecision } from '../engine/reasons.ts'
import type { HistoryOrigin } from '../store/history-sql.ts'

export interface DecisionRecord {
  /** the evaluation instant */
  readonly ts: EpochMs
  readonly asset: string
  readonly decision: DecisionCode
  /** stable code of the cause (`ok` for WITHDRAW_OK), see `reasonCode` */
  readonly reasonCode: string
  /** the reason in words; '' for WITHDRAW_OK */
  readonly reasonText: string
  /** what may be withdrawn now: Σ W_max on WITHDRAW_OK, else 0 */
  readonly withdrawableUsd: number
  /** Σ wallet W_max whatever the decision */
  readonly wmaxUsd: number
  readonly gUsd: number | null
  readonly vT1Usd: number | null
  readonly priceT1Usd: number | null
  readonly gateResidualUsd: number | null
  readonly gateThresholdUsd: number | null
  readonly priceDeltaRel: number | null
  readonly durationMs: number
  /** 'live' (the service after an evaluation) or 'replay' (`replay --write-history`) */
  readonly origin: HistoryOrigin
  /** reference instant (for "gain since 27 Nov"); not stored, null when read back */
  readonly t0?: EpochMs | null
  /** wallets that contribute to the amount; not stored */
  readonly walletCount?: number
}

/** The slice of an evaluation result the history needs (the full result type satisfies it). */
export interface EvaluatedAssets {
  readonly at: EpochMs
  readonly durationMs: number
  readonly assets: readonly { readonly asset: string; readonly decision: AssetDecision }[]
}

/**
 * The stable code of a decision's cause: the deciding reason of src/engine/reasons.ts (the codes
 * the dashboard and `/api/decisions` show), 'ok' for WITHDRAW_OK.
 */
export function reasonCode(decision: AssetDecision): string {
  if (decision.decision === 1) return 'ok'
  return explainDecision(decision)[0]?.code ?? 'unclassified'
}

export function withdrawableUsd(decision: AssetDecision): number {
  return decision.decision === 1 ? decision.wmaxUsd : 0
}

const finiteOrNull = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) ? null : value)

export function recordOf(decision: AssetDecision, at: EpochMs, durationMs: number, origin: HistoryOrigin = 'live'): DecisionRecord {
  const gate = decision.gateApplied ? decision.gate : null
  return {
    ts: at,
    asset: decision.asset,
    decision: decision.decision,
    reasonCode: reasonCode(decision),
    reasonText: decision.reason ?? '',
    withdrawableUsd: withdrawableUsd(decision),
    wmaxUsd: finiteOrNull(decision.wmaxUsd) ?? 0,
    gUsd: finiteOrNull(decision.gUsd),
    vT1Usd: finiteOrNull(decision.vT1Usd),
    priceT1Usd: finiteOrNull(decision.priceT1Usd),
    gateResidualUsd: finiteOrNull(gate?.rNow),
    gateThresholdUsd: finiteOrNull(gate?.thresholds?.upper),
    priceDeltaRel: finiteOrNull(decision.priceCompare?.deltaRel),
    durationMs: Math.max(0, Math.round(durationMs)),
    origin,
    t0: decision.t0,
    walletCount: decision.wallets.filter((wallet) => wallet.wmaxUsd > 0).length,
  }
}

/** One record per asset of an evaluation, in the result's order. */
export function recordsOf(result: EvaluatedAssets, origin: HistoryOrigin = 'live'): DecisionRecord[] {
  return result.assets.map((entry) => recordOf(entry.decision, result.at, result.durationMs, origin))
}
