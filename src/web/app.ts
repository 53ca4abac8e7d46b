/**
 * The Hono application: health, metrics, the JSON API, the transaction sync and the dashboard.
 * Every route reads the latest evaluation snapshot; none queries the database. Access rules:
 *
 * - auth enabled: protected routes need valid Basic credentials (401 otherwise);
 * - auth disabled on a loopback address: the local operator is trusted;
 * - auth disabled on any other address: nobody sees per-wallet details and state-changing
 *   routes answer 403 saying how to enable auth.
 */
import { Hono, type Context } from 'hono'
import type { Config } from '../config/resolve.ts'
import { AppError } from '../errors.ts'
import type { LatestEvaluation } from '../state.ts'
import type { TransactionSync, SyncWindowRequest } from '../sync/service.ts'
import { VERSION } from '../version.ts'
import type { Authenticator } from './auth.ts'
import { registerDashboard, type DashboardDeps } from './dashboard/routes.tsx'
import { accessLog, crossSite, installErrorHandling, jsonNoStore, limitBody, rejectWrongMethod, securityHeaders, unauthorized } from './http.ts'
import type { DecisionHistory } from '../history/store.ts'
import { historyJson } from './history-api.ts'
import type { Metrics } from './metrics.ts'
import { assetsJson, decisionsJson, type Viewer } from './present.ts'

export interface WebDeps {
  readonly config: Config
  readonly normalizedConfigJson: string
  readonly latest: LatestEvaluation
  readonly metrics: Metrics
  readonly auth: Authenticator
  readonly sync: TransactionSync
  /** diagnostic PNG written for each asset by the last evaluation (diagnostics enabled) */
  readonly plotPaths: ReadonlyMap<string, string>
  readonly dashboard: DashboardDeps
  /** the decision history (`/api/history`); null when history.enabled is false */
  readonly history: DecisionHistory | null
  readonly startedAt: number
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i

export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.test(address.trim())
}

export type AccessPolicy = ReturnType<typeof accessPolicy>

/** A request relayed by a proxy: its real client is not the local operator. */
function forwarded(c: Context): boolean {
  return c.req.header('forwarded') !== undefined || c.req.header('x-forwarded-for') !== undefined
}

export function accessPolicy(config: Config, auth: Authenticator) {
  const listen = config.runtime.telemetry.listen_address
  const loopbackOnly = !auth.enabled && isLoopbackAddress(listen)
  const trusted = (c: Context) => loopbackOnly && !forwarded(c)
  return {
    async viewer(c: Context): Promise<Viewer> {
      if (!auth.enabled) return { authenticated: trusted(c), seesAmounts: true }
      const outcome = await auth.check(c.req.header('authorization'))
      return { authenticated: outcome.ok, seesAmounts: outcome.ok }
    },
    /** whether `guard(c, 'write')` would allow the request, without preparing a refusal */
    async mayWrite(c: Context): Promise<boolean> {
      if (auth.enabled) return (await auth.check(c.req.header('authorization'))).ok
      return trusted(c)
    },
    /** null when allowed, else the response to send */
    async guard(c: Context, kind: 'read' | 'write'): Promise<Response | null> {
      if (auth.enabled) return (await auth.check(c.req.header('authorization'))).ok ? null : unauthorized(c)
      if (kind === 'write' && !trusted(c))
        return jsonNoStore(
          c,
          {
            success: false,
            error: `authentication is disabled and the service listens on ${listen}: enable runtime.auth (username + password_hash) to use ${c.req.path}`,
          },
          403,
        )
      return null
    },
  }
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
  app.use('*', rejectWrongMethod(app))
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
  app.get('/api/decisions', async (c) =>
    jsonNoStore(c, decisionsJson(deps.config, deps.latest.current?.result ?? null, await policy.viewer(c), deps.plotPaths, Date.now())),
  )
  app.get('/api/config/normalized', async (c) => {
    const denied = await policy.guard(c, 'read')
    if (denied) return denied
    return c.body(deps.normalizedConfigJson, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  })

  const sync = async (c: Context) => {
    const denied = await policy.guard(c, 'write')
    if (denied) return denied
    if (crossSite(c)) return jsonNoStore(c, { success: false, error: 'cross-site request refused' }, 403)
    if (deps.sync.unavailableReason) return jsonNoStore(c, { success: false, error: deps.sync.unavailableReason }, 503)
    const report = await deps.sync.run(await readSyncRequest(c))
    return jsonNoStore(c, report)
  }
  // The seed's documented path and the predecessor's actual one.
  app.post('/api/sync/transactions', sync)
  app.post('/api/sync-transactions', sync)

  registerDashboard(app, deps.dashboard, policy)
  installErrorHandling(app)
  return app
}
