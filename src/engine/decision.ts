/**
 * One asset's decision from data the caller has already fetched (spec-math §7.3–7.5), as a value:
 * WITHDRAW_OK (1), HOLD (0) or ERROR (−1), with a human reason for every HOLD and ERROR, the
 * numbers behind it (t0, t1, v_ref, v_t1, g, per-wallet W_max, gate outcome) and what the charts
 * draw. Pure: no I/O, the clock is `now`; an asset's failure is a value, never a throw.
 *
 * Branches, by reference mode (see reference.ts):
 * - `error`     ERROR (t0 is not before now);
 * - `null`      HOLD, no wallets, g = 0;
 * - `data_range` t0 = the configured range start; no series → HOLD with g = 0; otherwise like
 *               keyword, and the gate runs only with `apply_in_fallback` (fallback gate, gate.ts);
 * - `keyword`   no series → ERROR "no series in range"; otherwise base decision = 1 iff Σ W_max > 0,
 *               then the residual gate (when enabled) per `on_trigger`.
 * Price comparison is applied afterwards by `applyPriceComparison` and can only lower a decision.
 */
import { changeRateGateSeries, correctedPositionGateSeries, evaluateGate, fallbackGateSeries, type GateOutcome, gateVerdict } from './gate.ts'
import { comparePrices, type PriceComparison } from './price-compare.ts'
import { iso, type ReferenceResult } from './reference.ts'
import { priceSeries, usdSeries } from './series.ts'
import type { AssetSettings } from './settings.ts'
import { correctedGains, finalGain } from './timebase.ts'
import type { AggregateSeries, DecisionCode, EpochMs, RefMode, Series, Transaction, WalletBreakdown } from './types.ts'
import { convertToUsd, type UsdTransaction } from './usd.ts'
import { type WalletSamples, walletCapacity } from './wmax.ts'

export interface AssetInputs {
  readonly asset: string
  readonly now: EpochMs
  readonly settings: AssetSettings
  readonly reference: ReferenceResult
  /** aggregate series over [t0, now]; in `null` mode optional (only its last sample is reported) */
  readonly series: AggregateSeries | null
  /** every transaction of the asset (all wallets) in [t0, now], amounts in token units as stored */
  readonly transactions: readonly Transaction[]
  /** each wallet's samples in [t0, now]: the full series or its first two and last (wmax.ts) */
  readonly wallets: readonly WalletSamples[]
  /** basis change_rate_usd: the selected provider's prices in [t0, now]; default: the aggregate's */
  readonly gatePrices?: Series | null
  /** prices converting transaction amounts to USD; default: the aggregate's price column */
  readonly conversionPrices?: Series | null
  /** decision-time price from a live API (annotation only), keyword mode */
  readonly priceT1Usd?: number | null
}

export interface AssetDecision {
  readonly asset: string
  readonly decision: DecisionCode
  /** why the asset HOLDs or is in ERROR; null for WITHDRAW_OK */
  readonly reason: string | null
  /** the error text of an ERROR (same as `reason`), else null */
  readonly error: string | null
  readonly refMode: RefMode | null
  readonly t0: EpochMs | null
  /** last aggregate sample (not now) */
  readonly t1: EpochMs | null
  readonly vRefUsd: number | null
  readonly vT1Usd: number | null
  readonly gUsd: number | null
  readonly priceT1Usd: number | null
  readonly wallets: WalletBreakdown[]
  /** Σ wallet W_max (0 without wallets) */
  readonly wmaxUsd: number
  /** null when the gate is disabled or not applicable in this mode */
  readonly gate: GateOutcome | null
  /** true: trigger evaluated; false: gate could not run; null: disabled / not applicable */
  readonly gateApplied: boolean | null
  readonly priceCompare: PriceComparison | null
  /** transactions that kept their token amount for lack of a price (warn once) */
  readonly unpricedTransactions: Transaction[]
  readonly chart: {
    /** G + v_ref at the position samples of [t0, now] */
    readonly correctedPosition: Series
    readonly transactions: UsdTransaction[]
  }
}

const EMPTY_CHART: AssetDecision['chart'] = { correctedPosition: { ts: [], values: [] }, transactions: [] }

