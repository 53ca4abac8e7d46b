/**
 * The dashboard at a phone's width (390×844) and a desktop's (1440×900), in light and dark, in
 * real Chromium on the embedded demo store plus one asset without tables (an ERROR): for every
 * asset and view, no horizontal overflow, an axe-core audit without serious or critical
 * violations, the action sentence on every card, chart renders that load (the narrow ones on the
 * phone); with auth on under `public_view: summary`, no amount and no address for a logged-out
 * visitor. Screenshots of every state at both widths land in test-artifacts/screens/ (look at
 * them); three of them are README's (tests/e2e/screens/, refreshed with UPDATE_README_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromiumAvailable, launchChromium } from '../support/chromium.ts'
import { loadConfigText } from '../../src/config/load.ts'
import { startServices, type Services } from '../../src/services.ts'
import { createWebApp } from '../../src/web/app.ts'
import { createAuthenticator } from '../../src/web/auth.ts'
import { VIEW_NAMES } from '../../src/views/definitions.ts'
import { embeddedDir } from '../support/pg.ts'

const ROOT = resolve(import.meta.dir, '../..')
const ARTIFACTS = join(ROOT, 'test-artifacts/screens')
const README_IMAGES = join(ROOT, 'tests/e2e/screens')
const available = chromiumAvailable
const AXE = await Bun.file(join(ROOT, 'node_modules/axe-core/axe.min.js')).text()
const ASSETS = ['djed', 'usdm', 'usdc', 'usdt', 'usda'] as const
const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1440, height: 900 } } as const
const THEMES = ['light', 'dark'] as const
const PASSWORD_HASH = `sha256:${new Bun.CryptoHasher('sha256').update('s3cret').digest('hex')}`

const configText = (dir: string, auth: string) => `
settings: {timezone: UTC}
domain: {assets: [djed, usdm, usdc, usdt, usda]}
data: {embedded: {dir: ${JSON.stringify(dir)}, seed: demo}}
prices:
  endpoints: {liqwid_graphql: null, minswap_aggregator: null}
analysis:
  decision:
    reference: {keyword: alert_driven}
    gate: {enabled: true, method: polynomial_fit, polynomial_order: 2, k_sigma: 2.0, lookback_hours: 48}
  price_compare: {enabled: true}
runtime: {telemetry: {listen_address: 127.0.0.1}${auth}}
visualization: {dashboard: {refresh_seconds: 600}}
`

let services: Services
let servers: ReturnType<typeof Bun.serve>[] = []
let browser: Browser
let dataDir: string
let trusted: string
let guarded: string

async function open(size: keyof typeof WIDTHS, theme: (typeof THEMES)[number]): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  // bypassCSP: axe is injected as an inline script; tests/e2e/dashboard.test.ts checks the CSP itself
  const context = await browser.newContext({ viewport: WIDTHS[size], colorScheme: theme, bypassCSP: true })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !/401/.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  return { context, page, problems }
}

async function chartsLoaded(page: Page): Promise<number[]> {
  await page.waitForFunction(() => [...document.querySelectorAll('img.chart')].every((img) => (img as HTMLImageElement).complete), null, {
    timeout: 30_000,
  })
  return page.$$eval('img.chart', (images) => images.map((img) => (img as HTMLImageElement).naturalWidth))
}

/**
 * How far the page reaches past the screen's right edge. The stylesheet hides the page's own
 * horizontal overflow, so scrollWidth alone misses content cut off at the edge: every element
 * counts, except inside a region that scrolls or clips on purpose (a wide table's scroller).
 */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const clipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement)
        if (getComputedStyle(parent).overflowX !== 'visible') return true
      return false
    }
    let right = document.documentElement.scrollWidth
    for (const element of document.body.querySelectorAll('*'))
      if (!clipped(element)) right = Math.max(right, Math.ceil(element.getBoundingClientRect().right))
    return right - window.innerWidth
  })
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE })
  const results = (await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
    violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[]
  }
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

