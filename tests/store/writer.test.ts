/**
 * The writers against PostgreSQL and the embedded store: what lands where, with which sign,
 * in how many statements, and what the test prefix changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AppError } from '../../src/errors.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { ALL_TIME } from '../../src/store/types.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const T0 = Date.UTC(2025, 6, 15, 8, 12, 34, 567)
const WALLET = 'addr1qwriter'
const CLOCK = Date.UTC(2026, 0, 1)

/** `table` as `name` or `namespace.name`, whatever the dialect. */
async function count(client: StoreClient, table: string): Promise<number> {
  const name = (await client.dialect()) === 'sqlite' && table.includes('.') ? `"${table}"` : table
  const [row] = await client.query('count', `SELECT COUNT(*) AS n FROM ${name}`)
  return row!.n as number
}

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`store writers on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let reader: StoreReader

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      reader = new StoreReader(client)
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('creates the transaction tables once and stores deposits positive, withdrawals negative', async () => {
      const writer = new StoreWriter(client, { now: () => CLOCK })
      await writer.ensureTransactionTables('djed')
      await writer.ensureTransactionTables('djed')
      expect(await writer.insertTransactions('djed', 'deposit', [{ ts: T0, wallet: WALLET, marketId: 'DJED', amount: -1000, notes: null }])).toBe(1)
      expect(
        await writer.insertTransactions('djed', 'withdrawal', [
          { ts: T0 + 1, wallet: WALLET, marketId: 'DJED', amount: 250.5, notes: "it's synced" },
        ]),
      ).toBe(1)
      const [deposit] = await client.query('raw', 'SELECT amount FROM liqwid_deposits_djed')
      const [withdrawal] = await client.query('raw', 'SELECT amount, notes FROM liqwid_withdrawals_djed')
      expect(deposit).toEqual({ amount: 1000 })
      expect(withdrawal).toEqual({ amount: -250.5, notes: "it's synced" })
      const { transactions } = await reader.transactions('djed', ALL_TIME)
      expect(transactions.map((tx) => [tx.ts, tx.createdAt, tx.amount])).toEqual([
        [T0, CLOCK, 1000],
        [T0 + 1, CLOCK, -250.5],
      ])
    })

    it('splits large inserts into chunks and counts every row', async () => {
      const writer = new StoreWriter(client, { chunkRows: 3, concurrency: 2 })
      const rows = Array.from({ length: 10 }, (_, index) => ({
        ts: T0 + index * 60_000,
        wallet: WALLET,
        marketId: 'USDM',
        marketName: 'USDM',
        units: index,
        priceUsd: 1,
        usdValue: index,
      }))
      expect(await writer.insertPositions('usdm', rows)).toBe(10)
      expect(await count(client, 'liqwid_supply_positions_usdm')).toBe(10)
      expect((await reader.walletSeries('usdm', ALL_TIME)).get(WALLET)?.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    })

    it('writes Minswap prices into their namespace, creating it', async () => {
      const writer = new StoreWriter(client)
      expect(await writer.insertMinswapPrices('wanusdc', [{ ts: T0, priceUsd: 0.9998, adaUsd: 0.6512 }])).toBe(1)
      expect(await count(client, 'minswap.minswap_prices_wanusdc')).toBe(1)
      expect(await reader.latestPrice('greptime(minswap)', 'wanusdc')).toEqual({ ts: T0, priceUsd: 0.9998 })
    })

    it('sends every write to test_ tables under the test prefix, leaving reads on the normal ones', async () => {
      const writer = new StoreWriter(client, { testPrefix: true })
      await writer.insertTransactions('iusd', 'withdrawal', [{ ts: T0, wallet: WALLET, marketId: 'IUSD', amount: 5, notes: null }])
      await writer.insertPositions('iusd', [{ ts: T0, wallet: WALLET, marketId: 'IUSD', marketName: 'IUSD', units: 1, priceUsd: 1, usdValue: 1 }])
      await writer.insertMinswapPrices('iusd', [{ ts: T0, priceUsd: 1, adaUsd: 0.6 }])
      expect(await count(client, 'test_liqwid_withdrawals_iusd')).toBe(1)
      expect(await count(client, 'test_liqwid_supply_positions_iusd')).toBe(1)
      expect(await count(client, 'minswap.test_minswap_prices_iusd')).toBe(1)
      expect(await reader.tableExists('withdrawals', 'iusd')).toBe(false)
      expect(await reader.transactions('iusd', ALL_TIME)).toEqual({ transactions: [], problems: [] })
      expect(await reader.assetAggregate('iusd', ALL_TIME)).toBeNull()
      expect((await reader.transactions('iusd', ALL_TIME, null, true)).transactions).toHaveLength(1)
      expect(await writer.timespan('positions', 'iusd')).toEqual({ first: T0, last: T0 })
      expect(await reader.listAssetSymbols()).not.toContain('iusd')
    })

    it('stores hostile text verbatim', async () => {
      const writer = new StoreWriter(client)
      const notes = "x'); DROP TABLE liqwid_deposits_djed; --"
      await writer.insertTransactions('djed', 'deposit', [{ ts: T0 + 2, wallet: WALLET, marketId: 'DJED', amount: 1, notes }])
      expect((await reader.transactions('djed', { start: T0 + 2, end: T0 + 2 })).transactions[0]?.notes).toBe(notes)
    })

    it('writes nothing when one row cannot be written', async () => {
      const writer = new StoreWriter(client, { chunkRows: 1 })
      const rows = [
        { ts: T0, wallet: WALLET, marketId: 'USDA', amount: 1, notes: null },
        { ts: T0 + 1, wallet: WALLET, marketId: 'USDA', amount: Number.NaN, notes: null },
      ]
      const error = await writer.insertTransactions('usda', 'deposit', rows).catch((caught: unknown) => caught)
      expect((error as AppError).code).toBe('invalid_identifier')
      expect(await count(client, 'liqwid_deposits_usda')).toBe(0)
    })

    it('reports how many rows landed before a failing statement', async () => {
      const writer = new StoreWriter(client, { chunkRows: 1, concurrency: 1 })
      await writer.ensurePositionsTable('usdx')
      await client.query('fixture', 'ALTER TABLE liqwid_supply_positions_usdx ADD CONSTRAINT small_units CHECK (underlying_units < 10)')
      const rows = [1, 2, 30, 4].map((units, index) => ({
        ts: T0 + index,
        wallet: WALLET,
        marketId: 'USDX',
        marketName: 'USDX',
        units,
        priceUsd: 1,
        usdValue: units,
      }))
      const error = (await writer.insertPositions('usdx', rows).catch((caught: unknown) => caught)) as AppError
      expect(error).toBeInstanceOf(AppError)
      expect(error.code).toBe('store_query')
      expect(error.details.rowsWritten).toBe(2)
      expect(error.message).toContain('2 of 4 rows were written')
    })

    it('drops an asset’s tables', async () => {
      const writer = new StoreWriter(client)
      await writer.dropTables('usdm')
      expect(await reader.tableExists('positions', 'usdm')).toBe(false)
      expect(
        await writer.insertPositions('usdm', [{ ts: T0, wallet: WALLET, marketId: 'USDM', marketName: 'USDM', units: 1, priceUsd: 1, usdValue: 1 }]),
      ).toBe(1)
    })
  })
}
