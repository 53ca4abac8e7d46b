/**
 * A replay reads the store once for its whole span, per asset: the transactions, the aggregate
 * series, both stored price series, the Minswap series, each wallet's first two samples after every
 * reference instant the span can use, and each wallet's value at the newest sample of every
 * instant. The sliced reader (sliced-reader.ts) answers each instant's evaluation from these, so
 * the cost grows with the number of instants × the engine's cost, not × the database's.
 *
 * Only the first-two-samples read grows with the data: one per distinct reference (the latest
 * tagged withdrawal as of some instant, and the configured range's start for the data_range
 * fallback), each a statement of the live evaluation's own kind.
 */
import type { Config } from '../config/resolve.ts'
import { latestTaggedWithdrawal } from '../engine/reference.ts'
import type { AggregateSeries, EpochMs, Series } from '../engine/types.ts'
import type { EvaluationReader } from '../evaluation/reader.ts'
import { assetSymbol } from '../evaluation/symbols.ts'
import type { StoreReader } from '../store/reader.ts'
import type { MinswapSeries, ResolvedAsset, TransactionsResult } from '../store/types.ts'

/** What one asset's replay needs from the store; `failure` when a read failed (every instant is then ERROR). */
export type AssetSpan =
  | { readonly ok: false; readonly failure: unknown }
  | {
      readonly ok: true
      readonly symbol: string
      readonly resolved: ResolvedAsset
      readonly transactions: TransactionsResult
      readonly aggregate: AggregateSeries | null
      readonly liqwidPrices: Series
      readonly minswapPrices: Series
      readonly minswap: MinswapSeries
      /** per window start: each wallet's first two samples at or after it (and its last of the span) */
      readonly walletsFrom: ReadonlyMap<EpochMs, ReadonlyMap<string, Series>>
      /** each wallet's value at the newest aggregate timestamp of every instant */
      readonly walletsAtNewest: ReadonlyMap<string, Series>
    }

/** The store reads of a replay: the store's reader plus the two reads only a replay makes. */
export type SpanReader = EvaluationReader & Pick<StoreReader, 'priceSeries' | 'walletValuesAt'>

export async function readAssetSpan(config: Config, reader: SpanReader, asset: string, instants: readonly EpochMs[]): Promise<AssetSpan> {
  try {
    const symbol = await assetSymbol(config, reader, asset)
    // With domain.symbols the evaluation never asks the store to resolve the name.
    const resolved =
      config.resolved.assets[asset]?.symbol_source === 'domain.symbols'
        ? { symbol, marketId: symbol.toUpperCase() }
        : await reader.resolveSymbol(asset)
    const to = instants.at(-1)!
    const configuredStart = config.resolved.date_range.start
    const span = { start: configuredStart, end: to }
    const [transactions, aggregate, liqwidPrices, minswapPrices, minswap] = await Promise.all([
      reader.transactions(symbol, span),
      reader.assetAggregate(symbol, span),
      reader.priceSeries('greptime(liqwid)', symbol, { start: null, end: to }),
      reader.priceSeries('greptime(minswap)', symbol, { start: null, end: to }),
      reader.minswapSeries(symbol, span),
    ])
    const keyword = config.resolved.assets[asset]!.settings.reference.keyword
    const starts = windowStarts(transactions, keyword, configuredStart, instants)
    const walletsFrom = new Map<EpochMs, ReadonlyMap<string, Series>>()
    for (const start of starts) walletsFrom.set(start, await reader.walletSamples(symbol, { start, end: to }))
    const newest = [...new Set(instants.map((instant) => newestAtOrBefore(aggregate?.ts ?? [], instant)).filter((ts) => ts !== null))]
    const walletsAtNewest = newest.length === 0 ? new Map<string, Series>() : await reader.walletValuesAt(symbol, newest)
    return { ok: true, symbol, resolved, transactions, aggregate, liqwidPrices, minswapPrices, minswap, walletsFrom, walletsAtNewest }
  } catch (failure) {
    return { ok: false, failure }
  }
}

/** The reference instants the span's evaluations can start their window at. */
function windowStarts(transactions: TransactionsResult, keyword: string, configuredStart: EpochMs | null, instants: readonly EpochMs[]): EpochMs[] {
  const starts = new Set<EpochMs>()
  if (configuredStart !== null) starts.add(configuredStart)
  // Transactions come sorted by ts: walk them once, keeping the latest tagged one as of each instant.
  const sorted = transactions.transactions
  let seen = 0
  for (const instant of instants) {
    const before = seen
    while (seen < sorted.length && sorted[seen]!.ts <= instant) seen++
    const tagged = latestTaggedWithdrawal(sorted.slice(before, seen), keyword)
    if (tagged !== null) starts.add(tagged.ts)
  }
  return [...starts].sort((a, b) => a - b)
}

/** The last of the ascending `ts` that is ≤ `instant`, or null (binary search). */
export function newestAtOrBefore(ts: readonly EpochMs[], instant: EpochMs): EpochMs | null {
  const index = lastIndexAtOrBefore(ts, instant)
  return index < 0 ? null : ts[index]!
}

/** Index of the last element ≤ `instant` in ascending `ts`, −1 when none. */
export function lastIndexAtOrBefore(ts: readonly EpochMs[], instant: EpochMs): number {
  let low = 0
  let high = ts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (ts[middle]! <= instant) low = middle + 1
    else high = middle
  }
  return low - 1
}

/** Index of the first element ≥ `instant` in ascending `ts` (ts.length when none). */
export function firstIndexAtOrAfter(ts: readonly EpochMs[], instant: EpochMs): number {
  let low = 0
  let high = ts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (ts[middle]! < instant) low = middle + 1
    else high = middle
  }
  return low
}
