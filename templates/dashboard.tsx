/** @jsxImportSource hono/jsx */
/**
 * Dashboard HTML (hono/jsx: every interpolated value is escaped). The page renders completely
 * without JavaScript; with HTMX, `#content` polls `/dashboard/fragment` every refresh interval and
 * is swapped when a new evaluation exists (204 otherwise), and the controls navigate in place.
 * No inline script or style: the CSP allows only files served by the binary.
 */
import type { FC, PropsWithChildren } from 'hono/jsx'
import type { AssetModel, PageModel } from '../src/web/dashboard/model.ts'
import type { SyncJobView } from '../src/sync/jobs.ts'
import type { SyncReport } from '../src/sync/sync.ts'
import { HistoryPlaceholder } from '../src/web/dashboard/history-panel.tsx'

const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, historyCacheSize: 0 })

export const Layout: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <title>{title}</title>
      <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/static/dashboard.css" />
      <script src="/static/htmx.min.js" defer></script>
    </head>
    <body>{children}</body>
  </html>
)

const Controls: FC<{ model: PageModel }> = ({ model }) => (
  <form class="controls" method="get" action="/dashboard" hx-get="/dashboard" hx-trigger="change" hx-target="body" hx-push-url="true">
    <label>
      Asset{' '}
      <select name="asset" id="asset-select">
        {model.assets.map((asset) => (
          <option value={asset.name} selected={asset.selected}>
            {asset.name.toUpperCase()}
          </option>
        ))}
      </select>
    </label>
    <label>
      View{' '}
      <select name="view" id="view-select">
        {model.views.map((view) => (
          <option value={view.name} selected={view.name === model.query.view} disabled={!view.allowed}>
            {view.label}
            {view.allowed ? '' : ' (login)'}
          </option>
        ))}
      </select>
    </label>
    <button type="submit">Show</button>
    {model.authEnabled && !model.authenticated ? (
      <a class="login" href={`/dashboard/login?asset=${encodeURIComponent(model.query.asset)}`}>
        Log in
      </a>
    ) : null}
  </form>
)

const Overview: FC<{ model: PageModel }> = ({ model }) => (
  <nav class="overview" aria-label="assets">
    {model.assets.map((asset) => (
      <a class={`asset-card ${asset.badge?.css ?? 'pending'}${asset.selected ? ' selected' : ''}`} href={asset.href} data-asset={asset.name}>
        <span class="asset-name">{asset.name.toUpperCase()}</span>
        <span class="badge" data-decision={asset.badge?.label ?? 'PENDING'}>
          {asset.badge ? `${asset.badge.emoji} ${asset.badge.label}` : '… waiting'}
        </span>
        <span class="asset-wmax">W_max {asset.wmax} USD</span>
      </a>
    ))}
  </nav>
)

const Summary: FC<{ asset: AssetModel; name: string }> = ({ asset, name }) => (
  <section class="panel summary" id="summary">
    <h2>
      {name.toUpperCase()}{' '}
      <span class={`badge big ${asset.badge.css}`} id="decision-badge" data-decision={asset.badge.label}>
        {asset.badge.emoji} {asset.badge.label}
      </span>
    </h2>
    {asset.reason ? (
      <p class="reason" id="decision-reason">
        {asset.reason}
      </p>
    ) : null}
    <dl class="facts">
      <dt>W_max (total)</dt>
      <dd id="wmax-total">{asset.wmaxTotal} USD</dd>
      <dt>Wallets</dt>
      <dd>{asset.walletCount}</dd>
      <dt>Gain since t0</dt>
      <dd>{asset.gain} USD</dd>
      {asset.liqwidReports ? (
        <>
          <dt>Cross-check</dt>
          <dd id="liqwid-reports">
            {asset.liqwidReports.text} <span class="muted">({asset.liqwidReports.note})</span>
          </dd>
        </>
      ) : null}
      <dt>Reference t0</dt>
      <dd>
        {asset.t0} <span class="muted">({asset.refMode})</span>
      </dd>
      <dt>Latest sample t1</dt>
      <dd>{asset.t1}</dd>
      <dt>Position at t1</dt>
      <dd>{asset.vT1} USD</dd>
    </dl>
    {asset.warnings.length > 0 ? (
      <ul class="warnings">
        {asset.warnings.map((warning) => (
          <li>{warning}</li>
        ))}
      </ul>
    ) : null}
  </section>
)