/** An ERROR decision with nothing computed (resolution failures, store errors, invalid data). */
export function errorDecision(asset: string, reason: string, known: Partial<AssetDecision> = {}): AssetDecision {
  return {
    ...emptyDecision(asset),
    ...known,
    decision: -1,
    reason,
    error: reason,
  }
}

function emptyDecision(asset: string): AssetDecision {
  return {
    asset,
    decision: 0,
    reason: null,
    error: null,
    refMode: null,
    t0: null,
    t1: null,
    vRefUsd: null,
    vT1Usd: null,
    gUsd: null,
    priceT1Usd: null,
    wallets: [],
    wmaxUsd: 0,
    gate: null,
    gateApplied: null,
    priceCompare: null,
    unpricedTransactions: [],
    chart: EMPTY_CHART,
  }
}

export function decideAsset(inputs: AssetInputs): AssetDecision {
  try {
    return decide(inputs)
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    return errorDecision(inputs.asset, `internal error: ${message}`)
  }
}

function decide(inputs: AssetInputs): AssetDecision {
  const { asset, reference } = inputs
  if (reference.mode === 'error') {
    const known = { refMode: reference.refMode, t0: reference.t0, vRefUsd: reference.vRefUsd }
    return errorDecision(asset, reference.reason, known)
  }
  const aggregate = inputs.series === null ? null : usdSeries(inputs.series)
  if (reference.mode === 'null') {
    const vT1Usd = aggregate?.values.at(-1) ?? null
    return { ...emptyDecision(asset), refMode: 'null', gUsd: 0, vT1Usd, reason: reference.reason }
  }

  const refMode = reference.mode
  const t0 = reference.t0
  const base = { ...emptyDecision(asset), refMode, t0 }
  const invalid = invalidTransaction(inputs.transactions)
  if (invalid !== null) return errorDecision(asset, invalid, base)
  if (aggregate === null || aggregate.ts.length === 0) {
    if (reference.mode === 'keyword') {
      const known = { ...base, vRefUsd: reference.vRefUsd }
      return errorDecision(asset, `no series in range (no position samples since ${iso(t0)})`, known)
    }
    return { ...base, gUsd: 0, reason: `no position samples since the data range start ${iso(t0)}` }
  }

  const { settings } = inputs
  const conversion = convertToUsd(
    inputs.transactions,
    inputs.conversionPrices === undefined ? defaultPrices(inputs.series) : inputs.conversionPrices,
    settings.tx_timestamp_source,
  )
  const gainOptions = { alignment: settings.alignment_method, txTimestampSource: settings.tx_timestamp_source }
  const capacity = walletCapacity(inputs.wallets, conversion.transactions, {
    ...gainOptions,
    safetyFactor: settings.safety_factor,
  })
  const gains = correctedGains(aggregate, conversion.transactions, gainOptions)
  const gUsd = finalGain(gains)
  const vRefUsd = reference.mode === 'keyword' ? reference.vRefUsd : (aggregate.values[0] as number)
  const correctedPosition = correctedPositionGateSeries(gains, vRefUsd, null)

  const baseDecision: 0 | 1 = capacity.totalWmaxUsd > 0 ? 1 : 0
  const baseReason = baseDecision === 0 ? capacityReason(capacity.wallets, gUsd) : null
  const gate = runGate(inputs, refMode, gains, vRefUsd)
  const { decision, reasons } = combineWithGate(baseDecision, baseReason, gate, settings.gate)

  return {
    ...base,
    decision,
    // every path to HOLD above pushed its reason
    reason: decision === 1 ? null : reasons.join('; '),
    t1: aggregate.ts.at(-1) as EpochMs,
    vRefUsd,
    vT1Usd: aggregate.values.at(-1) as number,
    gUsd,
    priceT1Usd: refMode === 'keyword' ? (inputs.priceT1Usd ?? null) : null,
    wallets: capacity.wallets,
    wmaxUsd: capacity.totalWmaxUsd,
    gate,
    gateApplied: gate === null ? null : gate.applied,
    unpricedTransactions: conversion.unpriced,
    chart: {
      correctedPosition: { ts: correctedPosition.x, values: correctedPosition.y },
      transactions: conversion.transactions,
    },
  }
}

/** The aggregate's own price column (the positions table's price_usd), the default price source. */
function defaultPrices(series: AggregateSeries | null): Series | null {
  return series === null ? null : priceSeries(series)
}

