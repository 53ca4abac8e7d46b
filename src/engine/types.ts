/**
 * The domain model shared by the store (which produces it), the engine (which computes on it)
 * and the web layer (which presents the results). Plain data only: no classes, no I/O.
 *
 * Instants are integer epoch milliseconds (UTC) everywhere; the predecessor's float seconds are
 * derived as `ms / 1000` where a formula needs them (spec-math §0).
 */

export type EpochMs = number

/** A time series with ascending, unique timestamps and one value per timestamp. */
export interface Series {
  readonly ts: readonly EpochMs[]
  readonly values: readonly number[]
}

export type TransactionKind = 'deposit' | 'withdrawal'

/** One row of `liqwid_deposits_<sym>` / `liqwid_withdrawals_<sym>` as the engine sees it. */
export interface Transaction {
  readonly ts: EpochMs
  /** when the row was written; equals `ts` when the column is NULL */
  readonly createdAt: EpochMs
  readonly wallet: string
  readonly marketId: string
  readonly kind: TransactionKind
  /** signed token units as stored: deposits > 0, withdrawals < 0 */
  readonly amount: number
  readonly notes: string | null
}

/** Per-timestamp aggregate of a positions table: USD summed over wallets, and the asset price. */
export interface AggregateSeries {
  readonly ts: readonly EpochMs[]
  /** Σ over wallets of COALESCE(usd_value, underlying_units * price_usd, 0) */
  readonly usd: readonly number[]
  /** price_usd at that timestamp (identical across wallets in practice); null when absent */
  readonly price: readonly (number | null)[]
}

/** 1 = WITHDRAW_OK, 0 = HOLD, -1 = ERROR (the predecessor's codes, kept for metrics). */
export type DecisionCode = 1 | 0 | -1

export const DECISION_LABEL: Record<DecisionCode, 'WITHDRAW_OK' | 'HOLD' | 'ERROR'> = {
  1: 'WITHDRAW_OK',
  0: 'HOLD',
  [-1]: 'ERROR',
}

/** How t0 was chosen: a tagged withdrawal, the configured range start, or no reference at all. */
export type RefMode = 'keyword' | 'data_range' | 'null'

export interface WalletBreakdown {
  readonly wallet: string
  /** c · max(0, gain) */
  readonly wmaxUsd: number
  /** the wallet's last raw sample in [t0, now] (USD) */
  readonly vT1Usd: number
  /** corrected gain since t0 (USD), before clamping */
  readonly gainUsd: number
}
