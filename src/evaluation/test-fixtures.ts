/**
 * What the evaluation tests share: one asset (djed) with a tagged withdrawal, one wallet gaining
 * 1 USD an hour at price 1.00, read through a small in-memory reader, and price sources over
 * fixed store prices (liqwid 1.00, minswap 1.02: a mismatch at tolerance 0.01).
 */
import { loadConfigTree } from '../config/load.ts'
import type { Config } from '../config/resolve.ts'
import type { Series, Transaction } from '../engine/types.ts'
import type { LiqwidClient } from '../sources/liqwid.ts'
import { createPriceSources } from '../sources/prices.ts'
import type { StoreReader } from '../store/reader.ts'
import type { TimeRange } from '../store/types.ts'

export const HOUR = 3_600_000
const T0 = Date.UTC(2025, 2, 1)
export const NOW = T0 + 6 * HOUR
const WALLET = 'addr1qwallet'
export const SAMPLES = Array.from({ length: 9 }, (_, i) => T0 + (i - 2) * HOUR)
export const TAGGED: Transaction = {
  ts: T0,
  createdAt: T0,
  wallet: WALLET,
  marketId: 'DJED',
  kind: 'withdrawal',
  amount: -100,
  notes: 'alert_driven_withdrawal Synced from Liqwid',
}

const inRange = (ts: number, range: TimeRange) => (range.start === null || ts >= range.start) && (range.end === null || ts <= range.end)

export const usdAt = (t: number) => 1000 + (t - T0) / HOUR

/** One wallet gaining 1 USD an hour at price 1.00, and the given transactions. */
export function memoryReader(transactions: readonly Transaction[] = [TAGGED]): StoreReader {
  const aggregate = (range: TimeRange) => {
    const ts = SAMPLES.filter((t) => inRange(t, range))
    return ts.length === 0 ? null : { ts, usd: ts.map(usdAt), price: ts.map(() => 1) }
  }
  return {
    async transactions(_symbol: string, range: TimeRange) {
      return { transactions: transactions.filter((tx) => inRange(tx.ts, range)), problems: [] }
    },
    async assetAggregate(_symbol: string, range: TimeRange) {
      return aggregate(range)
    },
    async lastAggregateSample(_symbol: string, range: TimeRange) {
      const last = aggregate(range)?.ts.at(-1)
      return last === undefined ? null : aggregate({ start: last, end: last })
    },
    async walletSamples(_symbol: string, range: TimeRange) {
      const ts = SAMPLES.filter((t) => inRange(t, range))
      const kept = [ts[0]!, ts[1]!, ts.at(-1)!]
      return new Map<string, Series>([[WALLET, { ts: kept, values: kept.map(usdAt) }]])
    },
    async minswapSeries() {
      return { ts: [], priceUsd: [], adaUsd: [] }
    },
  } as unknown as StoreReader
}

export function evaluationConfig(tolerance = 0.05): Config {
  return loadConfigTree(
    {
      domain: { assets: ['djed'], symbols: { djed: 'djed' } },
      prices: { endpoints: { liqwid_graphql: null, minswap_aggregator: null } },
      analysis: { price_compare: { enabled: true, tolerance_epsilon: tolerance } },
    },
    {},
    'evaluation test',
  ).config
}

export function pricesWith(config: Config, liqwid: LiqwidClient | null = null) {
  return createPriceSources({
    sources: config.prices.sources,
    priorityByLogical: config.prices.priority_by_logical,
    // the store's cached prices
    greptime: { liqwid: async () => 1, minswap: async () => 1.02 },
    liqwid,
  })
}
