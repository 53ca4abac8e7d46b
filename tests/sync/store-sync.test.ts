/**
 * The transaction-sync scenarios (tests/sync/scenarios.ts) against the service's own store ports
 * (`storeSyncPorts`, what `createSyncService` uses): on PostgreSQL when reachable, on the embedded
 * store always, and on the embedded store in test mode (every row in the `test_` tables, dedupe
 * reading them). One store per target; each scenario starts from empty transaction tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TransactionKind } from '../../src/engine/types.ts'
import { openStore, type Store } from '../../src/store/index.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { tableSql } from '../../src/store/sql.ts'
import { ALL_TIME } from '../../src/store/types.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { storeSyncPorts } from '../../src/sync/service.ts'
import type { SyncedRow } from '../../src/sync/sync.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { baseConfig, loadTestConfig, withConfig } from '../support/service/config.ts'
import { storeBackends, type OpenedData } from '../support/service/stores.ts'
import { defineSyncScenarios, REQUEST, SCENARIO_ASSETS, type SyncHarness } from './scenarios.ts'

const CONFIG = loadTestConfig(withConfig(baseConfig({}), { domain: { assets: [...REQUEST.assets] } })).config
const KINDS: TransactionKind[] = ['deposit', 'withdrawal']

/** Opens the backend's store once for the file; `harness()` empties it for each scenario. */
function storeHarnessFactory(open: () => Promise<OpenedData>, testPrefix: boolean) {
  let opened: OpenedData | null = null
  let store: Store | null = null

  const ready = async (): Promise<Store> => {
    if (store) return store
    opened = await open()
    const url = opened.url ?? undefined
    store = await openStore({ url, embeddedDir: opened.dir ?? undefined, dialect: 'postgres' })
    // One supply row per scenario asset makes its names resolve through the store, as in production.
    const writer = new StoreWriter(store.client)
    for (const { symbol, marketId } of SCENARIO_ASSETS)
      await writer.insertPositions(symbol, [
        { ts: Date.UTC(2025, 6, 1), wallet: 'addr1qseed', marketId, marketName: marketId, units: 1, priceUsd: 1, usdValue: 1 },
      ])
    return store
  }

  const harness = async (): Promise<SyncHarness> => {
    const { client } = await ready()
    for (const { symbol } of SCENARIO_ASSETS)
      for (const kind of ['deposits', 'withdrawals'])
        for (const prefix of ['', 'test_']) await client.query('reset', `DELETE FROM ${prefix}liqwid_${kind}_${symbol}`).catch(() => {})
    // Fresh reader and writer: the writer remembers the tables it created.
    const reader = new StoreReader(client)
    const writer = new StoreWriter(client, { testPrefix })
    return {
      ports: storeSyncPorts({ config: CONFIG, reader, writer, testPrefix }),
      seed: async (symbol, kind, rows) => {
        await writer.insertTransactions(symbol, kind, rows)
      },
      rows: async (symbol, kind): Promise<SyncedRow[]> => {
        const { transactions } = await reader.transactions(symbol, ALL_TIME, null, testPrefix)
        // the reader does not read tx_id (the engine has no use for it): read it beside
        const table = tableSql(await client.dialect(), writer.target(kind === 'deposit' ? 'deposits' : 'withdrawals', symbol))
        const ids = await client.query('tx ids', `SELECT ts, wallet_address, notes, tx_id FROM ${table}`).catch(() => [])
        const idOf = (ts: number, wallet: string, notes: string | null) =>
          (ids.find((row) => Number(row.ts) === ts && row.wallet_address === wallet && (row.notes ?? null) === notes)?.tx_id as
            | string
            | null
            | undefined) ?? null
        return transactions
          .filter((tx) => tx.kind === kind)
          .map(({ ts, createdAt, wallet, marketId, amount, notes }) => ({
            ts,
            createdAt,
            wallet,
            marketId,
            amount,
            notes: notes ?? '',
            txId: idOf(ts, wallet, notes),
          }))
      },
    }
  }

  const close = async () => {
    await store?.close()
    await opened?.close()
  }
  return { harness, close, ready }
}

for (const backend of await storeBackends()) {
  const modes = backend.name === 'embedded' ? [false, true] : [false]
  for (const testPrefix of modes) {
    const label = `store ports on ${backend.name}${testPrefix ? ', --test-prefix' : ''}`
    describe.skipIf(backend.skip !== null)(label, () => {
      const factory = storeHarnessFactory(backend.open, testPrefix)
      beforeAll(() => factory.ready().then(() => {}), SETUP_TIMEOUT_MS)
      afterAll(() => factory.close(), SETUP_TIMEOUT_MS)

      defineSyncScenarios(label, factory.harness)

      if (testPrefix)
        it('leaves the normal transaction tables absent in test mode', async () => {
          const { client } = await factory.ready()
          const reader = new StoreReader(client)
          for (const { symbol } of SCENARIO_ASSETS)
            for (const kind of KINDS) expect(await reader.tableExists(kind === 'deposit' ? 'deposits' : 'withdrawals', symbol)).toBe(false)
        })
    })
  }
}
