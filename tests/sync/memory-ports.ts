/**
 * An in-memory implementation of the sync's store ports, behaving like the real tables: one list
 * of rows per (symbol, kind), a row's identity its (wallet, txId); seeded rows without an id get
 * the prefix their notes carry, as the store's backfill does.
 */
import type { TransactionKind } from '../../src/engine/types.ts'
import { legacyTxIdPrefix, type StoredTxId } from '../../src/store/writer.ts'
import type { ResolvedAsset, SyncedRow } from '../../src/sync/sync.ts'
import { SCENARIO_ASSETS, type SyncHarness } from './scenarios.ts'

export function memoryHarness(): Promise<SyncHarness> {
  const tables = new Map<string, SyncedRow[]>()
  const table = (symbol: string, kind: TransactionKind) => {
    const key = `${symbol}/${kind}`
    if (!tables.has(key)) tables.set(key, [])
    return tables.get(key)!
  }
  const catalogue = new Map<string, ResolvedAsset>()
  for (const { names, symbol, marketId } of SCENARIO_ASSETS) for (const name of names) catalogue.set(name.toLowerCase(), { symbol, marketId })

  return Promise.resolve({
    ports: {
      resolveAsset: async (name) => catalogue.get(name.toLowerCase()) ?? null,
      storedTxIds: async (symbol, wallet) => {
        const stored: StoredTxId[] = []
        for (const kind of ['deposit', 'withdrawal'] as const) {
          for (const row of table(symbol, kind)) if (row.wallet === wallet && row.txId !== null) stored.push({ kind, txId: row.txId, ts: row.ts })
        }
        return stored
      },
      upgradeTxId: async (symbol, kind, change) => {
        const rows = table(symbol, kind)
        const index = rows.findIndex((row) => row.wallet === change.wallet && row.ts === change.ts && row.txId === change.from)
        if (index >= 0) rows[index] = { ...rows[index]!, txId: change.to }
      },
      insertTransactions: async (symbol, kind, rows) => {
        // the store's unique (wallet_address, tx_id): a row already stored is not written again
        const target = table(symbol, kind)
        const fresh = rows.filter((row) => row.txId === null || !target.some((stored) => stored.wallet === row.wallet && stored.txId === row.txId))
        target.push(...fresh)
        return fresh.length
      },
    },
    seed: async (symbol, kind, rows) => {
      table(symbol, kind).push(...rows.map((row) => ({ ...row, txId: row.txId ?? legacyTxIdPrefix(row.notes) })))
    },
    rows: async (symbol, kind) => [...table(symbol, kind)],
  })
}
