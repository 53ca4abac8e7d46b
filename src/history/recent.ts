/**
 * The part of the decision history the dashboard shows, kept in memory so that page requests never
 * wait for the database: per asset the newest rows (the status strip and the chart) and the
 * instant of the last WITHDRAW_OK. Loaded from the store once at start (so a restart shows the
 * hours before it), then extended by each evaluation's rows.
 */
import type { EpochMs } from '../engine/types.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { DecisionRecord } from './record.ts'
import type { DecisionHistory } from './store.ts'

/** Rows kept per asset for the chart: 83 days of hourly evaluations; older ones are dropped first. */
export const CHART_ROWS_PER_ASSET = 2_000

export interface AssetHistoryView {
  /** oldest first, at most CHART_ROWS_PER_ASSET, none older than the retention */
  readonly records: readonly DecisionRecord[]
  readonly lastWithdrawOk: EpochMs | null
}

export class RecentHistory {
  private readonly byAsset = new Map<string, DecisionRecord[]>()
  private readonly lastOk = new Map<string, EpochMs>()
  private loading: Promise<void> | null = null

  constructor(
    private readonly history: DecisionHistory,
    private readonly assets: readonly string[],
    private readonly retentionMs: number,
  ) {}

  /** Reads the retained rows of every asset (once; a failure is logged and retried on the next call). */
  load(now: EpochMs): Promise<void> {
    this.loading ??= (async () => {
      const from = now - this.retentionMs
      await Promise.all(
        this.assets.map(async (asset) => {
          const [read, lastOk] = await Promise.all([this.history.read({ asset, from, limit: CHART_ROWS_PER_ASSET }), this.history.lastWith(asset, 1)])
          for (const problem of read.problems) log.warn('history row skipped', { problem })
          // Rows added by an evaluation while loading are newer: keep them after the stored ones.
          const added = this.byAsset.get(asset) ?? []
          const newest = read.records.at(-1)?.ts ?? -Infinity
          this.byAsset.set(asset, [...read.records, ...added.filter((record) => record.ts > newest)].slice(-CHART_ROWS_PER_ASSET))
          if (lastOk !== null && lastOk > (this.lastOk.get(asset) ?? -Infinity)) this.lastOk.set(asset, lastOk)
        }),
      )
    })().catch((error: unknown) => {
      this.loading = null
      log.warn('decision history not loaded for the dashboard', { error: describeError(error) })
    })
    return this.loading
  }

  add(records: readonly DecisionRecord[], now: EpochMs): void {
    const cutoff = now - this.retentionMs
    for (const record of records) {
      const rows = this.byAsset.get(record.asset) ?? []
      rows.push(record)
      const firstKept = Math.max(
        rows.length - CHART_ROWS_PER_ASSET,
        rows.findIndex((row) => row.ts >= cutoff),
      )
      this.byAsset.set(record.asset, firstKept > 0 ? rows.slice(firstKept) : rows)
      if (record.decision === 1) this.lastOk.set(record.asset, record.ts)
    }
  }

  view(asset: string): AssetHistoryView {
    return { records: this.byAsset.get(asset) ?? [], lastWithdrawOk: this.lastOk.get(asset) ?? null }
  }
}
