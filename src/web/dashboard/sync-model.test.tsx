/** @jsxImportSource hono/jsx */
import { describe, expect, it } from 'bun:test'
import { SyncProgress, SyncResult } from '../../../templates/sync.tsx'
import type { SyncReport } from '../../sync/sync.ts'
import { groupErrors, syncOutcome, syncProgressText } from './sync-model.ts'

const W = (n: number) => `addr1q${String(n).repeat(50)}`
const detail = (wallet: string, errors: string[] = []) => ({
  wallet,
  fetched: 0,
  new_deposits: 0,
  new_withdrawals: 0,
  duplicates_skipped: 0,
  ids_upgraded: 0,
  skipped_other_types: 0,
  skipped_unconfigured_assets: 0,
  errors,
})
function report(ok: number, failed: number): SyncReport {
  const wallets = Array.from({ length: ok + failed }, (_, i) => W(i + 1))
  const errors = wallets.slice(ok).map((wallet) => `${wallet}: Liqwid GraphQL timed out after 10 s`)
  return {
    success: failed === 0,
    start_time: '2025-01-01T00:00:00Z',
    end_time: '2025-02-01T00:00:00Z',
    wallets_synced: wallets.length,
    new_transactions: 3,
    duplicates_skipped: 1,
    ids_upgraded: 0,
    deposits_written: 2,
    withdrawals_written: 1,
    skipped_other_types: 0,
    skipped_unconfigured_assets: 0,
    errors,
    details: wallets.map((wallet, i) => detail(wallet, i < ok ? [] : [errors[i - ok]!])),
  }
}

describe('sync outcome', () => {
  it('tells success, partial and failure with counts', () => {
    expect(syncOutcome(report(6, 0))).toMatchObject({ kind: 'success', headline: 'Sync finished: 6 wallets synced' })
    expect(syncOutcome(report(4, 2))).toMatchObject({ kind: 'partial', headline: 'Sync partly failed: 4 of 6 wallets synced, 2 failed' })
    expect(syncOutcome(report(0, 6))).toMatchObject({ kind: 'failure', headline: 'Sync failed: none of the 6 wallets could be synced' })
    expect(syncOutcome(report(6, 0)).counts).toBe('3 new (2 deposits, 1 withdrawals), 1 already stored, 0 other types skipped.')
  })

  it('groups identical wallet errors with a count', () => {
    expect(groupErrors(report(0, 6).errors)).toEqual([{ message: 'Liqwid GraphQL timed out after 10 s', count: 6 }])
    expect(groupErrors(['a plain error', `${W(1)}: boom`, `${W(2)}: boom`])).toEqual([
      { message: 'boom', count: 2 },
      { message: 'a plain error', count: 1 },
    ])
    const html = String(<SyncResult report={report(0, 6)} error={null} />)
    expect(html).toContain('data-outcome="failure"')
    expect(html.match(/<li>/g)).toHaveLength(1)
    expect(html).toContain('<strong>6 wallets: </strong>Liqwid GraphQL timed out after 10 s')
  })

  it('shows a running job’s progress per wallet, polling its status, then the report', () => {
    const running = { state: 'running', progress: { wallets_done: 2, wallets_total: 6, current_wallet: W(3) } }
    expect(syncProgressText(running)).toBe('Syncing wallet 3 of 6 (addr1q33333...333333)…')
    expect(syncProgressText({ state: 'queued' })).toBe('Sync queued…')
    const html = String(<SyncProgress status={running} statusPath="/dashboard/sync/job-1" />)
    expect(html).toContain('hx-get="/dashboard/sync/job-1"')
    expect(html).toContain('<progress max="6" value="2">')
    const done = String(<SyncProgress status={{ state: 'done', report: report(5, 1) }} statusPath="/dashboard/sync/job-1" />)
    expect(done).not.toContain('hx-get')
    expect(done).toContain('Sync partly failed: 5 of 6 wallets synced, 1 failed')
  })
})
