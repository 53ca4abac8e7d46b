/**
 * The Hono application: health, metrics, the JSON API, the transaction sync and the dashboard.
 * Every route reads the latest evaluation snapshot; none queries the database. Who may do what is
 * access.ts; every refusal and failure is an AppError thrown to the one handler of http.ts.
 * Before any route: a Host the server does not answer to gets 421 and a state-changing request
 * from another origin 403 (host-check.ts).
 */
import { type Context, Hono } from 'hono'
import type { Config } from '../config/resolve.ts'
import { AppError, isAppError } from '../errors.ts'
import type { LatestEvaluation } from '../evaluation/latest.ts'
import type { TransactionSync, SyncWindowRequest } from '../sync/service.ts'
import { VERSION } from '../version.ts'
import { accessPolicy } from './access.ts'
import type { Authenticator } from './auth.ts'
import { dashboardErrorPage, registerDashboard, type DashboardDeps } from './dashboard/routes.tsx'
import type { DecisionHistory } from '../history/store.ts'
import { historyJson } from './history-api.ts'
import { DecisionsBodies } from './decisions-body.ts'
import {
  accessLog,
  installErrorHandling,
  jsonNoStore,
  jsonTextNoStore,
  limitBody,
  refuseCrossSite,
  rejectWrongMethod,
  securityHeaders,
} from './http.ts'
import type { Metrics } from './metrics.ts'
import { assetsJson } from './present.ts'
import { hostCheck, sameOriginWrites } from './host-check.ts'

export interface WebDeps {
  readonly config: Config
  readonly normalizedConfigJson: string
  readonly latest: LatestEvaluation
  readonly metrics: Metrics
  readonly auth: Authenticator
  readonly sync: TransactionSync
  readonly dashboard: DashboardDeps
  /** the decision history (`/api/history`); null when history.enabled is false */
  readonly history: DecisionHistory | null
  readonly startedAt: number
}

async function readSyncRequest(c: Context): Promise<SyncWindowRequest> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  const type = c.req.header('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/json'))
    throw new AppError('bad_request', 'send the date range as JSON (Content-Type: application/json)')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new AppError('bad_request', `body is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('bad_request', 'body must be a JSON object like {"start_date": "2025-07-01", "end_date": null}')
  const { start_date, end_date, ...rest } = body as Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length > 0) throw new AppError('bad_request', `unknown field(s): ${unknown.join(', ')}; expected start_date, end_date`)
  for (const [name, value] of [
    ['start_date', start_date],
    ['end_date', end_date],
  ] as const)
    if (value !== undefined && value !== null && typeof value !== 'string')
      throw new AppError('bad_request', `${name} must be an ISO date string or null`)
  return { start: (start_date as string | null | undefined) ?? null, end: (end_date as string | null | undefined) ?? null }
}

export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono()
  const policy = accessPolicy(deps.config, deps.auth)
  const metricsPath = deps.config.runtime.telemetry.path

  app.use('*', accessLog())
  app.use('*', securityHeaders())
  app.use('*', hostCheck(deps.config))
  app.use('*', rejectWrongMethod(app))
  app.use('*', sameOriginWrites())
  // Every route: the dashboard's sync form posts too, and parsing it has no limit of its own.
  app.use('*', limitBody())

  app.get('/healthz', (c) => jsonNoStore(c, { status: 'ok', version: VERSION, uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000) }))
  app.get('/readyz', (c) => {
    const current = deps.latest.current
    if (current === null) return jsonNoStore(c, { status: 'starting', reason: 'waiting for the first evaluation' }, 503)
    return jsonNoStore(c, {
      status: 'ready',
      last_evaluation: new Date(current.result.at).toISOString(),
      evaluations: current.sequence,
      assets_in_error: current.result.assets.filter((entry) => entry.decision.decision === -1).map((entry) => entry.asset),
    })
  })

  app.get(metricsPath, (c) => c.body(deps.metrics.text(), 200, { 'Content-Type': deps.metrics.contentType, 'Cache-Control': 'no-store' }))

  app.get('/api/assets', (c) => jsonNoStore(c, assetsJson(deps.config.domain.assets, c.req.query('asset'))))
  app.get('/api/history', async (c) => jsonNoStore(c, await historyJson(c, deps.config, deps.history, await policy.viewer(c), Date.now())))
  const decisions = new DecisionsBodies(deps.config, deps.latest)
  app.get('/api/decisions', async (c) => jsonTextNoStore(c, await decisions.text(await policy.viewer(c), Date.now())))
  app.get('/api/config/normalized', async (c) => {
    await policy.require(c, 'read')
    return c.body(deps.normalizedConfigJson, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  })

  const statusUrl = (id: string) => `/api/sync/transactions/${encodeURIComponent(id)}`
  const startSync = async (c: Context) => {
    await policy.require(c, 'write')
    refuseCrossSite(c)
    if (deps.sync.unavailableReason) throw new AppError('unavailable', deps.sync.unavailableReason)
    const request = await readSyncRequest(c)
    try {
      const job = deps.sync.start(request)
      c.header('Location', statusUrl(job.job_id))
      return jsonNoStore(c, { job_id: job.job_id, status_url: statusUrl(job.job_id) }, 202)
    } catch (error) {
      // a 409 that also says where the running job is followed (beyond the generic error body)
      const running = isAppError(error, 'conflict') ? error.details.job_id : undefined
      if (typeof running !== 'string') throw error
      return jsonNoStore(c, { success: false, error: (error as AppError).message, job_id: running, status_url: statusUrl(running) }, 409)
    }
  }
  // The seed's documented path and the predecessor's actual one.
  app.post('/api/sync/transactions', startSync)
  app.post('/api/sync-transactions', startSync)
  app.get('/api/sync/transactions/:job_id', async (c) => {
    await policy.require(c, 'write')
    const job = deps.sync.job(c.req.param('job_id'))
    if (job === null) return jsonNoStore(c, { success: false, error: `no sync job ${c.req.param('job_id')} (the last 20 are kept)` }, 404)
    return jsonNoStore(c, job)
  })

  registerDashboard(app, deps.dashboard, policy)
  installErrorHandling(app, { page: dashboardErrorPage })
  return app
}
