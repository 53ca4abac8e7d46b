/**
 * An in-memory implementation of the sync's store ports, behaving like the real tables: one list
 * of rows per (symbol, kind), dedupe ids read from the notes of the same tables that are written.
 */
import type { TransactionKind } from '../../src/engine/types.ts'
import { parseSyncedTxId } from '../../src/sync/notes.ts'
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
      existingTxIds: async (symbol, wallet) => {
        const ids = new Set<string>()
        for (const kind of ['deposit', 'withdrawal'] as const) {
          for (const row of table(symbol, kind)) {
            const id = row.wallet === wallet ? parseSyncedTxId(row.notes) : null
            if (id) ids.add(id)
          }
        }
        return ids
      },
      insertTransactions: async (symbol, kind, rows) => {
        table(symbol, kind).push(...rows)
        return rows.length
      },
    },
    seed: async (symbol, kind, rows) => {
      table(symbol, kind).push(...rows)
    },
    rows: async (symbol, kind) => [...table(symbol, kind)],
  })
}
