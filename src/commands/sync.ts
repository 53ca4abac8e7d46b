/**
 * `alert-orchestrator sync`: one transaction sync in the foreground, for cron and scripts. Progress
 * goes to stderr (one line per wallet), the report as JSON to stdout. Exit 0 when every wallet
 * synced, 1 when one failed; a bad window is a usage error (2) raised before any wallet.
 */
import type { TransactionSync, SyncWindowRequest } from '../sync/service.ts'

export async function runSync(
  sync: TransactionSync,
  window: SyncWindowRequest,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const report = await sync.run(window, (progress) => {
    if (progress.current_wallet !== null) err(`sync: wallet ${progress.wallets_done + 1} of ${progress.wallets_total}: ${progress.current_wallet}`)
  })
  err(`sync: ${report.new_transactions} new, ${report.duplicates_skipped} already stored, ${report.errors.length} error(s)`)
  out(JSON.stringify(report, null, 2))
  return report.success ? 0 : 1
}
