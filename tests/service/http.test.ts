/**
 * HTTP hygiene of every route, in-process through `app.request` (STYLE.md): security headers on
 * every response, `no-store` on every JSON answer, JSON 404s under /api/, 405 with Allow, HEAD on
 * the metrics path, body limits, null for non-finite numbers, and a `/api/decisions` body built
 * once per evaluation whose data age still follows the clock.
 */
import { postSync } from '../support/service/sync-job.ts'
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Hono } from 'hono'
import { LatestEvaluation } from '../../src/evaluation/latest.ts'
import { createWebApp } from '../../src/web/app.ts'
import { MAX_BODY_BYTES } from '../../src/web/http.ts'
import type { FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { withConfig, type ConfigTree } from '../support/service/config.ts'
import { startEvaluatedMarket, type EvaluatedMarket, type ServiceHarness } from '../support/service/services.ts'

const SHA256_OF_SECRET = `sha256:${new Bun.CryptoHasher('sha256').update('secret').digest('hex')}`
const OVERSIZED = JSON.stringify({ start_date: '2025-07-01', padding: 'x'.repeat(MAX_BODY_BYTES) })

interface Exchange {
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly headers?: Record<string, string>
  /** the status this exchange must answer */
  readonly status: number
}

/** One request per kind of answer the app gives: JSON, HTML, text, exposition, redirect, errors. */
const EXCHANGES: Exchange[] = [
  { method: 'GET', path: '/healthz', status: 200 },
  { method: 'GET', path: '/readyz', status: 200 },
  { method: 'GET', path: '/metrics', status: 200 },
  { method: 'HEAD', path: '/metrics', status: 200 },
  { method: 'GET', path: '/api/assets', status: 200 },
  { method: 'GET', path: '/api/decisions', status: 200 },
  { method: 'GET', path: '/api/config/normalized', status: 200 },
  { method: 'GET', path: '/api/does-not-exist', status: 404 },
  { method: 'DELETE', path: '/api/decisions', status: 405 },
  { method: 'GET', path: '/api/sync/transactions', status: 405 },
  { method: 'POST', path: '/api/sync/transactions', body: OVERSIZED, headers: { 'Content-Type': 'application/json' }, status: 413 },
  { method: 'POST', path: '/api/sync-transactions', body: '{"start_date":', headers: { 'Content-Type': 'application/json' }, status: 400 },
  { method: 'GET', path: '/dashboard', status: 200 },
  { method: 'GET', path: '/static/htmx.min.js', status: 200 },
  { method: 'GET', path: '/', status: 303 },
  { method: 'GET', path: '/no/such/page', status: 404 },
]

function send(app: Hono, exchange: Omit<Exchange, 'status'>): Promise<Response> {
  return Promise.resolve(app.request(exchange.path, { method: exchange.method, body: exchange.body, headers: exchange.headers }))
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  )
}

function expectSecurityHeaders(response: Response, label: string): void {
  const csp = directives(response.headers.get('content-security-policy') ?? '')
  const scripts = csp.get('script-src') ?? csp.get('default-src')
  expect(scripts, label).toEqual(["'self'"])
  expect(csp.get('default-src'), label).toEqual(["'self'"])
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"])
  expect(csp.get('object-src'), label).toEqual(["'none'"])
  expect(response.headers.get('x-content-type-options'), label).toBe('nosniff')
  expect(response.headers.get('x-frame-options'), label).toBe('DENY')
  expect(response.headers.get('referrer-policy'), label).toBe('no-referrer')
}

