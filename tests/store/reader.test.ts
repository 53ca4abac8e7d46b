/**
 * Every reader on a small hand-computable dataset, against PostgreSQL and the embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AppError } from '../../src/errors.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { ALL_TIME, type PositionRow } from '../../src/store/types.ts'
import { instantLiteral } from '../../src/store/sql.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2025, 10, 3, 0, 0, 0)
const [T1, T2, T3] = [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]
const A = 'addr1qxa'
const B = 'addr1qxb'
const C = 'addr1qxc'
const D = 'addr1qxd'
const F = 'addr1qxf'
const G = 'addr1qxg'
const TAGGED = 'alert_driven Synced from Liqwid (tx: 0123456789abcdef...)'

function position(ts: number, wallet: string | null, usdValue: number | null, units: number | null, priceUsd: number | null): PositionRow {
  return { ts, wallet, marketId: 'DJED', marketName: 'DJED', units, priceUsd, usdValue }
}

/**
 * djed, per ts (usd):   A      B              C   no wallet  ''   Σ      price
 *   T0                 100    50 (50×1.00)        10              160    1.00
 *   T1                 101    51                                  152    1.01
 *   T2                 102+1  52             3+4                  162    0.99
 *   T3                 104    0 (all NULL)            5           109    1.02
 */
const DJED_POSITIONS: PositionRow[] = [
  position(T0, A, 100, 100, 1.0),
  position(T0, B, null, 50, 1.0),
  position(T0, null, 10, 10, 1.0),
  position(T1, A, 101, 100, 1.01),
  position(T1, B, 51, 50.5, 1.01),
  position(T2, A, 102, 103, 0.99),
  position(T2, A, 1, 1, 0.99),
  position(T2, B, 52, 52.5, 0.99),
  position(T2, C, 3, 3, 0.99),
  position(T2, C, 4, 4, 0.99),
  position(T3, A, 104, 102, 1.02),
  position(T3, B, null, null, 1.02),
  position(T3, '', 5, 5, 1.02),
]