const Wallets: FC<{ asset: AssetModel }> = ({ asset }) => (
  <section class="panel wallets" id="wallets">
    <h3>Per-wallet W_max</h3>
    {asset.wallets.length === 0 ? (
      <p class="muted">No wallet has position samples since t0.</p>
    ) : (
      <table id="wallet-table">
        <thead>
          <tr>
            <th>Wallet</th>
            <th class="num">W_max (USD)</th>
            <th class="num">Position at t1 (USD)</th>
          </tr>
        </thead>
        <tbody>
          {asset.wallets.map((wallet) => (
            <tr>
              <td>
                <code title={wallet.full ?? undefined}>{wallet.full ?? wallet.abbreviated}</code>
              </td>
              <td class="num">{wallet.wmax ?? '🔒'}</td>
              <td class="num">{wallet.vT1 ?? '🔒'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    {asset.showWalletValues ? null : <p class="muted">Full addresses and per-wallet values are shown to authenticated users.</p>}
  </section>
)

const Gate: FC<{ asset: AssetModel }> = ({ asset }) => (
  <section class="panel gate" id="gate">
    <h3>
      Residual gate <span class={`pill gate-${asset.gate.status.replace(' ', '-')}`}>{asset.gate.status}</span>
    </h3>
    {asset.gate.detail ? <p class="reason">{asset.gate.detail}</p> : null}
    <dl class="facts">
      <dt>Basis</dt>
      <dd>{asset.gate.basis}</dd>
      <dt>Mode</dt>
      <dd>{asset.gate.mode}</dd>
      <dt>Residual now (r)</dt>
      <dd id="gate-r-now">{asset.gate.rNow}</dd>
      <dt>σ</dt>
      <dd>{asset.gate.sigma}</dd>
      <dt>Threshold</dt>
      <dd>{asset.gate.threshold}</dd>
      <dt>Points</dt>
      <dd>{asset.gate.points}</dd>
    </dl>
  </section>
)

const Prices: FC<{ asset: AssetModel }> = ({ asset }) => (
  <section class="panel prices" id="prices">
    <h3>
      Price comparison <span class={`pill price-${asset.prices.status}`}>{asset.prices.status}</span>
    </h3>
    {asset.prices.detail ? <p class="reason">{asset.prices.detail}</p> : null}
    <table id="price-table">
      <thead>
        <tr>
          <th>Source</th>
          <th>Provider</th>
          <th class="num">Price (USD)</th>
        </tr>
      </thead>
      <tbody>
        {asset.prices.rows.map((row) => (
          <tr>
            <td>{row.source}</td>
            <td>{row.provider}</td>
            <td class="num">{row.price}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <p>
      Δ abs {asset.prices.deltaAbs} · Δ rel {asset.prices.deltaRel}
    </p>
  </section>
)

const Charts: FC<{ asset: AssetModel; name: string; view: string }> = ({ asset, name, view }) => (
  <section class="panel charts" id="charts">
    <img class="chart" id="diagnostic-chart" src={asset.chartUrl} alt={`${name} ${view} chart`} width="1200" height="600" />
    <img class="chart" id="price-chart" src={asset.pricesUrl} alt={`${name} price comparison chart`} width="1000" height="420" />
  </section>
)

export const SyncPanel: FC<{ model: PageModel }> = ({ model }) => (
  <section class="panel sync" id="sync">
    <h3>Transaction sync</h3>
    {model.canSync ? (
      <form method="post" action="/dashboard/sync" hx-post="/dashboard/sync" hx-target="#sync-result" hx-swap="innerHTML">
        <label>
          From <input type="date" name="start_date" placeholder={model.syncDefaults.start} />
        </label>
        <label>
          To <input type="date" name="end_date" placeholder={model.syncDefaults.end} />
        </label>
        <button type="submit" id="sync-button">
          Sync transactions
        </button>
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
    <div id="sync-result"></div>
  </section>
)

/** The part that refreshes: everything below the controls. */
export const Content: FC<{ model: PageModel }> = ({ model }) => {
  const poll = `/dashboard/fragment?${new URLSearchParams({ asset: model.query.asset, view: model.query.view, since: String(model.sequence) })}`
  return (
    <main id="content" hx-get={poll} hx-trigger={`every ${model.refreshSeconds}s`} hx-swap="outerHTML" data-sequence={String(model.sequence)}>
      <p class="status" id="last-evaluation">
        Last evaluation: <time>{model.lastEvaluation}</time>{' '}
        <span class="muted">
          (#{model.sequence}, {model.evaluationMs})
        </span>
      </p>
      <Overview model={model} />
      {model.asset ? (
        <div class="grid">
          <Summary asset={model.asset} name={model.query.asset} />
          <Wallets asset={model.asset} />
          <Gate asset={model.asset} />
          <Prices asset={model.asset} />
          <Charts asset={model.asset} name={model.query.asset} view={model.query.view} />
        </div>
      ) : (
        <section class="panel empty" id="empty-state">
          {model.sequence === 0 ? (
            <p>Waiting for the first evaluation… this page refreshes by itself.</p>
          ) : (
            <p>The last evaluation has no result for {model.query.asset}.</p>
          )}
        </section>
      )}
    </main>
  )
}

export const DashboardPage: FC<{ model: PageModel }> = ({ model }) => (
  <Layout title={`Alert Orchestrator — ${model.query.asset.toUpperCase()}`}>
    <header>
      <h1>Alert Orchestrator</h1>
      <Controls model={model} />
    </header>
    <Content model={model} />
    <HistoryPlaceholder asset={model.query.asset} refreshSeconds={model.refreshSeconds} />
    <SyncPanel model={model} />
  </Layout>
)

/** A sync job in the panel: progress while it runs (polled every 2 s), then its report. */
export const SyncJobResult: FC<{ job: SyncJobView | null; error: string | null }> = ({ job, error }) => {
  if (job === null || job.state === 'failed') return <SyncResult report={null} error={error ?? job?.error ?? 'the sync failed'} />
  if (job.state === 'done') return <SyncResult report={job.report} error={null} />
  const href = `/dashboard/sync/${encodeURIComponent(job.job_id)}`
  const { wallets_done, wallets_total } = job.progress
  return (
    <p id="sync-outcome" class="running" hx-get={href} hx-trigger="every 2s" hx-swap="outerHTML" hx-target="this">
      Sync started {job.started_at}: {wallets_done} of {wallets_total || '…'} wallet(s) done. <a href={href}>Refresh</a>
    </p>
  )
}

export const SyncResult: FC<{ report: SyncReport | null; error: string | null }> = ({ report, error }) =>
  error !== null ? (
    <p class="reason error" id="sync-outcome">
      ✗ {error}
    </p>
  ) : report ? (
    <div id="sync-outcome" class={report.success ? 'ok' : 'error'}>
      <p>
        {report.success ? '✓' : '⚠'} Synced {report.wallets_synced} wallet(s): {report.new_transactions} new ({report.deposits_written} deposits,{' '}
        {report.withdrawals_written} withdrawals), {report.duplicates_skipped} already stored, {report.skipped_other_types} other types skipped.
      </p>
      {report.errors.length > 0 ? (
        <ul class="warnings">
          {report.errors.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      ) : null}
    </div>
  ) : null
