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
import type { StoreWriter } from '../store/writer.ts'
import { normalizeSyncWindow } from '../sources/dates.ts'
import { SyncJobs, type SyncJobView } from './jobs.ts'
import { SyncRunner } from './runner.ts'
import type { SyncPorts, SyncProgress, SyncReport } from './sync.ts'

export interface SyncWindowRequest {
  readonly start?: string | null
  readonly end?: string | null
}

export interface TransactionSync {
  /** null when the sync can run; else why not (no Liqwid endpoint) */
  readonly unavailableReason: string | null
  /** runs one sync to its end (the `sync` command) */
  run(request: SyncWindowRequest, onProgress?: (progress: SyncProgress) => void): Promise<SyncReport>
  /** starts one as a job and returns at once; a bad window is a `bad_request`, a running job a `conflict` */
  start(request: SyncWindowRequest): SyncJobView
  /** a job started here (the last 20 are kept); null when unknown */
  job(id: string): SyncJobView | null
  /** asks a running sync to stop (shutdown) */
  cancel(): void
  /** resolves when no sync job runs */
  idle(): Promise<void>
}

export interface SyncServiceOptions {
  readonly config: Config
  readonly reader: StoreReader
  readonly writer: StoreWriter
  readonly liqwid: LiqwidClient | null
  readonly testPrefix: boolean
  readonly now?: () => number
}

/**
 * The store side of the sync ports: asset resolution through the configuration and the store,
 * dedupe ids read from the very tables `insertTransactions` writes to (the `test_` ones under
 * `--test-prefix`). Exported so the sync scenarios run against exactly what the service uses.
 */
export function storeSyncPorts(
  options: Pick<SyncServiceOptions, 'config' | 'reader' | 'writer' | 'testPrefix'>,
): Pick<SyncPorts, 'resolveAsset' | 'storedTxIds' | 'upgradeTxId' | 'insertTransactions'> {
  const { config, reader, writer } = options
  return {
    resolveAsset: async (name) => {
      const key = name.trim().toLowerCase()
      // A configured display name (`usdc`) or its table symbol (`wanusdc`, Liqwid's `wanUSDC`).
      const [display, configured] = Object.entries(config.resolved.assets).find(([asset, entry]) => asset === key || entry.symbol === key) ?? []
      if (configured?.symbol_source === 'domain.symbols') {
        const marketId = (await reader.resolveSymbol(configured.symbol).catch(() => null))?.marketId
        return { symbol: configured.symbol, marketId: marketId ?? display!.toUpperCase() }
      }
      try {
        return await reader.resolveSymbol(name)
      } catch {
        // No table yet (a first sync into an empty store): the configured mapping names it.
        return configured ? { symbol: configured.symbol, marketId: display!.toUpperCase() } : null
      }
    },
    storedTxIds: (symbol, wallet) => writer.storedTxIds(symbol, wallet),
    upgradeTxId: (symbol, kind, change) => writer.upgradeTxId(symbol, kind, change),
    insertTransactions: (symbol, kind, rows) => writer.insertTransactions(symbol, kind, rows),
  }
}

export function createSyncService(options: SyncServiceOptions): TransactionSync {
  const { config, reader, liqwid } = options
  const unavailableReason = liqwid ? null : 'the Liqwid GraphQL endpoint is not configured (prices.endpoints.liqwid_graphql)'
  const ports: SyncPorts = {
    ...storeSyncPorts(options),
    fetchTransactions: (...args) => liqwid!.fetchTransactions(...args),
    now: options.now,
  }
  const runner = new SyncRunner(ports)
  const jobs = new SyncJobs(options.now)
  const defaults = config.prices.transaction_sync
  const window = (request: SyncWindowRequest) => ({ start: request.start ?? defaults.start_date, end: request.end ?? defaults.end_date })

  async function run(request: SyncWindowRequest, onProgress?: (progress: SyncProgress) => void): Promise<SyncReport> {
    if (unavailableReason) throw new AppError('bad_request', unavailableReason)
    const discovered = await reader.discoverWallets()
    const wallets = [...new Set([...discovered, ...config.resolved.wallets])]
    if (wallets.length === 0) throw new AppError('bad_request', 'no wallet addresses found in the store or in the configuration (wallets:)')
    const report = await runner.sync(
      { wallets, assets: config.domain.assets, ...window(request), keyword: config.analysis.decision.reference.keyword },
      onProgress,
    )
    const backfills = options.writer.takeBackfillReports()
    return backfills.length === 0 ? report : { ...report, backfilled: backfills }
  }

  return {
    unavailableReason,
    cancel: () => runner.cancel(),
    run,
    start(request) {
      if (unavailableReason) throw new AppError('bad_request', unavailableReason)
      const { start, end } = window(request)
      normalizeSyncWindow(start, end, (options.now ?? Date.now)()) // a bad date answers 400 now, not as a failed job
      return jobs.start((onProgress) => run(request, onProgress))
    },
    job: (id) => jobs.get(id),
    idle: () => jobs.idle(),
  }
}
