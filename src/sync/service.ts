/**
 * The transaction sync as the HTTP route uses it: wallets from the store's discovery plus the
 * configured `wallets`, the configured assets and keyword, the default window from
 * `prices.transaction_sync`, and the store behind the sync ports — dedupe reads the very tables
 * the rows are written to (the `test_` ones under `--test-prefix`), so a repeated sync writes
 * nothing. One sync at a time (SyncRunner).
 */
import type { Config } from '../config/resolve.ts'
import { AppError } from '../errors.ts'
import type { LiqwidClient } from '../sources/liqwid.ts'
import type { StoreReader } from '../store/reader.ts'
import { ALL_TIME } from '../store/types.ts'
import type { StoreWriter } from '../store/writer.ts'
import { parseSyncedTxId } from './notes.ts'
import { SyncRunner } from './runner.ts'
import type { SyncPorts, SyncReport } from './sync.ts'

export interface SyncWindowRequest {
  readonly start?: string | null
  readonly end?: string | null
}

export interface TransactionSync {
  /** null when the sync can run; else why not (no Liqwid endpoint) */
  readonly unavailableReason: string | null
  run(request: SyncWindowRequest): Promise<SyncReport>
  /** asks a running sync to stop (shutdown) */
  cancel(): void
}

export interface SyncServiceOptions {
  readonly config: Config
  readonly reader: StoreReader
  readonly writer: StoreWriter
  readonly liqwid: LiqwidClient | null
  readonly testPrefix: boolean
  readonly now?: () => number
}

export function createSyncService(options: SyncServiceOptions): TransactionSync {
  const { config, reader, writer, liqwid, testPrefix } = options
  const unavailableReason = liqwid ? null : 'the Liqwid GraphQL endpoint is not configured (prices.endpoints.liqwid_graphql)'
  const ports: SyncPorts = {
    fetchTransactions: (...args) => liqwid!.fetchTransactions(...args),
    resolveAsset: async (name) => {
      const configured = config.resolved.assets[name.trim().toLowerCase()]
      try {
        if (configured?.symbol_source === 'domain.symbols') {
          const marketId = (await reader.resolveSymbol(configured.symbol).catch(() => null))?.marketId
          return { symbol: configured.symbol, marketId: marketId ?? configured.symbol.toUpperCase() }
        }
        return await reader.resolveSymbol(name)
      } catch {
        return null
      }
    },
    existingTxIds: async (symbol, wallet) => {
      const { transactions } = await reader.transactions(symbol, ALL_TIME, wallet, testPrefix)
      const ids = new Set<string>()
      for (const tx of transactions) {
        const id = parseSyncedTxId(tx.notes)
        if (id !== null) ids.add(id)
      }
      return ids
    },
    insertTransactions: (symbol, kind, rows) => writer.insertTransactions(symbol, kind, rows),
    now: options.now,
  }
  const runner = new SyncRunner(ports)
  const defaults = config.prices.transaction_sync

  return {
    unavailableReason,
    cancel: () => runner.cancel(),
    async run(request) {
      if (unavailableReason) throw new AppError('bad_request', unavailableReason)
      const discovered = await reader.discoverWallets()
      const wallets = [...new Set([...discovered, ...config.resolved.wallets])]
      if (wallets.length === 0)
        throw new AppError('bad_request', 'no wallet addresses found in the store or in the configuration (wallets:)')
      return runner.sync({
        wallets,
        assets: config.domain.assets,
        start: request.start ?? defaults.start_date,
        end: request.end ?? defaults.end_date,
        keyword: config.analysis.decision.reference.keyword,
      })
    },
  }
}
