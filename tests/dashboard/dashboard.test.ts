/**
 * The dashboard on a real embedded store, in-process (`app.request`): hostile text is escaped,
 * empty and error states say what is missing, private views need credentials when auth is on,
 * chart PNGs decode at their size and revalidate by ETag, and diagnostics land on disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfigTree } from '../../src/config/load.ts'
import { startServices, type Services } from '../../src/services.ts'
import { createWebApp } from '../../src/web/app.ts'
import { decodePng } from '../charts/png-decode.ts'
import { embeddedDir } from '../support/pg.ts'

const HOSTILE = '<script>alert(1)</script>'

interface Harness {
  services: Services
  app: ReturnType<typeof createWebApp>
  dir: string
  close(): Promise<void>
}

type Tree = Record<string, unknown>

function merge(base: Tree, extra: Tree): Tree {
  const out: Tree = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key]
    out[key] =
      typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null
        ? merge(current as Tree, value as Tree)
        : value
  }
  return out
}

async function harness(extra: Tree = {}, assets: string[] = ['djed', 'usdc']): Promise<Harness> {
  const dir = await embeddedDir()
  const tree = merge(
    {
      domain: { assets },
      data: { embedded: { dir, seed: 'demo' } },
      prices: { endpoints: { liqwid_graphql: null, minswap_aggregator: null } },
      analysis: { decision: { reference: { keyword: 'alert_driven' }, gate: { enabled: true, lookback_hours: 48 } } },
      runtime: { telemetry: { listen_address: '127.0.0.1' } },
      visualization: { diagnostics: { dir: join(dir, 'plots') } },
    },
    extra,
  )
  const services = await startServices(loadConfigTree(tree, {}, 'dashboard test'), { demo: true, testPrefix: false })
  return {
    services,
    app: createWebApp(services.web),
    dir,
    close: async () => {
      await services.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

describe('dashboard before the first evaluation and with hostile text', () => {
  let h: Harness
  beforeAll(async () => {
    // Asset names are [a-z0-9_-] (the schema); free text reaches the page through error reasons
    // (a database's or an API's message), so an asset in ERROR carries the hostile text.
    h = await harness({}, ['djed', 'nosuch'])
  }, 60_000)
  afterAll(() => h.close())

  it('says it is waiting for the first evaluation', async () => {
    const response = await h.app.request('/dashboard')
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Waiting for the first evaluation')
    expect((await h.app.request('/dashboard/charts/djed/position.png')).status).toBe(503)
  })

  it('renders an error reason containing <script> as text', async () => {
    await h.services.runEvaluation()
    const result = h.services.latest.current!.result
    const assets = result.assets.map((entry) =>
      entry.asset === 'nosuch' ? { ...entry, decision: { ...entry.decision, reason: `upstream said ${HOSTILE}`, error: HOSTILE } } : entry,
    )
    h.services.latest.publish({ ...result, assets })
    const html = await (await h.app.request('/dashboard?asset=nosuch')).text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('data-decision="ERROR"')
    // the only scripts are files served by the binary
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/static/htmx.min.js" defer="">', '<script src="/static/dashboard.js" defer="">'])
    // ERROR: one compact message instead of charts, and the action says what failed
    expect(html).toContain('id="chart-unavailable"')
    expect(html).not.toContain('id="diagnostic-chart"')
    expect(html).toMatch(/<p class="action" id="action">Error — The data for /)
  })

  it('falls back to the first asset for an unknown one instead of echoing it', async () => {
    const html = await (await h.app.request('/dashboard?asset=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E')).text()
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('id="decision-badge"')
  })
})

describe('dashboard charts and diagnostics', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness({ visualization: { diagnostics: { enabled: true } } })
    await h.services.runEvaluation()
  }, 60_000)
  afterAll(() => h.close())

  it('serves chart PNGs that decode at their size and revalidate by ETag', async () => {
    const response = await h.app.request('/dashboard/charts/usdc/position.png')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    const png = decodePng(new Uint8Array(await response.arrayBuffer()))
    expect([png.width, png.height]).toEqual([1200, 600])
    const etag = response.headers.get('etag')!
    const again = await h.app.request('/dashboard/charts/usdc/position.png', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    const prices = decodePng(new Uint8Array(await (await h.app.request('/dashboard/charts/usdc/prices.png')).arrayBuffer()))
    expect(prices.width).toBeGreaterThan(0)
  })

  it('answers 404 for an unknown asset or chart', async () => {
    expect((await h.app.request('/dashboard/charts/btc/position.png')).status).toBe(404)
    expect((await h.app.request('/dashboard/charts/usdc/volume.png')).status).toBe(404)
  })

  it('answers 204 to a fragment poll when nothing new was evaluated, and the fragment otherwise', async () => {
    const sequence = h.services.latest.current!.sequence
    expect((await h.app.request(`/dashboard/fragment?asset=djed&since=${sequence}`)).status).toBe(204)
    const fragment = await h.app.request(`/dashboard/fragment?asset=djed&since=${sequence - 1}`)
    expect(fragment.status).toBe(200)
    const html = await fragment.text()
    expect(html.startsWith('<main id="content"')).toBe(true)
    expect(html).toContain(`data-sequence="${sequence}"`)
  })

  it('writes one composite PNG per asset per evaluation into the diagnostics directory', () => {
    const files = readdirSync(join(h.dir, 'plots'))
    expect(files.sort()).toEqual(
      files.filter((name) => /^(djed|usdc)_keyword_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z_residual_composite\.png$/.test(name)).sort(),
    )
    expect(files.length).toBe(2)
    for (const path of h.services.latest.current!.plotPaths.values()) expect(existsSync(path)).toBe(true)
  })
})

describe('dashboard with authentication on', () => {
  let h: Harness
  const hash = `sha256:${createHash('sha256').update('s3cret').digest('hex')}`
  const credentials = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`
  beforeAll(async () => {
    h = await harness({ runtime: { auth: { enabled: true, username: 'ops', password_hash: hash } } })
    await h.services.runEvaluation()
  }, 60_000)
  afterAll(() => h.close())

  it('shows decisions and reasons but no amount and no address to a visitor (public_view: summary)', async () => {
    const html = await (await h.app.request('/dashboard?asset=djed')).text()
    expect(html).toContain('/djed/rate.png')
    expect(html).toContain('🔒')
    expect(html).toContain('id="action">Withdrawing is fine now')
    expect(html).not.toMatch(/\d\.\d\d USD/)
    const wallet = h.services.latest.current!.result.assets[0]!.decision.wallets[0]!.wallet
    expect(html).not.toContain(wallet)
    expect(html).toContain(`${wallet.slice(0, 11)}...${wallet.slice(-6)}`)
    expect(html).toContain('Log in')
  })

  it('shows a shared private link as the public view with a notice, refuses its chart, and asks for credentials only on login', async () => {
    const shared = await h.app.request('/dashboard?asset=djed&view=position')
    expect(shared.status).toBe(200)
    expect(shared.headers.get('www-authenticate')).toBeNull()
    expect(await shared.text()).toContain('chart shows amounts: log in to see it')
    const chart = await h.app.request('/dashboard/charts/djed/raw.png')
    expect(chart.status).toBe(401)
    expect(chart.headers.get('www-authenticate')).toBeNull()
    const login = await h.app.request('/dashboard/login')
    expect(login.status).toBe(401)
    expect(login.headers.get('www-authenticate')).toBe('Basic realm="Alert Orchestrator", charset="UTF-8"')
    expect(login.headers.get('content-type')).toContain('text/html')
    expect(await login.text()).toContain('id="login-required"')
  })

  it('logs out: a 401 page without a challenge', async () => {
    const response = await h.app.request('/dashboard/logout', { headers: { Authorization: 'Basic bG9nZ2VkLW91dDpsb2dnZWQtb3V0' } })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBeNull()
    expect(await response.text()).toContain('You are logged out')
  })

  it('shows full addresses, values and the sync button to an authenticated user', async () => {
    const html = await (await h.app.request('/dashboard?asset=djed&view=position', { headers: { Authorization: credentials } })).text()
    const wallet = h.services.latest.current!.result.assets[0]!.decision.wallets[0]!.wallet
    expect(html).toContain(wallet)
    expect(html).not.toContain('🔒')
    expect(html).toContain('the Liqwid GraphQL endpoint is not configured')
    expect((await h.app.request('/dashboard/charts/djed/raw.png', { headers: { Authorization: credentials } })).status).toBe(200)
    expect(html).toContain('id="logout"')
    expect(html).toContain('id="evaluate-now"')
  })

  it('shows the styled login page for everything under public_view: none', async () => {
    const closed = await harness({ runtime: { auth: { enabled: true, username: 'ops', password_hash: hash, public_view: 'none' } } })
    try {
      await closed.services.runEvaluation()
      const response = await closed.app.request('/dashboard?asset=djed')
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBeNull()
      expect(await response.text()).toContain('Log in to see this dashboard')
      expect((await closed.app.request('/dashboard/charts/djed/prices.png')).status).toBe(401)
      expect((await closed.app.request('/dashboard?asset=djed', { headers: { Authorization: credentials } })).status).toBe(200)
    } finally {
      await closed.close()
    }
  }, 60_000)

  it('refuses the dashboard sync without credentials', async () => {
    const response = await h.app.request('/dashboard/sync', { method: 'POST' })
    expect(response.status).toBe(401)
  })
})

describe('dashboard Replay view', () => {
  let h: Harness
  const hash = `sha256:${createHash('sha256').update('s3cret').digest('hex')}`
  const credentials = { Authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` }
  const htmx = { 'HX-Request': 'true' }
  beforeAll(async () => {
    h = await harness({
      runtime: { auth: { enabled: true, username: 'ops', password_hash: hash } },
      visualization: { dashboard: { replay: { days: 2, every_minutes: 120 } } },
    })
    await h.services.runEvaluation()
  }, 60_000)
  afterAll(() => h.close())

  it('puts a panel that loads the replay in place of the charts', async () => {
    const html = await (await h.app.request('/dashboard?asset=usdc&view=replay', { headers: credentials })).text()
    expect(html).toContain('id="replay"')
    expect(html).toContain('hx-get="/dashboard/replay?asset=usdc&amp;v=1"')
    expect(html).toContain('Replaying the last 2 days')
    expect(html).not.toContain('id="diagnostic-chart"')
  })

  it('shows the summary, the timeline and every row to a viewer who may see amounts', async () => {
    const html = await (await h.app.request('/dashboard/replay?asset=usdc', { headers: { ...credentials, ...htmx } })).text()
    expect(html.startsWith('<div id="replay-content">')).toBe(true)
    expect(html).toContain('Replay: USDC over the last 2 days')
    expect(html).toMatch(/The rule said <strong>Withdraw OK \d+ %<\/strong> of the time, <strong>Hold \d+ %<\/strong>/)
    expect(html).toContain('/dashboard/charts/usdc/replay.png?v=1&amp;theme=light&amp;size=wide')

    const png = await h.app.request('/dashboard/charts/usdc/replay.png', { headers: credentials })
    expect(png.status).toBe(200)
    const decoded = decodePng(new Uint8Array(await png.arrayBuffer()))
    expect([decoded.width, decoded.height]).toEqual([1200, 440])
    const etag = png.headers.get('etag')!
    expect((await h.app.request('/dashboard/charts/usdc/replay.png', { headers: { ...credentials, 'If-None-Match': etag } })).status).toBe(304)

    const csv = await h.app.request('/dashboard/replay.csv?asset=usdc', { headers: credentials })
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (await csv.text()).split('\n')
    expect(lines[0]).toStartWith('ts,asset,decision,reason')
    // 2 days every 2 hours, both ends included
    expect(lines.filter((line) => line.includes(',usdc,') && !line.startsWith('summary'))).toHaveLength(25)
    expect(lines.at(-2)).toStartWith('summary,usdc,')
  }, 120_000)

  it('gives a logged-out visitor the shares and reasons only: no amount, no timeline, no rows', async () => {
    const html = await (await h.app.request('/dashboard/replay?asset=usdc', { headers: htmx })).text()
    expect(html).toContain('The rule said')
    // the causes in plain words, by code (the demo's USDC anomaly holds it at the newest instants)
    expect(html).toContain('<h3>Why it held</h3>')
    expect(html).toMatch(/<li data-code="unusual_move">An unusual move of the position \(residual gate\): \d+ times?<\/li>/)
    expect(html).toContain('Log in to see the amounts and the timeline.')
    expect(html).not.toMatch(/\d\.\d\d USD/)
    expect(html).not.toContain('replay.png')
    expect(html).not.toContain('addr1')
    expect((await h.app.request('/dashboard/charts/usdc/replay.png')).status).toBe(401)
    expect((await h.app.request('/dashboard/replay.csv?asset=usdc')).status).toBe(401)
  }, 120_000)

  it('answers a page around the panel without HTMX, and 404 for an unknown asset', async () => {
    const page = await (await h.app.request('/dashboard/replay?asset=djed', { headers: credentials })).text()
    expect(page).toStartWith('<!doctype html>')
    expect(page).toContain('Back to the dashboard')
    expect((await h.app.request('/dashboard/replay?asset=btc', { headers: credentials })).status).toBe(404)
    expect((await h.app.request('/dashboard/charts/btc/replay.png', { headers: credentials })).status).toBe(404)
  }, 120_000)

  it('is off with visualization.dashboard.replay.enabled: false', async () => {
    const off = await harness({ visualization: { dashboard: { replay: { enabled: false } } } })
    try {
      await off.services.runEvaluation()
      expect(await (await off.app.request('/dashboard?asset=usdc&view=replay')).text()).toContain('The Replay view is turned off')
      expect((await off.app.request('/dashboard/replay?asset=usdc')).status).toBe(404)
      expect((await off.app.request('/dashboard/charts/usdc/replay.png')).status).toBe(404)
    } finally {
      await off.close()
    }
  }, 60_000)
})
