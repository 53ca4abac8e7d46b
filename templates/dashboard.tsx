/** @jsxImportSource hono/jsx */
/**
 * Dashboard HTML (hono/jsx: every interpolated value is escaped). The page renders completely
 * without JavaScript; with HTMX, `#content` polls `/dashboard/fragment` every refresh interval and
 * is swapped when a new evaluation exists (204 otherwise), and the controls navigate in place.
 * /static/dashboard.js only keeps relative times and the countdown current and logs out.
 * No inline script or style: the CSP allows only files served by the binary.
 */
import type { FC, PropsWithChildren } from 'hono/jsx'
import type { AssetModel, PageModel } from '../src/web/dashboard/model.ts'
import { HistoryPlaceholder } from '../src/web/dashboard/history-panel.tsx'
import { ChartPicture, StatusBadge, When } from './parts.tsx'

export { SyncJobResult, SyncPanel, SyncProgress, SyncResult } from './sync.tsx'
import { SyncPanel } from './sync.tsx'

const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, historyCacheSize: 0 })

export const Layout: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <title>{title}</title>
      <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/static/dashboard.css" />
      <script src="/static/htmx.min.js" defer></script>
      <script src="/static/dashboard.js" defer></script>
    </head>
    <body>{children}</body>
  </html>
)

const Account: FC<{ model: PageModel }> = ({ model }) =>
  !model.authEnabled ? null : model.authenticated ? (
    <a class="account" id="logout" href="/dashboard/logout">
      Log out
    </a>
  ) : (
    <a class="account" id="login" href={`/dashboard/login?asset=${encodeURIComponent(model.query.asset)}`}>
      Log in
    </a>
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
      Chart{' '}
      <select name="view" id="view-select">
        <optgroup label="Charts">
          {model.views
            .filter((view) => !view.advanced)
            .map((view) => (
              <option value={view.name} selected={view.name === model.query.view} disabled={!view.allowed}>
                {view.label}
                {view.allowed ? '' : ' (log in)'}
              </option>
            ))}
        </optgroup>
        <optgroup label="Advanced">
          {model.views
            .filter((view) => view.advanced)
            .map((view) => (
              <option value={view.name} selected={view.name === model.query.view} disabled={!view.allowed}>
                {view.label}
                {view.allowed ? '' : ' (log in)'}
              </option>
            ))}
        </optgroup>
      </select>
    </label>
    <button type="submit">Show</button>
  </form>
)

const Overview: FC<{ model: PageModel }> = ({ model }) => (
  <nav class="overview" aria-label="Assets">
    {model.assets.map((asset) => (
      <a
        class={`asset-card ${asset.badge?.css ?? 'pending'}${asset.selected ? ' selected' : ''}`}
        href={asset.href}
        data-asset={asset.name}
        aria-current={asset.selected ? 'page' : undefined}
      >
        <span class="card-top">
          <span class="asset-name">{asset.name.toUpperCase()}</span>
          <StatusBadge badge={asset.badge} />
          {asset.peg ? <span class="pill peg-off">{asset.peg}</span> : null}
        </span>
        <span class="card-action">{asset.action?.headline ?? 'Waiting for the first evaluation'}</span>
        {asset.action?.note ? <span class="card-note">{asset.action.note}</span> : null}
      </a>
    ))}
  </nav>
)