/** The gate outcome for this mode, or null when the gate does not apply. */
function runGate(
  inputs: AssetInputs,
  refMode: 'keyword' | 'data_range',
  gains: ReturnType<typeof correctedGains>,
  vRefUsd: number,
): GateOutcome | null {
  const gate = inputs.settings.gate
  if (!gate.enabled) return null
  if (refMode === 'data_range') {
    if (!gate.apply_in_fallback) return null
    return evaluateGate(fallbackGateSeries(gains, vRefUsd, gate), gate, { method: 'polynomial_fit' })
  }
  if (gate.basis === 'change_rate_usd') {
    const prices = inputs.gatePrices === undefined ? defaultPrices(inputs.series) : inputs.gatePrices
    if (prices === null || prices.ts.length === 0) {
      return evaluateGate(null, gate, { missingReason: 'no price series for basis change_rate_usd' })
    }
    return evaluateGate(changeRateGateSeries(prices, gate), gate)
  }
  return evaluateGate(correctedPositionGateSeries(gains, vRefUsd, gate.lookback_hours), gate)
}

/**
 * The W_max decision combined with the gate. `withdraw`: the gate's verdict is the decision (the
 * W_max reason does not apply). `hold`: HOLD when either holds, with every reason that holds.
 */
function combineWithGate(
  baseDecision: 0 | 1,
  baseReason: string | null,
  gate: GateOutcome | null,
  settings: AssetSettings['gate'],
): { decision: 0 | 1; reasons: string[] } {
  if (gate === null) return { decision: baseDecision, reasons: baseReason === null ? [] : [baseReason] }
  const verdict = gateVerdict(gate, settings, baseDecision)
  if (settings.on_trigger === 'withdraw') {
    return { decision: verdict.decision, reasons: verdict.reason === null ? [] : [verdict.reason] }
  }
  const reasons = [baseReason, verdict.reason].filter((r): r is string => r !== null)
  return { decision: baseDecision === 1 && verdict.decision === 1 ? 1 : 0, reasons }
}

/** The predecessor's console reasons for Σ W_max ≤ 0 (spec-math §7.9). */
function capacityReason(wallets: readonly WalletBreakdown[], gUsd: number): string {
  if (wallets.length === 0) return 'no wallets/data'
  if (gUsd <= 0) return 'non-positive gains since t0 (clamped)'
  return 'all wallets clamped to 0'
}

/**
 * A row the gain cannot use: the predecessor refused deposits ≤ 0, withdrawals ≥ 0 (as read) and
 * blank wallets, and so does the engine: a gain computed over unreadable transactions is unknown.
 */
function invalidTransaction(transactions: readonly Transaction[]): string | null {
  for (const tx of transactions) {
    const signOk = tx.kind === 'deposit' ? tx.amount > 0 : tx.amount < 0
    if (!Number.isFinite(tx.amount) || !signOk || tx.wallet.trim() === '') {
      const wallet = tx.wallet.trim() === '' ? 'no wallet' : `wallet ${tx.wallet}`
      return `invalid transaction: ${tx.kind} of ${tx.amount} at ${iso(tx.ts)} (${wallet})`
    }
  }
  return null
}

/**
 * Price comparison after the decision (spec-math §7.7). ERROR decisions and disabled comparisons
 * are returned unchanged with the streak untouched. Returns the new streak to keep for this asset.
 */
export function applyPriceComparison(
  decision: AssetDecision,
  prices: Readonly<Record<string, number | null | undefined>>,
  settings: AssetSettings['price_compare'],
  previousStreak: number,
): { decision: AssetDecision; mismatchStreak: number } {
  if (!settings.enabled || decision.decision === -1) return { decision, mismatchStreak: previousStreak }
  const comparison = comparePrices(prices, settings, previousStreak)
  let updated: AssetDecision = { ...decision, priceCompare: comparison }
  if (comparison.forcesHold && comparison.reason !== null) {
    const reason = decision.decision === 0 && decision.reason ? `${decision.reason}; ${comparison.reason}` : comparison.reason
    updated = { ...updated, decision: 0, reason }
  }
  return { decision: updated, mismatchStreak: comparison.mismatchStreak }
}
