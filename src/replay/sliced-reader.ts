/**
 * One instant's view of a replay span: an EvaluationReader that answers exactly what the store
 * would answer as of that instant (evaluation/reader.ts `readerAsOf`), from data read once. Every
 * range ends at the instant at the latest (no look-ahead). A window the span did not prepare for,
 * or a wallet without a sample at the newest timestamp, is read from the store as of the instant
 * instead: slower, never different.
 */
import type { AggregateSeries, EpochMs, Series } from '../engine/types.ts'
import { clampRange, type EvaluationReader } from '../evaluation/reader.ts'
import type { MinswapSeries, PricePoint, TimeRange } from '../store/types.ts'
import { type AssetSpan, firstIndexAtOrAfter, lastIndexAtOrBefore, newestAtOrBefore } from './span.ts'

type ReadySpan = Extract<AssetSpan, { ok: true }>

export interface SpanSet {
  /** span by table symbol */
  readonly bySymbol: ReadonlyMap<string, ReadySpan>
  /** span (or its failure) by display name */
  readonly byAsset: ReadonlyMap<string, AssetSpan>
}

export function slicedReader(spans: SpanSet, instant: EpochMs, asOfStore: EvaluationReader): EvaluationReader {
  const spanOf = (symbol: string): ReadySpan => {
    const span = spans.bySymbol.get(symbol)
    if (span === undefined) throw new Error(`replay: no span read for table symbol ${symbol}`)
    return span
  }
  return {
    async resolveSymbol(asset) {
      const span = spans.byAsset.get(asset)
      if (span === undefined) return asOfStore.resolveSymbol(asset)
      if (!span.ok) throw span.failure
      return span.resolved
    },
    async transactions(symbol, range) {
      const { transactions } = spanOf(symbol)
      const within = clampRange(range, instant)
      return {
        transactions: transactions.transactions.filter((tx) => inRange(tx.ts, within)),
        problems: transactions.problems.filter((problem) => problem.ts !== null && inRange(problem.ts, within)),
      }
    },
    async assetAggregate(symbol, range) {
      return sliceAggregate(spanOf(symbol).aggregate, clampRange(range, instant))
    },
    async lastAggregateSample(symbol, range) {
      const aggregate = spanOf(symbol).aggregate
      const within = clampRange(range, instant)
      const last = aggregate === null ? null : newestAtOrBefore(aggregate.ts, within.end!)
      return last === null || (within.start !== null && last < within.start) ? null : sliceAggregate(aggregate, { start: last, end: last })
    },
    async walletSamples(symbol, range) {
      const within = clampRange(range, instant)
      return walletSamplesFromSpan(spanOf(symbol), within) ?? asOfStore.walletSamples(symbol, within)
    },
    async minswapSeries(symbol, range) {
      return sliceMinswap(spanOf(symbol).minswap, clampRange(range, instant))
    },
    async latestPrice(source, symbol, asOf = null) {
      const span = spanOf(symbol)
      const prices = source === 'greptime(liqwid)' ? span.liqwidPrices : span.minswapPrices
      return newestPoint(prices, asOf === null ? instant : Math.min(asOf, instant))
    },
  }
}

function inRange(ts: EpochMs, range: TimeRange): boolean {
  return (range.start === null || ts >= range.start) && (range.end === null || ts <= range.end)
}

function indexRange(ts: readonly EpochMs[], range: TimeRange): [number, number] {
  const from = range.start === null ? 0 : firstIndexAtOrAfter(ts, range.start)
  const to = range.end === null ? ts.length : lastIndexAtOrBefore(ts, range.end) + 1
  return [from, Math.max(from, to)]
}

/** The store's answer for a range: null when it holds no sample. */
function sliceAggregate(aggregate: AggregateSeries | null, range: TimeRange): AggregateSeries | null {
  if (aggregate === null) return null
  const [from, to] = indexRange(aggregate.ts, range)
  if (from === to) return null
  return { ts: aggregate.ts.slice(from, to), usd: aggregate.usd.slice(from, to), price: aggregate.price.slice(from, to) }
}

function sliceMinswap(series: MinswapSeries, range: TimeRange): MinswapSeries {
  const [from, to] = indexRange(series.ts, range)
  return { ts: series.ts.slice(from, to), priceUsd: series.priceUsd.slice(from, to), adaUsd: series.adaUsd.slice(from, to) }
}

function newestPoint(series: Series, asOf: EpochMs): PricePoint | null {
  const index = lastIndexAtOrBefore(series.ts, asOf)
  return index < 0 ? null : { ts: series.ts[index]!, priceUsd: series.values[index]! }
}

/**
 * Each wallet's first two samples and its last one in [start, end] (the store's walletSamples),
 * or null when the span cannot tell: a window start it did not read, or a wallet with samples in
 * the window but none at the newest timestamp (its last sample is then elsewhere).
 */
function walletSamplesFromSpan(span: ReadySpan, range: TimeRange): Map<string, Series> | null {
  const firstSamples = range.start === null ? undefined : span.walletsFrom.get(range.start)
  if (firstSamples === undefined || span.aggregate === null) return null
  const newest = newestAtOrBefore(span.aggregate.ts, range.end!)
  const samples = new Map<string, Series>()
  for (const [wallet, first] of firstSamples) {
    const count = Math.min(2, lastIndexAtOrBefore(first.ts, range.end!) + 1)
    if (count <= 0) continue
    const atNewest = span.walletsAtNewest.get(wallet)
    const index = atNewest === undefined || newest === null ? -1 : lastIndexAtOrBefore(atNewest.ts, newest)
    if (index < 0 || atNewest!.ts[index] !== newest) return null
    const ts = first.ts.slice(0, count)
    const values = first.values.slice(0, count)
    if (ts.at(-1)! < newest!) {
      ts.push(newest!)
      values.push(atNewest!.values[index]!)
    }
    samples.set(wallet, { ts, values })
  }
  return samples
}
