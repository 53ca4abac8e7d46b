/**
 * The store's own vocabulary: what its readers return beyond the engine's domain types
 * (`src/engine/types.ts`) and what its writers accept. Plain data only.
 */

import type { EpochMs, Series, Transaction, TransactionKind } from '../engine/types.ts'

/** A closed time interval; `null` leaves that side open. Both ends are inclusive. */
export interface TimeRange {
  readonly start: EpochMs | null
  readonly end: EpochMs | null
}

export const ALL_TIME: TimeRange = { start: null, end: null }

/** The four per-asset table families of spec-data §1.5. */
export type TableKind = 'positions' | 'deposits' | 'withdrawals' | 'minswap'

/** A table name as SQL sees it: `namespace.name`, or `name` in the connection's database. */
export interface TableRef {
  readonly namespace: string | null
  readonly name: string
}

/** A transaction row the reader could not turn into a `Transaction`; reported, never fatal. */
export interface RowProblem {
  /** the table as written in SQL, e.g. `liqwid_withdrawals_djed` */
  readonly table: string
  readonly ts: EpochMs | null
  readonly reason: string
}

export interface TransactionsResult {
  /** deposits first, then withdrawals, stable-sorted by ts; same-ts rows are all kept */
  readonly transactions: Transaction[]
  readonly problems: RowProblem[]
}

/** Providers whose prices live in the store (spec-data §4.1). */
export type StorePriceSource = 'greptime(liqwid)' | 'greptime(minswap)'

export interface PricePoint {
  readonly ts: EpochMs
  readonly priceUsd: number
}

/** `minswap.minswap_prices_<sym>` per timestamp; a value is null where the column is. */
export interface MinswapSeries {
  readonly ts: readonly EpochMs[]
  readonly priceUsd: readonly (number | null)[]
  readonly adaUsd: readonly (number | null)[]
}

export interface ResolvedAsset {
  /** the lowercase table symbol, e.g. `wanusdc` */
  readonly symbol: string
  /** `market_id` of the positions table, else its `market_name`, else the symbol upper-cased */
  readonly marketId: string
}

export interface Timespan {
  readonly first: EpochMs
  readonly last: EpochMs
}

/** One row of `liqwid_supply_positions_<sym>`. */
export interface PositionRow {
  readonly ts: EpochMs
  readonly wallet: string | null
  readonly marketId: string
  readonly marketName: string
  readonly units: number | null
  readonly priceUsd: number | null
  /** null makes readers fall back to `units * priceUsd` */
  readonly usdValue: number | null
}

/** A deposit or withdrawal to write; the writer stores deposits as +|amount|, withdrawals as −|amount|. */
export interface NewTransaction {
  readonly ts: EpochMs
  /** defaults to the time of the write */
  readonly createdAt?: EpochMs
  readonly wallet: string
  readonly marketId: string
  readonly amount: number
  readonly notes: string | null
  /** the Liqwid transaction id, verbatim; null/absent for a row without one (a manual entry) */
  readonly txId?: string | null
}

export interface MinswapRow {
  readonly ts: EpochMs
  readonly priceUsd: number | null
  readonly adaUsd: number | null
}

export type { EpochMs, Series, Transaction, TransactionKind }
