/** @jsxImportSource hono/jsx */
/**
 * Dashboard routes: the page, the polled fragment, chart PNGs, login, the sync button and the
 * static files (HTMX and the stylesheet, served from the binary — no CDN). Everything reads the
 * latest snapshot; chart PNGs come from the per-evaluation cache.
 */
import type { Context, Hono } from 'hono'
import htmxPath from '../../../node_modules/htmx.org/dist/htmx.min.js' with { type: 'file' }
import stylesheet from '../../../templates/dashboard.css' with { type: 'text' }
import favicon from '../../../templates/favicon.svg' with { type: 'text' }
import { DashboardPage, Content, Layout, SyncJobResult } from '../../../templates/dashboard.tsx'
import type { Config } from '../../config/resolve.ts'
import { AppError, describeError, type ErrorCode } from '../../errors.ts'
import type { LatestEvaluation } from '../../evaluation/latest.ts'
import type { TransactionSync } from '../../sync/service.ts'
import type { SyncJobView } from '../../sync/jobs.ts'
import { type AccessPolicy, AUTHENTICATION_REQUIRED } from '../access.ts'
import { refuseCrossSite } from '../http.ts'
import type { ChartCache, ChartName } from '../../views/chart-cache.ts'
import { dashboardHref, pageModel, type DashboardQuery, type ReportedYieldLookup } from './model.ts'
import { effectiveView, parseView, VIEWS, type ViewName } from '../../views/definitions.ts'
import type { RecentHistory } from '../../history/recent.ts'
import { registerHistoryPanel } from './history-panel.tsx'

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

export function registerDashboard(app: Hono, deps: DashboardDeps, policy: AccessPolicy): void {
  const { config, latest } = deps

  /** A private view needs credentials when auth is enabled. */
  async function requireViewer(c: Context, view: ViewName | null) {
    const viewer = await policy.viewer(c)
    if (view !== null && VIEWS[view].private && deps.authEnabled && !viewer.authenticated) throw new AppError('unauthorized', AUTHENTICATION_REQUIRED)
    return viewer
  }

  /** The asset and view to show (throws the 401 of a private view without credentials). */
  async function resolveQuery(c: Context): Promise<{ query: DashboardQuery; authenticated: boolean }> {
    const requested = parseView(c.req.query('view'))
    const viewer = await requireViewer(c, requested)
    const view = effectiveView(requested, viewer.authenticated || !deps.authEnabled)
    return { query: { asset: chooseAsset(config, c.req.query('asset')), view }, authenticated: viewer.authenticated }
  }

  async function model(c: Context, query: DashboardQuery, authenticated: boolean) {
    const canWrite = await policy.mayWrite(c)
    const viewer = { authenticated, authEnabled: deps.authEnabled, canWrite }
    return pageModel(config, latest.current, query, viewer, deps.sync.unavailableReason, deps.reportedYield)
  }

  const html = (c: Context, body: unknown, status: 200 | 401 = 200) =>
    c.html(`<!doctype html>${String(body)}`, status, { 'Cache-Control': 'no-store' })

  app.get('/', (c) => c.redirect('/dashboard', 303))

  app.get('/dashboard', async (c) => {
    const resolved = await resolveQuery(c)
    return html(c, <DashboardPage model={await model(c, resolved.query, resolved.authenticated)} />)
  })

  app.get('/dashboard/fragment', async (c) => {
    const resolved = await resolveQuery(c)
    const since = Number(c.req.query('since') ?? '-1')
    if (latest.current === null || latest.current.sequence === since) return c.body(null, 204, { 'Cache-Control': 'no-store' })
    const fragment = <Content model={await model(c, resolved.query, resolved.authenticated)} />
    return c.html(String(fragment), 200, { 'Cache-Control': 'no-store' })
  })

  registerHistoryPanel(app, config, deps.history, policy, deps.authEnabled)

  app.get('/dashboard/charts/:asset/:chart{[a-z_]+\\.png}', async (c) => {
    const chart = c.req.param('chart').slice(0, -'.png'.length)
    const view: ViewName | null = chart === 'prices' ? null : parseView(chart)
    if (chart !== 'prices' && view === null) return c.text(`unknown chart ${chart}`, 404)
    await requireViewer(c, view)
    const asset = c.req.param('asset')
    const snapshot = latest.current
    const entry = snapshot?.result.assets.find((candidate) => candidate.asset === asset)
    if (!config.domain.assets.includes(asset)) return c.text(`unknown asset ${asset}`, 404)
    if (!snapshot || !entry) return c.text('no evaluation yet', 503, { 'Retry-After': '5', 'Cache-Control': 'no-store' })
    const name: ChartName = view ?? 'prices'
    const etag = deps.charts.etag(snapshot, asset, name)
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, cacheHeaders)
    const rendered = await deps.charts.get(snapshot, entry, name)
    return c.body(rendered.png as Uint8Array<ArrayBuffer>, 200, { ...cacheHeaders, 'Content-Type': 'image/png' })
  })

  app.get('/dashboard/login', async (c) => {
    const asset = chooseAsset(config, c.req.query('asset'))
    if (deps.authEnabled && !(await policy.viewer(c)).authenticated) throw new AppError('unauthorized', AUTHENTICATION_REQUIRED)
    return c.redirect(dashboardHref({ asset, view: 'position' }), 303)
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
  app.get('/static/dashboard.css', (c) =>
    c.body(stylesheet, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  )
}