async function seed(client: StoreClient): Promise<void> {
  const writer = new StoreWriter(client)
  const dialect = await client.dialect()
  const at = (iso: string) => instantLiteral(dialect, Date.parse(iso))
  await writer.ensureTransactionTables('djed')
  await writer.insertPositions('djed', DJED_POSITIONS)
  // usdm: wallets that start after the earliest sample (F, G), one with a gap and a duplicate row
  await writer.insertPositions('usdm', [
    ...[1, 2, 3, 4].map((usd, index) => position(T0 + index * HOUR, A, usd, usd, 1)),
    ...[10, 20, 30].map((usd, index) => position(T1 + index * HOUR, F, usd, usd, 1)),
    position(T1, G, 100, 100, 1),
    position(T3, G, 300, 300, 1),
    position(T3, G, 1, 1, 1),
  ])
  await writer.insertPositions('wanusdc', [{ ts: T0, wallet: D, marketId: 'USDC', marketName: 'USD Coin', units: 10, priceUsd: 1, usdValue: 10 }])
  await writer.insertPositions('qiusd', [{ ts: T0, wallet: A, marketId: 'IUSD', marketName: 'Indigo USD', units: 1, priceUsd: 1, usdValue: 1 }])
  await writer.insertTransactions('djed', 'deposit', [
    { ts: T0 + 600_000, createdAt: T1, wallet: A, marketId: 'DJED', amount: 50, notes: 'manual' },
    { ts: T1 + 300_000, wallet: B, marketId: 'DJED', amount: 20, notes: null },
    { ts: T1 + 300_000, wallet: A, marketId: 'DJED', amount: 5, notes: null },
  ])
  // Stored with either sign: withdrawals read negative regardless.
  await client.query(
    'fixture',
    `INSERT INTO liqwid_withdrawals_djed (ts, created_at, wallet_address, market_id, amount, notes) VALUES
      (${at('2025-11-03T02:01:00Z')}, NULL, '${A}', 'DJED', 30, NULL),
      (${at('2025-11-03T02:01:00Z')}, NULL, '${B}', 'DJED', -10, NULL),
      (${at('2025-11-03T02:59:00Z')}, NULL, '${A}', 'DJED', -12, '${TAGGED}'),
      (${at('2025-11-03T01:30:00Z')}, NULL, NULL, 'DJED', -3, NULL),
      (${at('2025-11-03T01:31:00Z')}, NULL, '', 'DJED', -3, NULL)`,
  )
  await client.query(
    'fixture',
    `INSERT INTO liqwid_deposits_djed (ts, created_at, wallet_address, market_id, amount, notes) VALUES
      (${at('2025-11-03T01:10:00Z')}, NULL, '${A}', 'DJED', NULL, NULL),
      (${at('2025-11-03T01:20:00Z')}, NULL, '${A}', 'DJED', 0, NULL),
      (NULL, NULL, '${A}', 'DJED', 4, NULL)`,
  )
  await writer.insertMinswapPrices('djed', [
    { ts: T0, priceUsd: 1.001, adaUsd: 0.6 },
    { ts: T1, priceUsd: null, adaUsd: 0.61 },
    { ts: T2, priceUsd: 0.998, adaUsd: null },
    { ts: T3, priceUsd: null, adaUsd: null },
  ])
  // An older table without market_name, and a name the prefix must not match.
  await client.query(
    'fixture',
    'CREATE TABLE liqwid_supply_positions_legacy (ts TIMESTAMP(3), wallet_address TEXT, market_id TEXT, underlying_units DOUBLE PRECISION, price_usd DOUBLE PRECISION, usd_value DOUBLE PRECISION)',
  )
  await client.query('fixture', `INSERT INTO liqwid_supply_positions_legacy VALUES (${at('2025-11-03T00:00:00Z')}, 'addr1qxe', 'LEGACY_ID', 1, 1, 1)`)
  await client.query('fixture', 'CREATE TABLE liqwid_supply_positions (ts TIMESTAMP(3), market_id TEXT)')
}

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`store readers on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let reader: StoreReader

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      reader = new StoreReader(client)
      await seed(client)
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('sums USD over every row per ts, NULL wallets included, with the price', async () => {
      expect(await reader.assetAggregate('djed', ALL_TIME)).toEqual({
        ts: [T0, T1, T2, T3],
        usd: [160, 152, 162, 109],
        price: [1.0, 1.01, 0.99, 1.02],
      })
    })

    it('filters the aggregate by an inclusive range', async () => {
      expect(await reader.assetAggregate('djed', { start: T1, end: T2 })).toEqual({ ts: [T1, T2], usd: [152, 162], price: [1.01, 0.99] })
      expect(await reader.assetAggregate('djed', { start: T3 + 1, end: null })).toBeNull()
    })

    it("reads only the range's last aggregate sample", async () => {
      expect(await reader.lastAggregateSample('djed', ALL_TIME)).toEqual({ ts: [T3], usd: [109], price: [1.02] })
      expect(await reader.lastAggregateSample('djed', { start: null, end: T3 - 1 })).toEqual({ ts: [T2], usd: [162], price: [0.99] })
      expect(await reader.lastAggregateSample('djed', { start: T3 + 1, end: null })).toBeNull()
      expect(await reader.lastAggregateSample('nosuch', ALL_TIME)).toBeNull()
    })

    it('reads a missing table as no data', async () => {
      expect(await reader.assetAggregate('nosuch', ALL_TIME)).toBeNull()
      expect((await reader.walletSamples('nosuch', ALL_TIME)).size).toBe(0)
      expect(await reader.transactions('nosuch', ALL_TIME)).toEqual({ transactions: [], problems: [] })
      expect(await reader.latestPrice('greptime(minswap)', 'nosuch')).toBeNull()
      expect(await reader.priceSeries('greptime(liqwid)', 'nosuch', ALL_TIME)).toEqual({ ts: [], values: [] })
      expect(await reader.timespan('positions', 'nosuch')).toBeNull()
    })

    it('gives full per-wallet series, dropping NULL and empty wallets', async () => {
      const series = await reader.walletSeries('djed', ALL_TIME)
      expect([...series.keys()]).toEqual([A, B, C])
      expect(series.get(A)).toEqual({ ts: [T0, T1, T2, T3], values: [100, 101, 103, 104] })
      expect(series.get(B)).toEqual({ ts: [T0, T1, T2, T3], values: [50, 51, 52, 0] })
      expect(series.get(C)).toEqual({ ts: [T2], values: [7] })
    })

    it("keeps only each wallet's first two samples and its last one", async () => {
      const samples = await reader.walletSamples('djed', ALL_TIME)
      expect([...samples.keys()]).toEqual([A, B, C])
      expect(samples.get(A)).toEqual({ ts: [T0, T1, T3], values: [100, 101, 104] })
      expect(samples.get(B)).toEqual({ ts: [T0, T1, T3], values: [50, 51, 0] })
      expect(samples.get(C)).toEqual({ ts: [T2], values: [7] })
      const inRange = await reader.walletSamples('djed', { start: T1, end: T2 })
      expect(inRange.get(A)).toEqual({ ts: [T1, T2], values: [101, 103] })
    })

    it('finds the second sample of wallets that start after the others', async () => {
      const samples = await reader.walletSamples('usdm', ALL_TIME)
      expect([...samples.entries()]).toEqual([
        [A, { ts: [T0, T1, T3], values: [1, 2, 4] }],
        [F, { ts: [T1, T2, T3], values: [10, 20, 30] }],
        [G, { ts: [T1, T3], values: [100, 301] }],
      ])
      expect((await reader.walletSamples('usdm', { start: T1, end: null })).get(A)).toEqual({ ts: [T1, T2, T3], values: [2, 3, 4] })
    })

    it('reads deposits then withdrawals sorted by ts, withdrawals negative, same-ts rows kept', async () => {
      const { transactions } = await reader.transactions('djed', ALL_TIME)
      expect(transactions.map((tx) => [tx.ts - T0, tx.wallet, tx.kind, tx.amount])).toEqual([
        [600_000, A, 'deposit', 50],
        [HOUR + 300_000, A, 'deposit', 5],
        [HOUR + 300_000, B, 'deposit', 20],
        [2 * HOUR + 60_000, A, 'withdrawal', -30],
        [2 * HOUR + 60_000, B, 'withdrawal', -10],
        [3 * HOUR - 60_000, A, 'withdrawal', -12],
      ])
      expect(transactions[0]).toEqual({ ts: T0 + 600_000, createdAt: T1, wallet: A, marketId: 'DJED', kind: 'deposit', amount: 50, notes: 'manual' })
      // created_at NULL reads as the event time
      expect(transactions[3]!.createdAt).toBe(transactions[3]!.ts)
      expect(transactions.at(-1)!.notes).toBe(TAGGED)
    })

    it('skips and reports malformed transaction rows', async () => {
      const { problems } = await reader.transactions('djed', ALL_TIME)
      const reasons = problems.map((problem) => [problem.table, problem.ts === null ? null : problem.ts - T0, problem.reason])
      expect(reasons.sort()).toEqual(
        [
          ['liqwid_deposits_djed', 4_200_000, 'amount is NULL'],
          ['liqwid_deposits_djed', 4_800_000, 'amount is zero'],
          ['liqwid_deposits_djed', null, 'ts is NULL'],
          ['liqwid_withdrawals_djed', 5_400_000, 'wallet_address is NULL or empty'],
          ['liqwid_withdrawals_djed', 5_460_000, 'wallet_address is NULL or empty'],
        ].sort(),
      )
    })

    it('filters transactions by range and wallet', async () => {
      const { transactions, problems } = await reader.transactions('djed', { start: T1, end: T2 + 60_000 }, A)
      expect(transactions.map((tx) => [tx.kind, tx.amount])).toEqual([
        ['deposit', 5],
        ['withdrawal', -30],
      ])
      expect(problems.map((problem) => problem.reason).sort()).toEqual(['amount is NULL', 'amount is zero'])
    })

    it('reads prices from the positions and the Minswap tables', async () => {
      expect(await reader.latestPrice('greptime(liqwid)', 'djed')).toEqual({ ts: T3, priceUsd: 1.02 })
      expect(await reader.latestPrice('greptime(minswap)', 'djed')).toEqual({ ts: T2, priceUsd: 0.998 })
      expect(await reader.priceSeries('greptime(liqwid)', 'djed', { start: T1, end: null })).toEqual({ ts: [T1, T2, T3], values: [1.01, 0.99, 1.02] })
      expect(await reader.priceSeries('greptime(minswap)', 'djed', ALL_TIME)).toEqual({ ts: [T0, T2], values: [1.001, 0.998] })
      expect(await reader.minswapSeries('djed', ALL_TIME)).toEqual({ ts: [T0, T1, T2], priceUsd: [1.001, null, 0.998], adaUsd: [0.6, 0.61, null] })
      expect(await reader.minswapSeries('wanusdc', ALL_TIME)).toEqual({ ts: [], priceUsd: [], adaUsd: [] })
    })

    it('discovers wallets over every positions table and lists asset symbols', async () => {
      expect(await reader.discoverWallets()).toEqual([A, B, C, D, 'addr1qxe', F, G])
      expect(await reader.listAssetSymbols()).toEqual(['djed', 'legacy', 'qiusd', 'usdm', 'wanusdc'])
      expect(await reader.tableExists('positions', 'djed')).toBe(true)
      expect(await reader.tableExists('minswap', 'djed')).toBe(true)
      expect(await reader.tableExists('minswap', 'wanusdc')).toBe(false)
      expect(await reader.tableExists('deposits', 'wanusdc')).toBe(false)
      expect(await reader.timespan('positions', 'djed')).toEqual({ first: T0, last: T3 })
    })

    it('resolves display names: exact table, wrapped name, then market id or name', async () => {
      expect(await reader.resolveSymbol('djed')).toEqual({ symbol: 'djed', marketId: 'DJED' })
      expect(await reader.resolveSymbol(' USDC ')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
      expect(await reader.resolveSymbol('wanUSDC')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
      expect(await reader.resolveSymbol('iusd')).toEqual({ symbol: 'qiusd', marketId: 'IUSD' })
      expect(await reader.resolveSymbol('USD Coin')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
      expect(await reader.resolveSymbol('legacy_id')).toEqual({ symbol: 'legacy', marketId: 'LEGACY_ID' })
    })

    it('names an asset it cannot resolve', async () => {
      const error = await reader.resolveSymbol('usdx').catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).message).toContain('"usdx"')
    })

    it('rejects a symbol that is not an identifier before any SQL is sent', async () => {
      for (const symbol of ['dj"ed', 'dj ed', 'djed;DROP TABLE liqwid_deposits_djed']) {
        const error = await reader.assetAggregate(symbol, ALL_TIME).catch((caught: unknown) => caught)
        expect((error as AppError).code).toBe('invalid_identifier')
        expect((error as AppError).message).toContain(JSON.stringify(symbol.toLowerCase()))
      }
      expect(await reader.tableExists('deposits', 'djed')).toBe(true)
    })
  })
}
