/**
 * The dashboard as a person uses it, in real Chromium (Debian `chromium` + playwright-core) on
 * the embedded demo store: every badge state the demo contains, switching assets and views,
 * the wallet, gate and price panels, chart images that really load, no console error and no CSP
 * violation, the page without JavaScript, and a fragment refresh after a new evaluation.
 * Screenshots land in test-artifacts/e2e/ (look at them).
 */
import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from 'bun:test'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { CHROMIUM, chromiumAvailable, launchChromium } from '../support/chromium.ts'
import { loadConfigText } from '../../src/config/load.ts'
import { startServices, type Services } from '../../src/services.ts'
import { createWebApp } from '../../src/web/app.ts'
import { embeddedDir } from '../support/pg.ts'

// Each test loads pages with chart renders; on a busy 2-core machine that takes more than bun's 5 s.
setDefaultTimeout(60_000)

const ARTIFACTS = resolve(import.meta.dir, '../../test-artifacts/e2e')
const available = chromiumAvailable
if (!available) console.warn(`dashboard e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`)

let services: Services
let server: ReturnType<typeof Bun.serve>
let browser: Browser
let dataDir: string
let base: string

function demoConfig(dir: string) {
  return loadConfigText(
    `
settings: {timezone: UTC}
domain: {assets: [djed, usdm, usdc, usdt]}
data: {embedded: {dir: ${JSON.stringify(dir)}, seed: demo}}
prices:
  endpoints: {liqwid_graphql: null, minswap_aggregator: null}
analysis:
  decision:
    reference: {keyword: alert_driven}
    gate: {enabled: true, method: polynomial_fit, polynomial_order: 2, k_sigma: 2.0, lookback_hours: 48}
  price_compare: {enabled: true}
runtime: {telemetry: {listen_address: 127.0.0.1}}
visualization: {dashboard: {refresh_seconds: 2}}
`,
    {},
    'e2e config',
  )
}

async function openPage(path: string, options: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, javaScriptEnabled: options.javaScriptEnabled ?? true })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  // An aborted load is no failure: a swapped page, or a <picture> source the browser dropped for another.
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()}`)
  })
  await page.goto(base + path)
  return { page, problems, close: () => context.close() }
}

async function imagesLoaded(page: Page): Promise<{ id: string; width: number }[]> {
  await page.waitForFunction(() => [...document.querySelectorAll('img.chart')].every((img) => (img as HTMLImageElement).complete), null, {
    timeout: 20_000,
  })
  return page.$$eval('img.chart', (images) => images.map((img) => ({ id: img.id, width: (img as HTMLImageElement).naturalWidth })))
}

describe.skipIf(!available)('dashboard in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    dataDir = await embeddedDir()
    services = await startServices(demoConfig(dataDir), { demo: true, testPrefix: false })
    await services.runEvaluation()
    server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: createWebApp(services.web).fetch })
    base = `http://127.0.0.1:${server.port}`
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    server?.stop(true)
    await services?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('shows every badge state of the demo, the panels and loaded charts, without console errors', async () => {
    const { page, problems, close } = await openPage('/dashboard?asset=djed')
    const badges = await page.$$eval('.overview .badge', (nodes) => nodes.map((node) => node.getAttribute('data-decision')))
    expect(new Set(badges)).toEqual(new Set(['WITHDRAW_OK', 'HOLD']))
    expect(await page.getAttribute('#decision-badge', 'data-decision')).toBe('WITHDRAW_OK')
    expect(await page.locator('#wallet-table tbody tr').count()).toBeGreaterThanOrEqual(3)
    expect(await page.textContent('#gate')).toContain('Residual now')
    expect(await page.locator('#price-table tbody tr').count()).toBe(2)
    const images = await imagesLoaded(page)
    expect(images.map((image) => image.id)).toEqual(['diagnostic-chart', 'price-chart'])
    for (const image of images) expect(image.width).toBeGreaterThan(0)
    await page.screenshot({ path: join(ARTIFACTS, 'djed-position.png'), fullPage: true })
    expect(problems).toEqual([])
    await close()
  })

  it('explains each HOLD of the demo: negative gains, the gate anomaly, the price mismatch', async () => {
    const expected: Record<string, RegExp> = {
      usdm: /non-positive gains since t0/,
      usdc: /residual gate triggered/,
      usdt: /price mismatch liqwid .* vs minswap/,
    }
    for (const [asset, reason] of Object.entries(expected)) {
      const { page, problems, close } = await openPage(`/dashboard?asset=${asset}`)
      expect(await page.getAttribute('#decision-badge', 'data-decision')).toBe('HOLD')
      expect(await page.textContent('#decision-reason')).toMatch(reason)
      await imagesLoaded(page)
      await page.screenshot({ path: join(ARTIFACTS, `${asset}-position.png`), fullPage: true })
      expect(problems).toEqual([])
      await close()
    }
  })

  it('switches asset and view from the controls, and every view draws its chart', async () => {
    const { page, problems, close } = await openPage('/dashboard')
    await page.selectOption('#asset-select', 'usdt')
    await page.waitForURL(/asset=usdt/)
    expect(await page.textContent('#summary h2')).toContain('USDT')
    for (const view of ['rate', 'gains', 'raw', 'rate_ada', 'position']) {
      await page.selectOption('#view-select', view)
      await page.waitForURL(new RegExp(`view=${view}`))
      expect(await page.getAttribute('#diagnostic-chart', 'src')).toContain(`/usdt/${view}.png`)
      const images = await imagesLoaded(page)
      expect(images.every((image) => image.width > 0)).toBe(true)
      await page.screenshot({ path: join(ARTIFACTS, `usdt-${view}.png`), fullPage: true })
    }
    expect(problems).toEqual([])
    await close()
  })

  it('renders the whole page without JavaScript', async () => {
    const { page, close } = await openPage('/dashboard?asset=usdc&view=rate', { javaScriptEnabled: false })
    expect(await page.getAttribute('#decision-badge', 'data-decision')).toBe('HOLD')
    for (const id of ['#summary', '#wallets', '#gate', '#prices', '#charts', '#sync']) expect(await page.locator(id).count()).toBe(1)
    const images = await imagesLoaded(page)
    expect(images.every((image) => image.width > 0)).toBe(true)
    await close()
  })

  it('refreshes the panels by itself after a new evaluation', async () => {
    const { page, problems, close } = await openPage('/dashboard?asset=djed')
    const before = Number(await page.getAttribute('#content', 'data-sequence'))
    const lastEvaluation = await page.textContent('#last-evaluation')
    await services.runEvaluation()
    await page.waitForFunction((seen) => Number(document.querySelector('#content')?.getAttribute('data-sequence')) > seen, before, {
      timeout: 20_000,
    })
    expect(await page.textContent('#last-evaluation')).not.toBe(lastEvaluation)
    expect((await imagesLoaded(page)).every((image) => image.width > 0)).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'djed-after-refresh.png'), fullPage: true })
    expect(problems).toEqual([])
    await close()
  })
})
