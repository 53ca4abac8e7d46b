/**
 * The decision at each instant over data already in memory, with no look-ahead: at instant t the
 * engine sees only rows with `ts ≤ t` (samples, transactions, the tagged reference withdrawal as of
 * t), exactly what a live evaluation at t would have read. Pure: no I/O, no clock.
 *
 * The detection bench (tests/bench/gate.ts) runs the gate through it over synthetic months; the
 * replay command (read the store once, slice per instant) is meant to be a reader in front of it.
 * Slicing is a binary search per instant, so a replay costs instants × the engine, not × the data.
 */
import { bisectLeft, bisectRight } from 'd3-array'
import { type AssetDecision, decideAsset } from '../engine/decision.ts'
import { evaluationWindow, latestTaggedWithdrawal, resolveReference } from '../engine/reference.ts'
import { usdSeries } from '../engine/series.ts'
import type { AssetSettings } from '../engine/settings.ts'
import type { AggregateSeries, EpochMs, Series, Transaction } from '../engine/types.ts'
import { sparseWalletSamples } from '../engine/wmax.ts'

/** Everything one asset's decisions read over a span, ascending by time. */
export interface AssetHistory {
  readonly asset: string
  readonly settings: AssetSettings
  /** the aggregate (all wallets) per timestamp */
  readonly series: AggregateSeries
  /** every transaction of the asset, all wallets, amounts as stored */
  readonly transactions: readonly Transaction[]
  /** each wallet's own samples */
  readonly wallets: readonly { readonly wallet: string; readonly samples: Series }[]
  /** `data.date_range.start` (the data_range fallback), null when not configured */
  readonly dataRangeStart: EpochMs | null
  /** basis change_rate_usd from another provider than the aggregate's price column */
  readonly gatePrices?: Series
}

/** The decision a live evaluation at each instant would have made. */
export function decideAtEachInstant(history: AssetHistory, instants: readonly EpochMs[]): AssetDecision[] {
  return instants.map((instant) => decideAsset(inputsAsOf(history, instant)))
}

/** The engine's inputs at `now`: only rows with ts ≤ now, windowed to [t0, now] like a live read. */
export function inputsAsOf(history: AssetHistory, now: EpochMs): Parameters<typeof decideAsset>[0] {
  const { settings, series } = history
  const known = history.transactions.filter((tx) => tx.ts <= now)
  const seen = countUpTo(series.ts, now)
  const tagged = latestTaggedWithdrawal(known, settings.reference.keyword)
  // v_ref is the sample nearest to t0: the one on each side of it decide
  const around = tagged === null ? 0 : bisectLeft(series.ts as EpochMs[], tagged.ts)
  const reference = resolveReference({
    tagged,
    samplesAroundT0: usdSeries(aggregateBetween(series, Math.max(0, around - 1), Math.min(seen, around + 1))),
    settings: settings.reference,
    dataRangeStart: history.dataRangeStart,
    now,
  })
  const window = evaluationWindow(reference, now)
  const base = { asset: history.asset, now, settings, reference }
  if (window === null) return { ...base, series: aggregateBetween(series, 0, seen), transactions: [], wallets: [] }
  const from = (ts: readonly EpochMs[]) => bisectLeft(ts as EpochMs[], window.start)
  return {
    ...base,
    series: aggregateBetween(series, from(series.ts), seen),
    transactions: known.filter((tx) => tx.ts >= window.start),
    // what the store returns for a wallet: the samples its final gain needs (wmax.ts)
    wallets: history.wallets.map(({ wallet, samples }) => ({
      wallet,
      samples: sparseWalletSamples(seriesBetween(samples, from(samples.ts), countUpTo(samples.ts, now))),
    })),
    ...(history.gatePrices === undefined
      ? {}
      : { gatePrices: seriesBetween(history.gatePrices, from(history.gatePrices.ts), countUpTo(history.gatePrices.ts, now)) }),
  }
}

/** How many timestamps are ≤ instant (ascending input). */
export function countUpTo(ts: readonly EpochMs[], instant: EpochMs): number {
  return bisectRight(ts as EpochMs[], instant)
}

function aggregateBetween(series: AggregateSeries, start: number, end: number): AggregateSeries {
  return { ts: series.ts.slice(start, end), usd: series.usd.slice(start, end), price: series.price.slice(start, end) }
}

function seriesBetween(series: Series, start: number, end: number): Series {
  return { ts: series.ts.slice(start, end), values: series.values.slice(start, end) }
}
