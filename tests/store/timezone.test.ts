/**
 * Timestamps round-trip exactly (to the millisecond) whatever the process time zone: this file
 * runs with TZ=Asia/Tokyo (Bun applies a runtime change of process.env.TZ; checked below) and
 * restores the previous zone afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { StoreClient } from '../../src/store/client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

/** 00:00:00.125 on Nov 4 in Tokyo, still Nov 3 in UTC: a date-shift bug cannot hide. */
const INSTANT = Date.UTC(2025, 10, 3, 15, 0, 0, 125)
const LATER = INSTANT + 999
const WALLET = 'addr1qtokyo'

const previousTz = process.env.TZ

beforeAll(() => {
  process.env.TZ = 'Asia/Tokyo'
  expect(new Date(INSTANT).getTimezoneOffset()).toBe(-540)
})

afterAll(() => {
  if (previousTz === undefined) delete process.env.TZ
  else process.env.TZ = previousTz
})

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`timestamps under TZ=Asia/Tokyo on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let reader: StoreReader

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      reader = new StoreReader(client)
      const writer = new StoreWriter(client, { now: () => LATER })
      await writer.insertPositions('djed', [
        { ts: INSTANT, wallet: WALLET, marketId: 'DJED', marketName: 'DJED', units: 1, priceUsd: 1, usdValue: 1 },
        { ts: LATER, wallet: WALLET, marketId: 'DJED', marketName: 'DJED', units: 2, priceUsd: 1, usdValue: 2 },
      ])
      await writer.insertTransactions('djed', 'withdrawal', [{ ts: INSTANT, wallet: WALLET, marketId: 'DJED', amount: 1, notes: null }])
      await writer.insertMinswapPrices('djed', [{ ts: INSTANT, priceUsd: 1, adaUsd: 0.6 }])
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it.skipIf(target.name !== 'postgres')('runs the session in UTC', async () => {
      expect(await client.query('tz', 'SHOW TimeZone')).toEqual([{ TimeZone: 'UTC' }])
    })

    it.skipIf(target.name !== 'sqlite')('stores instants as integer epoch milliseconds', async () => {
      expect(await client.query('raw', 'SELECT ts, typeof(ts) AS type FROM liqwid_supply_positions_djed ORDER BY ts')).toEqual([
        { ts: INSTANT, type: 'integer' },
        { ts: LATER, type: 'integer' },
      ])
    })

    it('reads back the written instants to the millisecond', async () => {
      expect((await reader.assetAggregate('djed', { start: null, end: null }))?.ts).toEqual([INSTANT, LATER])
      const [withdrawal] = (await reader.transactions('djed', { start: null, end: null })).transactions
      expect([withdrawal?.ts, withdrawal?.createdAt]).toEqual([INSTANT, LATER])
      expect((await reader.minswapSeries('djed', { start: null, end: null })).ts).toEqual([INSTANT])
    })

    it('filters on exact instants, both ends inclusive', async () => {
      expect((await reader.assetAggregate('djed', { start: INSTANT, end: INSTANT }))?.usd).toEqual([1])
      expect((await reader.assetAggregate('djed', { start: INSTANT + 1, end: LATER }))?.usd).toEqual([2])
      expect(await reader.assetAggregate('djed', { start: INSTANT + 1, end: LATER - 1 })).toBeNull()
    })

    it.skipIf(target.name !== 'postgres')('parses timestamp and timestamptz text as UTC instants', async () => {
      const [row] = await client.query(
        'parse',
        "SELECT CAST('2025-11-03 15:00:00.125' AS TIMESTAMP) AS plain, CAST('2025-11-04 00:00:00.125+09' AS TIMESTAMPTZ) AS zoned",
      )
      expect(row).toEqual({ plain: INSTANT, zoned: INSTANT })
    })
  })
}