describe('HTTP hygiene', () => {
  let market: EvaluatedMarket
  let liqwid: FakeLiqwid
  let harness: ServiceHarness
  let tree: ConfigTree

  beforeAll(async () => {
    market = await startEvaluatedMarket()
    ;({ tree, harness, liqwid } = market)
  }, SETUP_TIMEOUT_MS)

  afterAll(() => market?.close(), SETUP_TIMEOUT_MS)

  it('answers each route with the status it promises', async () => {
    const statuses = await Promise.all(
      EXCHANGES.map(async (exchange) => [exchange.method, exchange.path, (await send(harness.app, exchange)).status]),
    )
    expect(statuses).toEqual(EXCHANGES.map((exchange) => [exchange.method, exchange.path, exchange.status]))
  })

  it('puts the security headers on every response, errors included', async () => {
    for (const exchange of EXCHANGES) expectSecurityHeaders(await send(harness.app, exchange), `${exchange.method} ${exchange.path}`)
    const protectedApp = appWithConfig(
      harness,
      withConfig(tree, { runtime: { auth: { enabled: true, username: 'ops', password_hash: SHA256_OF_SECRET } } }),
    )
    expectSecurityHeaders(await protectedApp.request('/api/config/normalized'), '401')
  })

  it('marks every JSON answer no-store, errors included', async () => {
    let json = 0
    for (const exchange of EXCHANGES) {
      const response = await send(harness.app, exchange)
      if (!response.headers.get('content-type')?.startsWith('application/json')) continue
      json++
      expect(response.headers.get('cache-control'), `${exchange.method} ${exchange.path}`).toBe('no-store')
      await response.json() // parses
    }
    expect(json).toBeGreaterThanOrEqual(9)
  })

  it('serves a dashboard page that needs no inline script (the CSP would block it)', async () => {
    const html = await (await harness.app.request('/dashboard')).text()
    expect(html).toContain('<script src="/static/htmx.min.js"')
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i)
    expect(html).not.toMatch(/\son[a-z]+\s*=/i)
    expect(html).not.toMatch(/\shx-on/i)
  })

  it('answers an unknown /api/ path with a JSON 404, any method', async () => {
    for (const method of ['GET', 'POST', 'PUT']) {
      const response = await harness.app.request('/api/nope', { method })
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ error: `no such endpoint: ${method} /api/nope` })
    }
    const page = await harness.app.request('/nope')
    expect([page.status, page.headers.get('content-type')?.split(';')[0]]).toEqual([404, 'text/plain'])
  })

  it('answers a wrong method with 405 and the allowed ones', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/api/decisions', 'GET'],
      ['POST', '/metrics', 'GET'],
      ['GET', '/api/sync/transactions', 'POST'],
      ['PUT', '/api/sync-transactions', 'POST'],
    ]
    for (const [method, path, allowed] of cases) {
      const response = await harness.app.request(path, { method })
      expect(response.status, `${method} ${path}`).toBe(405)
      const allow = (response.headers.get('allow') ?? '').split(/,\s*/)
      expect(allow).toContain(allowed)
      expect(allow).not.toContain(method)
      expect(((await response.json()) as { error: string }).error).toContain(`method ${method} not allowed`)
    }
  })

  it('answers HEAD on the metrics path like GET, without a body', async () => {
    const get = await harness.app.request('/metrics')
    const head = await harness.app.request('/metrics', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
    expect(head.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
    expect(await head.text()).toBe('')
    expect(await get.text()).toContain('wo_decision{')
  })

  it('serves metrics on the configured path only', async () => {
    const app = appWithConfig(harness, withConfig(tree, { runtime: { telemetry: { path: '/internal/prom' } } }))
    expect((await app.request('/internal/prom')).status).toBe(200)
    expect((await app.request('/internal/prom', { method: 'HEAD' })).status).toBe(200)
    expect((await app.request('/metrics')).status).toBe(404)
  })

  it('refuses a body over the limit with 413 before any work, on every POST route', async () => {
    const routes = ['/api/sync/transactions', '/api/sync-transactions', '/dashboard/sync']
    const before = liqwid.requestsFor('transactions').length
    for (const path of routes) {
      const response = await harness.app.request(path, { method: 'POST', body: OVERSIZED, headers: { 'Content-Type': 'application/json' } })
      expect(response.status, path).toBe(413)
      expect(await response.json()).toEqual({ success: false, error: `request body larger than ${MAX_BODY_BYTES} bytes` })
    }
    expect(liqwid.requestsFor('transactions').length).toBe(before)
    const justUnder = JSON.stringify({ start_date: '2025-07-01', end_date: null }).padEnd(MAX_BODY_BYTES, ' ')
    const accepted = await postSync(harness.app, '/api/sync/transactions', { body: justUnder, headers: { 'Content-Type': 'application/json' } })
    expect(accepted.status).toBe(202)
  })

  it('rejects a malformed sync request with 400 and says why', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['{"start_date":', { 'Content-Type': 'application/json' }, 'body is not valid JSON'],
      ['start_date=2025-07-01', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'send the date range as JSON'],
      ['{"from": "2025-07-01"}', { 'Content-Type': 'application/json' }, 'unknown field(s): from'],
      ['[1]', { 'Content-Type': 'application/json' }, 'body must be a JSON object'],
    ]
    for (const [body, headers, message] of cases) {
      const response = await harness.app.request('/api/sync/transactions', { method: 'POST', body, headers })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: string }).error).toContain(message)
    }
  })

  it('writes non-finite numbers as null in JSON', async () => {
    const real = harness.services.latest.current!.result
    const broken = real.assets.map((entry) => ({
      ...entry,
      decision: {
        ...entry.decision,
        wmaxUsd: Number.POSITIVE_INFINITY,
        t0: Number.NaN,
        wallets: entry.decision.wallets.map((wallet) => ({ ...wallet, vT1Usd: Number.NEGATIVE_INFINITY })),
        priceCompare: entry.decision.priceCompare && { ...entry.decision.priceCompare, deltaRel: Number.NaN },
      },
    }))
    const latest = new LatestEvaluation()
    latest.publish({ ...real, assets: broken })
    const app = createWebApp({ ...harness.services.web, latest })
    const response = await app.request('/api/decisions')
    const text = await response.text()
    expect(text).not.toMatch(/NaN|Infinity/)
    const djed = (JSON.parse(text) as Record<string, Record<string, unknown>>).djed!
    expect([djed.wmax_usd, djed.t0_ts]).toEqual([null, null])
    expect((djed.wallet_breakdown as { v_t1_usd: unknown }[]).map((wallet) => wallet.v_t1_usd)).toEqual([null, null])
  })

  it('builds /api/decisions once per evaluation: the data age follows the clock, a new evaluation replaces the rest', async () => {
    const real = harness.services.latest.current!.result
    const latest = new LatestEvaluation()
    latest.publish(real)
    const app = createWebApp({ ...harness.services.web, latest })
    const read = async () => (await (await app.request('/api/decisions')).json()) as Record<string, Record<string, unknown>>
    const first = await read()
    await Bun.sleep(20)
    const second = await read()
    expect(Number(second.djed!.data_age_seconds)).toBeGreaterThan(Number(first.djed!.data_age_seconds))
    const { data_age_seconds: _firstAge, ...firstRest } = first.djed!
    const { data_age_seconds: _secondAge, ...secondRest } = second.djed!
    expect(secondRest).toEqual(firstRest)
    // the next evaluation decides otherwise: the answer says so at once
    latest.publish({
      ...real,
      assets: real.assets.map((entry) => ({
        ...entry,
        decision: { ...entry.decision, decision: 0, reason: 'residual gate triggered: r=9 > k·σ=3' },
      })),
    })
    const third = await read()
    expect([third.djed!.decision, third.djed!.reason_code]).toEqual([0, 'unusual_move'])
  })
})
