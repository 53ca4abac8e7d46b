/**
 * `GET /api/history` and the dashboard's history fragment on a service that evaluated the known
 * market twice: rows in order, amounts only for an authenticated caller, clear 400s for bad
 * parameters, and the status strip with its tooltips (a replayed row's tick hatched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Hono } from 'hono'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { HistoryPanel } from '../../src/web/dashboard/history-panel.tsx'
import { HISTORY_T, historyRecord } from '../support/history.ts'
import { baseConfig, loadTestConfig, withConfig } from '../support/service/config.ts'
import { basicAuth, type EvaluatedMarket, startEvaluatedMarket } from '../support/service/services.ts'

const USER = 'operator'
const PASSWORD = 'history pw'
const HASH = `sha256:${new Bun.CryptoHasher('sha256').update(PASSWORD).digest('hex')}`

interface HistoryAnswer {
  asset: string | null
  count: number
  amounts: boolean
  rows: {
    ts: string
    asset: string
    decision_label: string
    reason_code: string
    origin: string
    withdrawable_usd: number | null
    wmax_usd: number | null
    g_usd: number | null
  }[]
}

describe('/api/history', () => {
  let market: EvaluatedMarket
  let locked: Hono

  beforeAll(async () => {
    market = await startEvaluatedMarket()
    await market.harness.services.runEvaluation()
    locked = appWithConfig(market.harness, withConfig(market.tree, { runtime: { auth: { enabled: true, username: USER, password_hash: HASH } } }))
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await market?.close()
  }, SETUP_TIMEOUT_MS)

  const get = async (app: Hono, path: string, authorization?: string) => {
    const response = await app.request(path, { headers: authorization === undefined ? {} : { Authorization: authorization } })
    return { status: response.status, body: (await response.json()) as HistoryAnswer & { error?: string } }
  }

  it('returns the evaluations of the last 24 hours, oldest first, with amounts for the trusted local operator', async () => {
    const { status, body } = await get(market.harness.app, '/api/history?asset=djed')
    expect(status).toBe(200)
    expect(body.count).toBe(2)
    expect(body.amounts).toBe(true)
    expect(body.rows[0]!.ts < body.rows[1]!.ts).toBe(true)
    expect(body.rows[1]).toMatchObject({ asset: 'djed', decision_label: 'WITHDRAW_OK', reason_code: 'ok', origin: 'live' })
    expect(body.rows[1]!.withdrawable_usd).toBeGreaterThan(0)
    expect(body.rows[1]!.withdrawable_usd).toBe(body.rows[1]!.wmax_usd)
  })

  it('hides the amounts from a caller without credentials and shows them with', async () => {
    const anonymous = await get(locked, '/api/history?asset=djed')
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.amounts).toBe(false)
    expect(anonymous.body.rows.map((row) => [row.decision_label, row.withdrawable_usd, row.wmax_usd, row.g_usd])).toEqual([
      ['WITHDRAW_OK', null, null, null],
      ['WITHDRAW_OK', null, null, null],
    ])
    const signedIn = await get(locked, '/api/history?asset=djed', basicAuth(USER, PASSWORD))
    expect(signedIn.body.rows[0]!.withdrawable_usd).toBeGreaterThan(0)
  })

  it('filters by range and refuses bad parameters with a message', async () => {
    const future = await get(market.harness.app, '/api/history?from=2999-01-01T00:00:00Z&to=2999-01-02T00:00:00Z')
    expect([future.status, future.body.count]).toEqual([200, 0])
    for (const [query, message] of [
      ['asset=btc', "unknown asset 'btc' (configured: djed)"],
      ['from=yesterday', 'from must be an ISO-8601 date'],
      ['from=2026-02-02&to=2026-02-01', 'from must not be after to'],
      ['limit=0', 'limit must be an integer'],
    ] as const) {
      const answer = await get(market.harness.app, `/api/history?${query}`)
      expect(answer.status).toBe(400)
      expect(JSON.stringify(answer.body)).toContain(message)
    }
  })

  it('shows the status strip with one tick per evaluation and the last WITHDRAW_OK', async () => {
    const response = await market.harness.app.request('/dashboard/history?asset=djed')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect((html.match(/class="tick ok"/g) ?? []).length).toBe(2)
    expect(html).toMatch(/title="\d{4}-\d\d-\d\d \d\d:\d\d — WITHDRAW_OK"/)
    expect(html).toMatch(/last WITHDRAW_OK \d+ min ago/)
    expect(html).toContain('<svg')
    const page = await (await market.harness.app.request('/dashboard?asset=djed')).text()
    expect(page).toContain('hx-get="/dashboard/history?asset=djed"')
  })

  it('asks an anonymous viewer to log in for the amount chart when auth is on', async () => {
    const html = await (await locked.request('/dashboard/history?asset=djed')).text()
    expect(html).toContain('class="tick ok"')
    expect(html).not.toContain('<svg')
    expect(html).toContain('Log in to see the amounts over time.')
  })
})

describe('the status strip with replayed rows', () => {
  it('hatches the ticks a replay filled in, says so in their tooltip and explains the hatching once', () => {
    const { config } = loadTestConfig(baseConfig({}))
    const records = [
      historyRecord({ ts: HISTORY_T }),
      historyRecord({ ts: HISTORY_T + 3_600_000, decision: 0, reasonCode: 'no_gain', reasonText: 'non-positive gains since t0', origin: 'replay' }),
    ]
    const views = new Map(config.domain.assets.map((asset) => [asset, { records: asset === 'djed' ? records : [], lastWithdrawOk: HISTORY_T }]))
    const html = String(HistoryPanel({ config, views, selected: 'djed', showAmounts: false, now: HISTORY_T + 7_200_000 }))
    expect(html).toContain('class="tick ok"')
    expect(html).toMatch(/class="tick hold replayed" title="[^"]+ — HOLD \(replayed\) — non-positive gains since t0"/)
    expect(html).toContain('Hatched ticks were filled in by a replay')
    const liveOnly = new Map(config.domain.assets.map((asset) => [asset, { records: [records[0]!], lastWithdrawOk: null }]))
    const live = String(HistoryPanel({ config, views: liveOnly, selected: 'djed', showAmounts: false, now: HISTORY_T }))
    expect(live).not.toContain('Hatched')
  })
})

describe('relative ages', () => {
  it('reads minutes, then hours up to two days, then days', async () => {
    const { relativeAge } = await import('../../src/web/dashboard/history-panel.tsx')
    const now = Date.UTC(2026, 10, 27, 12)
    expect(relativeAge(now - 5 * 60_000, now)).toBe('5 min ago')
    expect(relativeAge(now - 3 * 3_600_000, now)).toBe('3 h ago')
    expect(relativeAge(now - 47 * 3_600_000, now)).toBe('47 h ago')
    expect(relativeAge(now - 72 * 3_600_000, now)).toBe('3 d ago')
  })
})
