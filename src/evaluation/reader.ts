/**
 * What an evaluation reads from the store, as an interface: the store's own reader satisfies it,
 * and so do the two views of the past that must agree to the last digit — `readerAsOf` (an
 * evaluation as of an instant: `--once --now`) and the replay's reader sliced from one read of a
 * whole span (src/replay/). The no-look-ahead rule lives here: as of an instant, nothing with a
 * later timestamp exists.
 */
import type { AggregateSeries, EpochMs, Series } from '../engine/types.ts'
import type { MinswapSeries, PricePoint, ResolvedAsset, StorePriceSource, TimeRange, TransactionsResult } from '../store/types.ts'

export interface EvaluationReader {
  resolveSymbol(asset: string): Promise<ResolvedAsset>
  transactions(symbol: string, range: TimeRange): Promise<TransactionsResult>
  assetAggregate(symbol: string, range: TimeRange): Promise<AggregateSeries | null>
  lastAggregateSample(symbol: string, range: TimeRange): Promise<AggregateSeries | null>
  walletSamples(symbol: string, range: TimeRange): Promise<Map<string, Series>>
  minswapSeries(symbol: string, range: TimeRange): Promise<MinswapSeries>
  latestPrice(source: StorePriceSource, symbol: string, asOf?: EpochMs | null): Promise<PricePoint | null>
}

/** `range` with its end at `instant` at the latest. */
export function clampRange(range: TimeRange, instant: EpochMs): TimeRange {
  return { start: range.start, end: range.end === null ? instant : Math.min(range.end, instant) }
}

/** The store as it was at `instant`: every read ends there (rows with ts ≤ instant only). */
export function readerAsOf(reader: EvaluationReader, instant: EpochMs): EvaluationReader {
  return {
    resolveSymbol: (asset) => reader.resolveSymbol(asset),
    transactions: (symbol, range) => reader.transactions(symbol, clampRange(range, instant)),
    assetAggregate: (symbol, range) => reader.assetAggregate(symbol, clampRange(range, instant)),
    lastAggregateSample: (symbol, range) => reader.lastAggregateSample(symbol, clampRange(range, instant)),
    walletSamples: (symbol, range) => reader.walletSamples(symbol, clampRange(range, instant)),
    minswapSeries: (symbol, range) => reader.minswapSeries(symbol, clampRange(range, instant)),
    latestPrice: (source, symbol, asOf = null) => reader.latestPrice(source, symbol, asOf === null ? instant : Math.min(asOf, instant)),
  }
}
