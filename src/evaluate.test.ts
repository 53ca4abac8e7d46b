/**
 * `evaluate` over a small in-memory reader: what the evaluation takes from which dependency.
 * (The golden cases run it on real stores: tests/golden.test.ts.)
 */
import { describe, expect, it } from 'bun:test'
import { loadConfigTree } from './config/load.ts'
import type { Series, Transaction } from './engine/types.ts'
import { evaluate } from './evaluate.ts'
import { captureLogs } from './log.ts'
import type { LiqwidClient } from './sources/liqwid.ts'
import { createPriceSources } from './sources/prices.ts'
import type { StoreReader } from './store/reader.ts'
import type { TimeRange } from './store/types.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2025, 2, 1)
const NOW = T0 + 6 * HOUR
const WALLET = 'addr1qwallet'
const SAMPLES = Array.from({ length: 9 }, (_, i) => T0 + (i - 2) * HOUR)
const TAGGED: Transaction = {
  ts: T0,
  createdAt: T0,
  wallet: WALLET,
  marketId: 'DJED',
  kind: 'withdrawal',
  amount: -100,
  notes: 'alert_driven_withdrawal Synced from Liqwid',
}

const inRange = (ts: number, range: TimeRange) => (range.start === null || ts >= range.start) && (range.end === null || ts <= range.end)

const usdAt = (t: number) => 1000 + (t - T0) / HOUR

/** One wallet gaining 1 USD an hour at price 1.00, and the given transactions. */
function memoryReader(transactions: readonly Transaction[] = [TAGGED]): StoreReader {
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
const reader = memoryReader()

const { config } = loadConfigTree(
  {
    domain: { assets: ['djed'], symbols: { djed: 'djed' } },
    prices: { endpoints: { liqwid_graphql: null, minswap_aggregator: null } },
    analysis: { price_compare: { enabled: true, tolerance_epsilon: 0.05 } },
  },
  {},
  'evaluate.test',
)

function pricesWith(liqwid: LiqwidClient | null) {
  return createPriceSources({
    sources: config.prices.sources,
    priorityByLogical: config.prices.priority_by_logical,
    // the store's cached prices
    greptime: { liqwid: async () => 1, minswap: async () => 1.02 },
    liqwid,
  })
}

describe('evaluate', () => {
  it("reports no price_t1 without a live API, even when the store's cached prices exist", async () => {
    const result = await evaluate(config, { reader, prices: pricesWith(null), mismatchStreaks: new Map() }, NOW)
    const decision = result.assets[0]!.decision
    expect(decision.refMode).toBe('keyword')
    expect(decision.priceT1Usd).toBeNull()
    // the cached prices still feed the price comparison
    expect(decision.priceCompare?.pricesBySource).toEqual({ liqwid: 1, minswap: 1.02 })
  })

  it('takes price_t1 from the live Liqwid API', async () => {
    const live = { latestPriceUsd: async () => 1.001 } as unknown as LiqwidClient
    const result = await evaluate(config, { reader, prices: pricesWith(live), mismatchStreaks: new Map() }, NOW)
    expect(result.assets[0]!.decision.priceT1Usd).toBe(1.001)
  })

  it("reports the configured range's last sample as v_t1 without a reference, however old", async () => {
    const stale = memoryReader([])
    const result = await evaluate(config, { reader: stale, prices: pricesWith(null), mismatchStreaks: new Map() }, SAMPLES.at(-1)! + 30 * 24 * HOUR)
    const decision = result.assets[0]!.decision
    expect(decision.refMode).toBe('null')
    expect(decision.vT1Usd).toBe(usdAt(SAMPLES.at(-1)!))
  })

  it('is an ERROR with its v_ref when the tagged withdrawal is after now', async () => {
    const future = { ...TAGGED, ts: NOW + 2 * 24 * HOUR, createdAt: NOW + 2 * 24 * HOUR }
    const result = await evaluate(config, { reader: memoryReader([future]), prices: pricesWith(null), mismatchStreaks: new Map() }, NOW)
    const decision = result.assets[0]!.decision
    expect(decision.decision).toBe(-1)
    expect(decision.refMode).toBe('keyword')
    expect(decision.t0).toBe(future.ts)
    expect(decision.vRefUsd).toBe(usdAt(SAMPLES.at(-1)!))
    expect(decision.reason).toContain('is after now')
  })

  it('logs every price provider that failed, with its provider and outcome', async () => {
    const lines: string[] = []
    const restore = captureLogs((line) => lines.push(line))
    try {
      const prices = createPriceSources({
        sources: config.prices.sources,
        priorityByLogical: config.prices.priority_by_logical,
        greptime: {
          liqwid: async () => 1,
          minswap: async () => {
            throw new Error('relation minswap.minswap_prices_djed is gone')
          },
        },
      })
      const result = await evaluate(config, { reader, prices, mismatchStreaks: new Map() }, NOW)
      expect(result.assets[0]!.prices?.bySource.minswap).toBeNull()
    } finally {
      restore()
    }
    const failure = lines.find((line) => line.includes('msg="price provider failed"'))
    expect(failure).toContain('provider="greptime(minswap)"')
    expect(failure).toContain('outcome=error')
    expect(failure).toContain('minswap_prices_djed is gone')
  })
})
