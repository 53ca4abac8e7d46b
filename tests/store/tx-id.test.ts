/**
 * The transaction identity on PostgreSQL and the embedded store: the in-place migration of tables
 * written before `tx_id` existed (column, backfill from the notes' prefix, unique index), and two
 * syncs racing on one database ending with exactly one row per transaction.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import type { StoreClient } from '../../src/store/client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { type Dialect, instantLiteral } from '../../src/store/sql.ts'
import { createLiqwidClient } from '../../src/sources/liqwid.ts'
import { storeSyncPorts } from '../../src/sync/service.ts'
import { syncTransactions } from '../../src/sync/sync.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { WALLET_A, WALLET_B, txHash } from '../fakes/fixtures.ts'
import { liqwidTx, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'
import { baseConfig, loadTestConfig, withConfig } from '../support/service/config.ts'

const CONFIG = loadTestConfig(withConfig(baseConfig({}), { domain: { assets: ['djed'] } })).config
const T0 = Date.UTC(2025, 6, 15, 8, 12, 34, 567)
const notes = (id: string) => `alert_driven Synced from Liqwid (tx: ${id.slice(0, 16)}...)`

/**
 * The DDL every version before `tx_id` created (spec-data §1.5.3 in PostgreSQL types; the embedded
 * store's STRICT SQLite types with INTEGER epoch-ms instants).
 */
const LEGACY_DDL = (dialect: Dialect, table: string) =>
  dialect === 'sqlite'
    ? `CREATE TABLE ${table} (ts INTEGER, created_at INTEGER, wallet_address TEXT, market_id TEXT, amount REAL, notes TEXT) STRICT`
    : `CREATE TABLE ${table} (ts TIMESTAMP(3), created_at TIMESTAMP(3), wallet_address TEXT, market_id TEXT, amount DOUBLE PRECISION, notes TEXT)`

async function legacyInsert(client: StoreClient, table: string, rows: { ts: number; wallet: string; amount: number; notes: string }[]) {
  const dialect = await client.dialect()
  const values = rows.map(
    (row) => `(${instantLiteral(dialect, row.ts)}, ${instantLiteral(dialect, row.ts)}, '${row.wallet}', 'DJED', ${row.amount}, '${row.notes}')`,
  )
  await client.query('legacy insert', `INSERT INTO ${table} (ts, created_at, wallet_address, market_id, amount, notes) VALUES ${values.join(', ')}`)
}

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`transaction identity on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let liqwid: FakeLiqwid

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    beforeEach(async () => {
      liqwid = startFakeLiqwid()
      for (const kind of ['deposits', 'withdrawals']) await client.query('reset', `DROP TABLE IF EXISTS liqwid_${kind}_djed`)
    })
    afterEach(() => liqwid.stop())

    const sync = (writer: StoreWriter) => {
      const liqwidClient = createLiqwidClient({ endpoint: liqwid.endpoint, timeoutMs: 5_000, retries: 0 })
      const ports = {
        ...storeSyncPorts({ config: CONFIG, reader: new StoreReader(client), writer, testPrefix: false }),
        fetchTransactions: liqwidClient.fetchTransactions,
      }
      return syncTransactions(
        { wallets: [WALLET_A, WALLET_B], assets: ['djed'], start: '2025-01-01', end: '2025-12-31', keyword: 'alert_driven' },
        ports,
      )
    }
    const rows = async () =>
      (await client.query('rows', 'SELECT ts, wallet_address, amount, tx_id FROM liqwid_deposits_djed ORDER BY ts, amount')).map((row) => ({
        ts: Number(row.ts),
        wallet: row.wallet_address,
        amount: row.amount,
        txId: row.tx_id,
      }))

    it('migrates a legacy table in place: adds tx_id, backfills the prefix, then upgrades it to the full id without a duplicate', async () => {
      const [kept, other, twice] = [txHash('legacy-1'), txHash('legacy-2'), txHash('legacy-3')]
      const dialect = await client.dialect()
      await client.query('legacy', LEGACY_DDL(dialect, 'liqwid_deposits_djed'))
      await client.query('legacy', LEGACY_DDL(dialect, 'liqwid_withdrawals_djed'))
      await legacyInsert(client, 'liqwid_deposits_djed', [
        { ts: T0, wallet: WALLET_A, amount: 100, notes: notes(kept) },
        { ts: T0 + 1, wallet: WALLET_A, amount: 200, notes: notes(other) },
        { ts: T0 + 2, wallet: WALLET_A, amount: 300, notes: notes(twice) },
        // an earlier version wrote this one twice (the E5 bugs): the copy keeps no id, and stays
        { ts: T0 + 3, wallet: WALLET_A, amount: 300, notes: notes(twice) },
        { ts: T0 + 4, wallet: WALLET_A, amount: 5, notes: 'manual top-up' },
      ])
      const writer = new StoreWriter(client)
      const stored = await writer.storedTxIds('djed', WALLET_A)
      expect(stored.map((entry) => entry.txId).sort()).toEqual([kept, other, twice].map((id) => id.slice(0, 16)).sort())
      expect(writer.takeBackfillReports()).toEqual([{ table: 'liqwid_deposits_djed', backfilled: 3, duplicates: 1 }])

      liqwid.addTransactions(WALLET_A, [
        liqwidTx({ id: kept, type: 'SUPPLY', displayName: 'DJED', time: new Date(T0).toISOString(), amount: 100 }),
        liqwidTx({ id: other, type: 'SUPPLY', displayName: 'DJED', time: new Date(T0 + 1).toISOString(), amount: 200 }),
        liqwidTx({ id: twice, type: 'SUPPLY', displayName: 'DJED', time: new Date(T0 + 2).toISOString(), amount: 300 }),
        liqwidTx({ id: txHash('new'), type: 'SUPPLY', displayName: 'DJED', time: new Date(T0 + 10).toISOString(), amount: 7 }),
      ])
      const report = await sync(writer)
      expect(report).toMatchObject({ success: true, deposits_written: 1, duplicates_skipped: 3, ids_upgraded: 3 })
      expect((await rows()).map((row) => [row.amount, row.txId])).toEqual([
        [100, kept],
        [200, other],
        [300, twice],
        [300, null],
        [5, null],
        [7, txHash('new')],
      ])
      expect(await sync(new StoreWriter(client))).toMatchObject({ success: true, new_transactions: 0, ids_upgraded: 0, duplicates_skipped: 4 })
    })

    it('two syncs at the same moment on one database end with exactly one row per transaction', async () => {
      const history = Array.from({ length: 350 }, (_, i) =>
        liqwidTx({
          id: txHash(`race-${i}`),
          type: 'SUPPLY',
          displayName: 'DJED',
          time: new Date(T0 + Math.floor(i / 2) * 60_000).toISOString(),
          amount: i + 1,
        }),
      )
      liqwid.addTransactions(WALLET_A, history)
      // two writers on two connection pools: nothing shared but the database
      const second = database.connect()
      try {
        const reports = await Promise.all([sync(new StoreWriter(client)), sync(new StoreWriter(second))])
        expect(reports.flatMap((report) => report.errors)).toEqual([])
        // each counts only what it wrote itself (ON CONFLICT … RETURNING)
        expect(reports[0]!.deposits_written + reports[1]!.deposits_written).toBe(350)
      } finally {
        await second.close()
      }
      const stored = await rows()
      expect(stored).toHaveLength(350)
      expect(new Set(stored.map((row) => row.txId)).size).toBe(350)
      expect(await sync(new StoreWriter(client))).toMatchObject({ new_transactions: 0, duplicates_skipped: 350 })
    })
  })
}