describe.skipIf(!available)('dashboard screens in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    dataDir = await embeddedDir()
    services = await startServices(loadConfigText(configText(dataDir, ''), {}, 'screens config'), {
      demo: true,
      testPrefix: false,
    })
    await services.runEvaluation()
    // The same evaluation under auth (public_view: summary): what a logged-out visitor sees.
    const authConfig = loadConfigText(
      configText(dataDir, `, auth: {enabled: true, username: ops, password_hash: "${PASSWORD_HASH}"}`),
      {},
      'screens auth config',
    ).config
    const auth = createAuthenticator(authConfig.resolved.auth)
    const guardedApp = createWebApp({
      ...services.web,
      config: authConfig,
      auth,
      dashboard: { ...services.web.dashboard, config: authConfig, authEnabled: true },
    })
    servers = [
      Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: createWebApp(services.web).fetch }),
      Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: guardedApp.fetch }),
    ]
    trusted = `http://127.0.0.1:${servers[0]!.port}`
    guarded = `http://127.0.0.1:${servers[1]!.port}`
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    for (const server of servers) server.stop(true)
    await services?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[])
    for (const theme of THEMES)
      it(`${size} ${theme}: every asset and view fits, passes axe and leads with the action`, async () => {
        const { context, page, problems } = await open(size, theme)
        const failures: string[] = []
        for (const asset of ASSETS)
          for (const view of VIEW_NAMES) {
            await page.goto(`${trusted}/dashboard?asset=${asset}&view=${view}`)
            const label = `${asset}/${view}`
            // the Replay view loads its panel after the page (the replay runs in its worker)
            if (view === 'replay') await page.waitForSelector('#replay-content', { timeout: 120_000 })
            const widths = await chartsLoaded(page)
            if (asset === 'usda' && view !== 'replay') expect(await page.locator('#chart-unavailable').count(), label).toBe(1)
            else for (const width of widths) expect(width, label).toBe(size === 'phone' ? 520 : 1200)
            expect(await overflow(page), `${label} overflows`).toBeLessThanOrEqual(0)
            const cards = await page.$$eval('.asset-card .card-action', (nodes) => nodes.map((node) => node.textContent ?? ''))
            expect(cards.length).toBe(ASSETS.length)
            for (const text of cards)
              expect(text).toMatch(/^(Withdraw up to [\d,.]+ USD \(≈ [\d,.]+ [A-Z]+\) across \d+ wallets?|Don't withdraw now — .+|Error — .+)$/)
            expect(await page.textContent('#action')).toBeTruthy()
            failures.push(...(await seriousViolations(page)).map((violation) => `${label}: ${violation}`))
            if (view === 'gain' || asset === 'djed')
              await page.screenshot({ path: join(ARTIFACTS, `${asset}-${view}-${size}-${theme}.png`), fullPage: true })
          }
        expect(failures).toEqual([])
        expect(problems).toEqual([])
        await context.close()
      }, 600_000)

  it('states each demo decision in words with its plain reason and code', async () => {
    const { context, page } = await open('desktop', 'light')
    const expected: Record<string, { action: RegExp; code: string | null }> = {
      djed: { action: /^Withdraw up to [\d,.]+ USD \(≈ [\d,.]+ DJED\) across 3 wallets$/, code: null },
      usdm: {
        action: /^Don't withdraw now — Your USDM position is −[\d.]+k? USD since the reference because the USDM price fell \(below its 1 USD peg/,
        code: 'price_loss',
      },
      usdc: {
        action:
          /^Don't withdraw now — Your USDC position jumped \+[\d.]+k? USD away from its recent trend, about [\d.]+× more than it normally moves/,
        code: 'unusual_move',
      },
      usdt: { action: /^Don't withdraw now — The price sources for USDT disagree by [\d.]+ %/, code: 'price_mismatch' },
      usda: { action: /^Error — The data for USDA could not be read\.$/, code: 'data_unavailable' },
    }
    for (const [asset, { action, code }] of Object.entries(expected)) {
      await page.goto(`${trusted}/dashboard?asset=${asset}`)
      expect(await page.textContent('#action')).toMatch(action)
      if (code !== null) {
        expect(await page.getAttribute('#decision-reason li', 'data-code')).toBe(code)
        expect(await page.textContent('#decision-reason')).toContain('What to do:')
      }
    }
    await page.goto(`${trusted}/dashboard?asset=usdm`)
    expect(await page.textContent('#peg-badge')).toMatch(/^Off peg: [\d.]+ % below 1 USD$/)
    expect(await page.textContent('#interest')).toMatch(/^\+[\d,.]+ USDM/)
    await context.close()
  }, 120_000)

  for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[])
    it(`${size}: a logged-out visitor under public_view summary sees decisions and reasons, no amount and no address`, async () => {
      const wallets = services.latest.current!.result.assets.flatMap((entry) => entry.decision.wallets.map((wallet) => wallet.wallet))
      const { context, page, problems } = await open(size, 'light')
      for (const asset of ASSETS)
        for (const view of VIEW_NAMES) {
          await page.goto(`${guarded}/dashboard?asset=${asset}&view=${view}`)
          await chartsLoaded(page)
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a visitor sees
          const text = await page.evaluate(() => document.body.innerText)
          const alts = await page.$$eval('img', (images) => images.map((img) => img.getAttribute('alt') ?? '').join(' '))
          for (const shown of [text, alts]) {
            expect(shown, `${asset}/${view}`).not.toMatch(/\d[\d,]*\.\d\d\s?USD\b|[+−-][\d.]+k? USD/)
            for (const wallet of wallets) expect(shown).not.toContain(wallet)
          }
          const cards = await page.$$eval('.asset-card .card-action', (nodes) => nodes.map((node) => node.textContent ?? ''))
          for (const card of cards) expect(card).toMatch(/^(Withdrawing is fine now|Don't withdraw now — |Error — )/)
          expect(await overflow(page)).toBeLessThanOrEqual(0)
          expect(await seriousViolations(page)).toEqual([])
        }
      await page.goto(`${guarded}/dashboard?asset=usdc`)
      await chartsLoaded(page)
      await page.screenshot({ path: join(ARTIFACTS, `logged-out-usdc-${size}.png`), fullPage: true })
      expect(problems).toEqual([])
      await context.close()

      const login = await open(size, 'dark')
      const response = await login.page.goto(`${guarded}/dashboard/logout`)
      expect(response?.status()).toBe(401)
      expect(await seriousViolations(login.page)).toEqual([])
      await login.page.screenshot({ path: join(ARTIFACTS, `logged-out-page-${size}-dark.png`), fullPage: true })
      await login.context.close()
    }, 300_000)

  it('README screenshots: the desktop and the phone view of a HOLD', async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const shots = { desktop: 'dashboard-desktop.png', phone: 'dashboard-phone.png' } as const
    for (const size of ['desktop', 'phone'] as const) {
      const { context, page } = await open(size, 'light')
      await page.goto(`${trusted}/dashboard?asset=usdc`)
      await chartsLoaded(page)
      const path = join(ARTIFACTS, shots[size])
      await page.screenshot({ path, fullPage: false })
      if (process.env.UPDATE_README_SCREENSHOTS === '1') {
        mkdirSync(README_IMAGES, { recursive: true })
        copyFileSync(path, join(README_IMAGES, shots[size]))
      }
      await context.close()
    }
  }, 120_000)

  it('README screenshot: the Replay view of USDC on a desktop', async () => {
    const { context, page, problems } = await open('desktop', 'light')
    await page.goto(`${trusted}/dashboard?asset=usdc&view=replay`)
    await page.waitForSelector('#replay-content', { timeout: 120_000 })
    const widths = await chartsLoaded(page)
    expect(widths).toEqual([1200])
    expect(await page.textContent('#replay-shares')).toMatch(/^The rule said Withdraw OK \d+ % of the time, Hold \d+ %/)
    const path = join(ARTIFACTS, 'replay-desktop.png')
    await page.locator('#replay').screenshot({ path })
    if (process.env.UPDATE_README_SCREENSHOTS === '1') {
      mkdirSync(README_IMAGES, { recursive: true })
      copyFileSync(path, join(README_IMAGES, 'replay-desktop.png'))
    }
    expect(problems).toEqual([])
    await context.close()
  }, 180_000)
})
