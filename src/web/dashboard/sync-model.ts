/**
 * What the dashboard says about a transaction sync: while it runs, the job's progress per wallet
 * (the job contract of `GET /api/sync/transactions/{job_id}`: {state, started_at, progress:
 * {wallets_done, wallets_total, current_wallet}, report}); when done, one headline — success,
 * partial or failure, with counts — and the wallet errors grouped by message with a count.
 */
import type { SyncReport } from '../../sync/sync.ts'
import { abbreviateAddress } from '../present.ts'

export interface SyncJobStatus {
  readonly state: string
  readonly started_at?: string | null
  readonly progress?: { readonly wallets_done: number; readonly wallets_total: number; readonly current_wallet: string | null } | null
  readonly report?: SyncReport | null
}

export interface SyncOutcome {
  readonly kind: 'success' | 'partial' | 'failure'
  readonly headline: string
  readonly counts: string
  readonly errors: readonly { readonly message: string; readonly count: number }[]
}

/** Wallet errors read `<wallet>: <message>`; the same message from many wallets is one line. */
export function groupErrors(errors: readonly string[]): { message: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const line of errors) {
    const match = /^(addr[a-z_]*1[0-9a-z]+|stake[a-z_]*1[0-9a-z]+): (.*)$/s.exec(line)
    const message = match ? match[2]! : line
    counts.set(message, (counts.get(message) ?? 0) + 1)
  }
  return [...counts].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count)
}

export function syncOutcome(report: SyncReport): SyncOutcome {
  const total = report.wallets_synced
  const failed =
    report.details.filter((detail) => detail.errors.length > 0).length || (report.errors.length > 0 && report.details.length === 0 ? total : 0)
  const ok = Math.max(0, total - failed)
  const kind: SyncOutcome['kind'] = failed === 0 ? 'success' : ok === 0 ? 'failure' : 'partial'
  const headline = {
    success: `Sync finished: ${total} wallet${total === 1 ? '' : 's'} synced`,
    partial: `Sync partly failed: ${ok} of ${total} wallets synced, ${failed} failed`,
    failure: `Sync failed: none of the ${total} wallet${total === 1 ? '' : 's'} could be synced`,
  }[kind]
  const counts = `${report.new_transactions} new (${report.deposits_written} deposits, ${report.withdrawals_written} withdrawals), ${report.duplicates_skipped} already stored, ${report.skipped_other_types} other types skipped.`
  return { kind, headline, counts, errors: groupErrors(report.errors) }
}

/** "Syncing wallet 3 of 6 (addr1qxa7te...aaaaaa)…" */
export function syncProgressText(status: SyncJobStatus): string {
  const progress = status.progress
  if (!progress || progress.wallets_total === 0) return `Sync ${status.state}…`
  const current = progress.current_wallet ? ` (${abbreviateAddress(progress.current_wallet)})` : ''
  return `Syncing wallet ${Math.min(progress.wallets_done + 1, progress.wallets_total)} of ${progress.wallets_total}${current}…`
}
