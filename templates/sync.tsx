/** @jsxImportSource hono/jsx */
/**
 * The transaction-sync panel: the form (its button disables itself while the request runs), the
 * job's progress per wallet while a sync job runs (it polls its own status), and the outcome: one
 * headline — success, partial or failure with counts — and identical wallet errors grouped.
 */
import type { FC } from 'hono/jsx'
import type { PageModel } from '../src/web/dashboard/model.ts'
import { type SyncJobStatus, syncOutcome, syncProgressText } from '../src/web/dashboard/sync-model.ts'
import type { SyncJobView } from '../src/sync/jobs.ts'
import type { SyncReport } from '../src/sync/sync.ts'

export const SyncPanel: FC<{ model: PageModel }> = ({ model }) => (
  <section class="panel sync" id="sync" aria-labelledby="sync-title">
    <h3 id="sync-title">Transaction sync</h3>
    {model.canSync ? (
      <form
        method="post"
        action="/dashboard/sync"
        hx-post="/dashboard/sync"
        hx-target="#sync-result"
        hx-swap="innerHTML"
        hx-disabled-elt="find button"
        hx-indicator="#sync-running"
      >
        <label>
          From <input type="date" name="start_date" placeholder={model.syncDefaults.start} />
        </label>
        <label>
          To <input type="date" name="end_date" placeholder={model.syncDefaults.end} />
        </label>
        <button type="submit" id="sync-button">
          Sync transactions
        </button>
        <span class="indicator" id="sync-running">
          Syncing… this can take a few minutes.
        </span>
        <span class="muted">
          (empty = {model.syncDefaults.start} to {model.syncDefaults.end})
        </span>
      </form>
    ) : (
      <p class="muted">
        {model.syncUnavailable ??
          (model.authEnabled ? 'Log in to sync transactions from Liqwid.' : 'Enable runtime.auth to sync from a non-local address.')}
      </p>
    )}
    <div id="sync-result" aria-live="polite"></div>
  </section>
)

/** A running job: progress per wallet, polling `statusPath` until the job is done. */
export const SyncProgress: FC<{ status: SyncJobStatus; statusPath: string }> = ({ status, statusPath }) =>
  status.report ? (
    <SyncResult report={status.report} error={null} />
  ) : (
    <div id="sync-outcome" class="sync-progress" hx-get={statusPath} hx-trigger="every 1s" hx-swap="outerHTML">
      <p>{syncProgressText(status)}</p>
      {status.progress && status.progress.wallets_total > 0 ? (
        <progress max={String(status.progress.wallets_total)} value={String(status.progress.wallets_done)}>
          {status.progress.wallets_done} of {status.progress.wallets_total}
        </progress>
      ) : null}
    </div>
  )

export const SyncResult: FC<{ report: SyncReport | null; error: string | null }> = ({ report, error }) => {
  if (error !== null)
    return (
      <div id="sync-outcome" class="outcome failure" data-outcome="failure">
        <p class="outcome-headline">Sync failed: {error}</p>
      </div>
    )
  if (!report) return null
  const outcome = syncOutcome(report)
  return (
    <div id="sync-outcome" class={`outcome ${outcome.kind}`} data-outcome={outcome.kind}>
      <p class="outcome-headline">{outcome.headline}</p>
      <p>{outcome.counts}</p>
      {outcome.errors.length > 0 ? (
        <ul class="warnings">
          {outcome.errors.map((line) => (
            <li>
              {line.count > 1 ? <strong>{line.count} wallets: </strong> : null}
              {line.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** A sync job in the panel (POST /dashboard/sync, GET /dashboard/sync/:job_id): progress, then its outcome. */
export const SyncJobResult: FC<{ job: SyncJobView | null; error: string | null }> = ({ job, error }) =>
  job === null || job.state === 'failed' ? (
    <SyncResult report={null} error={error ?? job?.error ?? 'the sync failed'} />
  ) : (
    <SyncProgress status={job} statusPath={`/dashboard/sync/${encodeURIComponent(job.job_id)}`} />
  )