const Reasons: FC<{ asset: AssetModel }> = ({ asset }) =>
  asset.reasons.length === 0 ? null : (
    <ul class="reasons" id="decision-reason">
      {asset.reasons.map((reason) => (
        <li data-code={reason.code}>
          <p class="reason-text">{reason.text}</p>
          <p class="reason-action">
            <strong>What to do:</strong> {reason.action}
          </p>
          {reason.detail ? (
            <details>
              <summary>How this was computed</summary>
              <code>{reason.detail}</code>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  )

const Summary: FC<{ asset: AssetModel; name: string }> = ({ asset, name }) => (
  <section class={`panel summary ${asset.badge.css}`} id="summary" aria-labelledby="summary-title">
    <h2 id="summary-title">
      {name.toUpperCase()} <StatusBadge badge={asset.badge} big id="decision-badge" />
      {asset.peg ? (
        <span class={`pill ${asset.peg.off ? 'peg-off' : 'peg-on'}`} id="peg-badge">
          {asset.peg.text}
        </span>
      ) : null}
      {asset.stale ? (
        <span class="pill stale" id="data-age-badge">
          Stale data
        </span>
      ) : null}
    </h2>
    <p class="action" id="action">
      {asset.action.headline}
    </p>
    {asset.action.note ? <p class="action-note">{asset.action.note}</p> : null}
    {asset.stale ? <p class="warning-line">{asset.stale}. Check the position collector.</p> : null}
    <Reasons asset={asset} />
    <dl class="facts">
      <dt>Gain since t0</dt>
      <dd id="gain">{asset.gain}</dd>
      {asset.liqwidReports ? (
        <>
          <dt>Cross-check</dt>
          <dd id="liqwid-reports">
            {asset.liqwidReports.text} <span class="muted">({asset.liqwidReports.note})</span>
          </dd>
        </>
      ) : null}
      {asset.interest ? (
        <>
          <dt>Interest earned</dt>
          <dd id="interest">{asset.interest}</dd>
          <dt>Price effect</dt>
          <dd id="price-effect">{asset.priceEffect}</dd>
        </>
      ) : null}
      <dt>Price now</dt>
      <dd>{asset.price}</dd>
      <dt>Position now</dt>
      <dd>{asset.vT1}</dd>
      <dt>Wallets</dt>
      <dd>{asset.walletCount}</dd>
      <dt>Reference t0</dt>
      <dd>
        <When at={asset.t0} /> <span class="muted">{asset.refMode}</span>
      </dd>
      <dt>Newest sample</dt>
      <dd>
        <When at={asset.t1} id="newest-sample" />
      </dd>
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

const Wallets: FC<{ asset: AssetModel; name: string }> = ({ asset, name }) => (
  <section class="panel wallets" id="wallets" aria-labelledby="wallets-title">
    <h3 id="wallets-title">Per wallet</h3>
    {asset.wallets.length === 0 ? (
      <p class="muted">No wallet has position samples since t0.</p>
    ) : (
      <section class="table-scroll" tabindex={0} aria-label="Per-wallet amounts">
        <table id="wallet-table">
          <thead>
            <tr>
              <th scope="col">Wallet</th>
              <th scope="col" class="num">
                Up to ({name.toUpperCase()})
              </th>
              <th scope="col" class="num">
                Up to (USD)
              </th>
              <th scope="col" class="num">
                Position (USD)
              </th>
            </tr>
          </thead>
          <tbody>
            {asset.wallets.map((wallet) => (
              <tr>
                <td>
                  <code title={wallet.full ?? undefined}>{wallet.full ?? wallet.abbreviated}</code>
                </td>
                <td class="num">{wallet.withdrawUnits ?? '🔒'}</td>
                <td class="num">{wallet.withdrawUsd ?? '🔒'}</td>
                <td class="num">{wallet.vT1 ?? '🔒'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    )}
    {asset.badge.code !== 1 && asset.showWalletValues ? <p class="muted">Amounts apply once the hold clears.</p> : null}
    {asset.showWalletValues ? null : <p class="muted">Full addresses and per-wallet amounts are shown after logging in.</p>}
  </section>
)

const Gate: FC<{ asset: AssetModel }> = ({ asset }) => (
  <section class="panel gate" id="gate" aria-labelledby="gate-title">
    <h3 id="gate-title">
      Safety check (residual gate) <span class={`pill gate-${asset.gate.status.replace(' ', '-')}`}>{asset.gate.status}</span>
    </h3>
    <p>{asset.gate.plain}</p>
    {asset.gate.detail && asset.seesAmounts ? (
      <details>
        <summary>How this was computed</summary>
        <code>{asset.gate.detail}</code>
      </details>
    ) : null}
    <dl class="facts">
      {asset.gate.rows.map((row) => (
        <>
          <dt>{row.label}</dt>
          <dd id={row.id}>{asset.seesAmounts || !row.amount ? row.value : '🔒'}</dd>
        </>
      ))}
    </dl>
  </section>
)

const Prices: FC<{ asset: AssetModel }> = ({ asset }) => (
  <section class="panel prices" id="prices" aria-labelledby="prices-title">
    <h3 id="prices-title">
      Price sources <span class={`pill price-${asset.prices.status}`}>{asset.prices.status}</span>
    </h3>
    {asset.prices.detail ? <p>{asset.prices.detail}</p> : null}
    <section class="table-scroll" tabindex={0} aria-label="Prices by source">
      <table id="price-table">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" class="provider">
              Provider
            </th>
            <th scope="col" class="num">
              Price (USD)
            </th>
          </tr>
        </thead>
        <tbody>
          {asset.prices.rows.map((row) => (
            <tr>
              <td>{row.source}</td>
              <td class="provider">{row.provider}</td>
              <td class="num">{row.price}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
    <p>
      Difference {asset.prices.deltaRel} (Δ {asset.prices.deltaAbs} USD)
    </p>
  </section>
)

/** The Replay view in place of the main chart: loads the replay (seconds, once per evaluation), then shows it. */
export const ReplayPlaceholder: FC<{ asset: string; sequence: number; days: number }> = ({ asset, sequence, days }) => (
  <section
    class="panel replay"
    id="replay"
    aria-live="polite"
    hx-get={`/dashboard/replay?${new URLSearchParams({ asset, v: String(sequence) })}`}
    hx-trigger="load"
    hx-swap="innerHTML"
  >
    <p class="muted">
      Replaying the last {days} days… <a href={`/dashboard/replay?${new URLSearchParams({ asset })}`}>open the replay</a>
    </p>
  </section>
)

const Charts: FC<{ asset: AssetModel; name: string; sequence: number }> = ({ asset, name, sequence }) => {
  const replay = asset.chart.replay
  if (replay !== null)
    return 'disabled' in replay ? (
      <section class="panel charts" id="charts" aria-label="Replay">
        <p class="chart-unavailable">{replay.disabled}</p>
      </section>
    ) : (
      <ReplayPlaceholder asset={name} sequence={sequence} days={replay.days} />
    )
  return (
    <section class="panel charts" id="charts" aria-label="Charts">
      {asset.chart.unavailable ? (
        <p class="chart-unavailable" id="chart-unavailable">
          {asset.chart.unavailable}
        </p>
      ) : (
        <>
          <ChartPicture variants={asset.chart.main} id="diagnostic-chart" alt={asset.chart.mainAlt} />
          <ChartPicture variants={asset.chart.prices} id="price-chart" alt={asset.chart.pricesAlt} />
        </>
      )}
    </section>
  )
}

const Timing: FC<{ model: PageModel }> = ({ model }) => (
  <div class="status" id="last-evaluation">
    <span>
      Evaluated <When at={model.lastEvaluation} />{' '}
      <span class="muted">
        (#{model.sequence}, {model.evaluationMs})
      </span>
    </span>
    {model.nextEvaluation ? (
      <span id="next-evaluation">
        Next evaluation{' '}
        <time datetime={model.nextEvaluation.iso} data-countdown="">
          {model.nextEvaluation.relative}
        </time>
      </span>
    ) : null}
    {model.canEvaluate ? (
      <form method="post" action="/dashboard/evaluate" hx-post="/dashboard/evaluate" hx-target="#evaluate-result" hx-disabled-elt="find button">
        <button type="submit" id="evaluate-now">
          Evaluate now
        </button>
        <span id="evaluate-result" role="status"></span>
      </form>
    ) : null}
  </div>
)

/** The part that refreshes: everything below the controls. */
export const Content: FC<{ model: PageModel }> = ({ model }) => {
  const poll = `/dashboard/fragment?${new URLSearchParams({ asset: model.query.asset, view: model.query.view, since: String(model.sequence) })}`
  return (
    <main id="content" hx-get={poll} hx-trigger={`every ${model.refreshSeconds}s`} hx-swap="outerHTML" data-sequence={String(model.sequence)}>
      <Timing model={model} />
      <div aria-live="polite">
        <Overview model={model} />
      </div>
      {model.asset ? (
        <div class="grid">
          <Summary asset={model.asset} name={model.query.asset} />
          <Wallets asset={model.asset} name={model.query.asset} />
          <Gate asset={model.asset} />
          <Prices asset={model.asset} />
          <Charts asset={model.asset} name={model.query.asset} sequence={model.sequence} />
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

export const DashboardPage: FC<{ model: PageModel; notice?: string | null }> = ({ model, notice }) => (
  <Layout title={`Alert Orchestrator — ${model.query.asset.toUpperCase()}`}>
    <a class="skip" href="#content">
      Skip to the decisions
    </a>
    <header>
      <h1>Alert Orchestrator</h1>
      <Controls model={model} />
      <Account model={model} />
    </header>
    {notice ? (
      <p class="notice" role="status">
        {notice}
      </p>
    ) : null}
    <Content model={model} />
    <HistoryPlaceholder asset={model.query.asset} refreshSeconds={model.refreshSeconds} />
    <SyncPanel model={model} />
  </Layout>
)

/** Instead of a browser prompt or raw JSON: what is needed and a way to log in. */
export const LoginRequiredPage: FC<{ asset: string; loggedOut?: boolean }> = ({ asset, loggedOut }) => (
  <Layout title="Alert Orchestrator — log in">
    <header>
      <h1>Alert Orchestrator</h1>
    </header>
    <main class="login-required" id="login-required">
      <section class="panel">
        <h2>{loggedOut ? 'You are logged out' : 'Log in to see this dashboard'}</h2>
        <p>
          {loggedOut
            ? 'Your browser no longer sends your credentials to this dashboard.'
            : 'This dashboard shows amounts and wallet addresses only to its operator.'}
        </p>
        <p>
          <a class="button" href={`/dashboard/login?asset=${encodeURIComponent(asset)}`}>
            Log in
          </a>
        </p>
      </section>
    </main>
  </Layout>
)
