/**
 * What one evaluation produces: a value the web layer, the metrics, `--once` and the diagnostics
 * read, and the next evaluation takes as `previous` (the price-mismatch streaks live here, not in
 * a shared map).
 */
import type { AssetDecision } from '../engine/decision.ts'
import type { EpochMs, Series } from '../engine/types.ts'
import type { AssetPrices } from '../sources/prices.ts'

/** What the charts draw, all over the evaluation window. */
export interface AssetChartData {
  readonly window: { readonly start: EpochMs; readonly end: EpochMs } | null
  /** raw USD positions, summed over wallets */
  readonly positions: Series
  /** price_usd of the positions table */
  readonly prices: Series
  /** Minswap price_usd / ada_usd */
  readonly adaRate: Series
  readonly minswapPrices: Series
}

export interface AssetEvaluation {
  readonly asset: string
  /** the table symbol, null when it could not be resolved */
  readonly symbol: string | null
  /** the table symbol when it differs from the asset name, else '' (the metrics label) */
  readonly alternateName: string
  readonly decision: AssetDecision
  /** consecutive evaluations whose price comparison found a mismatch (carried to the next one) */
  readonly mismatchStreak: number
  /** problems that did not stop the asset: skipped rows, transactions without a price */
  readonly warnings: readonly string[]
  readonly prices: AssetPrices | null
  /** latest USD rate of the default Greptime provider */
  readonly rateUsd: { readonly source: string; readonly value: number } | null
  /** latest Minswap price_usd / ada_usd */
  readonly rateAda: number | null
  readonly charts: AssetChartData
  readonly timings: { readonly fetchMs: number; readonly engineMs: number }
}

export interface EvaluationResult {
  /** the evaluation instant ("now" of the engine) */
  readonly at: EpochMs
  readonly durationMs: number
  readonly assets: readonly AssetEvaluation[]
  /** at least one asset is ERROR */
  readonly hasErrors: boolean
}

export const EMPTY_SERIES: Series = { ts: [], values: [] }
export const EMPTY_CHARTS: AssetChartData = {
  window: null,
  positions: EMPTY_SERIES,
  prices: EMPTY_SERIES,
  adaRate: EMPTY_SERIES,
  minswapPrices: EMPTY_SERIES,
}
