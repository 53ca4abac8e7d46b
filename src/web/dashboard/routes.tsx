/** @jsxImportSource hono/jsx */
/**
 * Dashboard routes: the page, the polled fragment, chart PNGs, login, the sync button and the
 * static files (HTMX and the stylesheet, served from the binary — no CDN). Everything reads the
 * latest snapshot; chart PNGs come from the per-evaluation cache.
 */
import type { Context, Hono } from 'hono'
import htmxPath from '../../../node_modules/htmx.org/dist/htmx.min.js' with { type: 'file' }
import stylesheet from '../../../templates/dashboard.css' with { type: 'text' }
import script from '../../../templates/dashboard-client.js' with { type: 'text' }
import favicon from '../../../templates/favicon.svg' with { type: 'text' }
import { Content, DashboardPage, Layout, LoginRequiredPage, SyncJobResult } from '../../../templates/dashboard.tsx'
import type { Config } from '../../config/resolve.ts'
import { AppError, describeError, type ErrorCode } from '../../errors.ts'
import type { LatestEvaluation } from '../../evaluation/latest.ts'
import type { TransactionSync } from '../../sync/service.ts'
import type { SyncJobView } from '../../sync/jobs.ts'
import { type AccessPolicy, AUTHENTICATION_REQUIRED } from '../access.ts'
import { refuseCrossSite } from '../http.ts'
import type { Viewer } from '../present.ts'
import type { ChartCache, ChartName } from '../../views/chart-cache.ts'
import { parseVariant } from '../../views/chart-variants.ts'
import { dashboardHref, pageModel, type DashboardQuery, type ReportedYieldLookup } from './model.ts'
import { effectiveView, parseView, VIEWS, type ViewName } from '../../views/definitions.ts'
import type { RecentHistory } from '../../history/recent.ts'
import { registerHistoryPanel } from './history-panel.tsx'
import { registerReplayRoutes } from './replay-panel.tsx'
import type { ReplayViews } from '../../views/replay-view.ts'

export interface DashboardDeps {
  readonly config: Config
  readonly latest: LatestEvaluation
  readonly charts: ChartCache
  readonly sync: TransactionSync
  readonly authEnabled: boolean
  /** the collector's cross-check figure, when the collector runs */
  readonly reportedYield?: ReportedYieldLookup
  /** the recent decision history in memory; null when history.enabled is false */
  readonly history: RecentHistory | null
  /** starts an evaluation unless one runs; the page's polling shows its result */
  readonly evaluateNow: () => 'started' | 'running'
  /** the Replay view's replays and timelines; null when visualization.dashboard.replay.enabled is false */
  readonly replays: ReplayViews | null
}

const htmx = Bun.file(htmxPath)
const SHOWN_SYNC_ERRORS = new Set<ErrorCode>([
  'conflict',
  'bad_request',
  'upstream_http',
  'upstream_invalid',
  'upstream_timeout',
  'store_unreachable',
  'store_timeout',
  'store_query',
])

function chooseAsset(config: Config, requested: string | undefined): string {
  const wanted = requested?.trim().toLowerCase()
  return config.domain.assets.find((asset) => asset === wanted) ?? config.domain.assets[0]!
}

/**
 * The 401 the error handler answers with the login page (`dashboardErrorPage`). `challenge`: the
 * browser's prompt too — only /dashboard/login asks; a page under `public_view: none` just shows it.
 */
function loginRequired(asset: string, challenge: boolean): AppError {
  return new AppError('unauthorized', AUTHENTICATION_REQUIRED, { details: { page: 'login', asset, challenge } })
}

/** The error handler's HTML pages: the login page of a `loginRequired` refusal; null for any other error. */
export function dashboardErrorPage(error: AppError, c: Context): Response | null {
  if (error.details.page !== 'login' || typeof error.details.asset !== 'string') return null
  return c.html(`<!doctype html>${String(<LoginRequiredPage asset={error.details.asset} />)}`, 401, { 'Cache-Control': 'no-store' })
}

export function registerDashboard(app: Hono, deps: DashboardDeps, policy: AccessPolicy): void {
  const { config, latest } = deps

  /**
   * The asset and view to show. Without credentials under `public_view: none`, throws the 401 the
   * error handler answers with the login page. A private view asked for by a visitor who may not
   * see amounts shows the public default instead, with a notice: a shared link never pops a prompt.
   */
  async function resolveQuery(c: Context): Promise<{ query: DashboardQuery; viewer: Viewer; notice: string | null }> {
    const viewer = await policy.viewer(c)
    const asset = chooseAsset(config, c.req.query('asset'))
    if (deps.authEnabled && !viewer.authenticated && config.runtime.auth.public_view === 'none') throw loginRequired(asset, false)
    const requested = parseView(c.req.query('view'))
    const view = effectiveView(requested, viewer.seesAmounts)
    const notice = requested !== null && requested !== view ? `The ${VIEWS[requested].label} chart shows amounts: log in to see it.` : null
    return { query: { asset, view }, viewer, notice }
  }

  async function model(c: Context, query: DashboardQuery, viewer: Viewer) {
    const canWrite = await policy.mayWrite(c)
    return pageModel(
      config,
      latest.current,
      query,
      { ...viewer, authEnabled: deps.authEnabled, canWrite },
      deps.sync.unavailableReason,
      Date.now(),
      deps.reportedYield,
    )
  }

  const html = (c: Context, body: unknown, status: 200 | 401 = 200) =>
    c.html(`<!doctype html>${String(body)}`, status, { 'Cache-Control': 'no-store' })

  app.get('/', (c) => c.redirect('/dashboard', 303))

  app.get('/dashboard', async (c) => {
    const resolved = await resolveQuery(c)
    return html(c, <DashboardPage model={await model(c, resolved.query, resolved.viewer)} notice={resolved.notice} />)
  })

  app.get('/dashboard/fragment', async (c) => {
    const resolved = await resolveQuery(c)
    const since = Number(c.req.query('since') ?? '-1')
    if (latest.current === null || latest.current.sequence === since) return c.body(null, 204, { 'Cache-Control': 'no-store' })
    const fragment = <Content model={await model(c, resolved.query, resolved.viewer)} />
    return c.html(String(fragment), 200, { 'Cache-Control': 'no-store' })
  })

  registerHistoryPanel(app, config, deps.history, policy, deps.authEnabled)
  // before the chart route, which would take replay.png for a chart of the evaluation
  registerReplayRoutes(app, { config, latest, replays: deps.replays, authEnabled: deps.authEnabled }, policy)

  app.get('/dashboard/charts/:asset/:chart{[a-z_]+\\.png}', async (c) => {
    const chart = c.req.param('chart').slice(0, -'.png'.length)
    const view: ViewName | null = chart === 'prices' ? null : parseView(chart)
    if ((chart !== 'prices' && view === null) || view === 'replay') return c.text(`unknown chart ${chart}`, 404)
    const viewer = await policy.viewer(c)
    const hidden = (view !== null && VIEWS[view].private) || config.runtime.auth.public_view === 'none'
    // no challenge: an <img> must not pop a browser prompt
    if (hidden && !viewer.seesAmounts) throw new AppError('unauthorized', 'log in to see this chart', { details: { challenge: false } })
    const asset = c.req.param('asset')
    const snapshot = latest.current
    const entry = snapshot?.result.assets.find((candidate) => candidate.asset === asset)
    if (!config.domain.assets.includes(asset)) return c.text(`unknown asset ${asset}`, 404)
    if (!snapshot || !entry) return c.text('no evaluation yet', 503, { 'Retry-After': '5', 'Cache-Control': 'no-store' })
    const name: ChartName = view ?? 'prices'
    const variant = parseVariant(c.req.query('theme'), c.req.query('size'))
    const etag = deps.charts.etag(snapshot, asset, name, variant)
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, cacheHeaders)
    const rendered = await deps.charts.get(snapshot, entry, name, variant)
    return c.body(rendered.png as Uint8Array<ArrayBuffer>, 200, { ...cacheHeaders, 'Content-Type': 'image/png' })
  })

  // The only route that asks the browser for credentials; cancelling its prompt shows a page, not JSON.
  app.get('/dashboard/login', async (c) => {
    const asset = chooseAsset(config, c.req.query('asset'))
    if (deps.authEnabled && !(await policy.viewer(c)).authenticated) throw loginRequired(asset, true)
    return c.redirect(dashboardHref({ asset, view: 'gain' }), 303)
  })

  // Basic auth has no logout: dashboard.js sends wrong credentials here so the browser forgets the
  // right ones (a 401 without a challenge), then shows this page.
  app.get('/dashboard/logout', (c) => html(c, <LoginRequiredPage asset={config.domain.assets[0]!} loggedOut />, 401))

  app.post('/dashboard/evaluate', async (c) => {
    await policy.require(c, 'write')
    refuseCrossSite(c)
    const outcome = deps.evaluateNow()
    const text = outcome === 'started' ? 'Evaluation started: the page updates when it is done.' : 'An evaluation is already running.'
    if (c.req.header('hx-request')) return c.text(text, 202, { 'Cache-Control': 'no-store' })
    return c.redirect('/dashboard', 303)
  })

  // The button starts a job and the panel follows it (GET /dashboard/sync/:job_id, polled by HTMX);
  // without JavaScript the answer is the same fragment with a link to refresh.
  app.post('/dashboard/sync', async (c) => {
    await policy.require(c, 'write')
    refuseCrossSite(c)
    let job: SyncJobView | null = null
    let error: string | null = null
    try {
      const form = await c.req.parseBody()
      const field = (name: string) => {
        const value = form[name]
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
      }
      job = deps.sync.start({ start: field('start_date'), end: field('end_date') })
    } catch (cause) {
      // What the operator can act on is shown in the panel; anything else is a server error.
      if (!(cause instanceof AppError) || !SHOWN_SYNC_ERRORS.has(cause.code)) throw cause
      error = describeError(cause)
    }
    return syncFragment(c, job, error)
  })

  app.get('/dashboard/sync/:job_id', async (c) => {
    await policy.require(c, 'write')
    const job = deps.sync.job(c.req.param('job_id'))
    return syncFragment(c, job, job === null ? 'this sync job is no longer known (the service restarted?)' : null)
  })

  function syncFragment(c: Context, job: SyncJobView | null, error: string | null) {
    const result = <SyncJobResult job={job} error={error} />
    if (c.req.header('hx-request')) return c.html(String(result), 200, { 'Cache-Control': 'no-store' })
    return html(
      c,
      <Layout title="Transaction sync">
        <main>
          {result}
          <p>
            <a href="/dashboard">Back to the dashboard</a>
          </p>
        </main>
      </Layout>,
    )
  }

  app.get('/static/htmx.min.js', (c) =>
    c.body(htmx.stream(), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }),
  )
  app.get('/static/favicon.svg', (c) => c.body(favicon, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }))
  // Browsers ask for it whatever the page says; answer instead of logging a 404.
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301))
  app.get('/static/dashboard.js', (c) =>
    c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  )
  app.get('/static/dashboard.css', (c) =>
    c.body(stylesheet, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  )
}
