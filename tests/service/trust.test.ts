/**
 * Edge rules found after the first round of service tests: who counts as the local operator,
 * what a cross-site POST looks like behind a proxy, where a first sync into an empty store
 * writes, and the demo under --test-prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Hono } from 'hono'
import { openStore, type Store } from '../../src/store/index.ts'
import { storeSyncPorts } from '../../src/sync/service.ts'
import { crossSite } from '../../src/web/http.ts'
import { baseConfig, loadTestConfig, withConfig } from '../support/service/config.ts'
import { openEmbedded, type OpenedData } from '../support/service/stores.ts'
import { startTestServices } from '../support/service/services.ts'

async function crossSiteOf(headers: Record<string, string>): Promise<boolean> {
  const app = new Hono().post('/', (c) => c.text(String(crossSite(c))))
  const response = await app.request('/', { method: 'POST', headers })
  return (await response.text()) === 'true'
}

describe('cross-site POSTs', () => {
  it('trusts what the browser says in Sec-Fetch-Site', async () => {
    expect(await crossSiteOf({ 'sec-fetch-site': 'cross-site', host: 'a' })).toBe(true)
    expect(await crossSiteOf({ 'sec-fetch-site': 'same-origin', host: 'a', origin: 'http://b' })).toBe(false)
  })

  it('compares Origin with the host the client addressed, also behind a proxy that rewrites Host', async () => {
    expect(await crossSiteOf({ host: 'dash.example', origin: 'https://evil.example' })).toBe(true)
    expect(await crossSiteOf({ host: '127.0.0.1:9808', origin: 'https://dash.example', 'x-forwarded-host': 'dash.example' })).toBe(false)
    expect(await crossSiteOf({ host: 'dash.example' })).toBe(false) // curl, scripts: no Origin
    expect(await crossSiteOf({ host: 'dash.example', origin: 'null' })).toBe(true)
  })
})

describe('the local operator', () => {
  let data: OpenedData
  beforeAll(async () => {
    data = await openEmbedded()
  })
  afterAll(() => data.close())

  it('is trusted on a loopback address with auth off, but not through a proxy', async () => {
    const harness = await startTestServices(withConfig(baseConfig(data.data), { runtime: { telemetry: { listen_address: '127.0.0.1' } } }))
    const { app } = harness
    try {
      const direct = await app.request('/api/sync/transactions', { method: 'POST' })
      expect(direct.status).not.toBe(403)
      const proxied = await app.request('/api/sync/transactions', { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } })
      expect(proxied.status).toBe(403)
      expect((await proxied.json()).error).toContain('enable runtime.auth')
    } finally {
      await harness.close()
    }
  })
})

describe('a first sync into a store without the asset tables', () => {
  let data: OpenedData
  let store: Store
  beforeAll(async () => {
    data = await openEmbedded()
    store = await openStore({ url: data.url })
  })
  afterAll(async () => {
    await store.close()
    await data.close()
  })

  it("resolves Liqwid's names through the configured mapping (usdc → wanusdc)", async () => {
    const config = loadTestConfig(withConfig(baseConfig(data.data), { domain: { assets: ['djed', 'usdc'] } })).config
    const ports = storeSyncPorts({ config, reader: store.reader, writer: store.writer, testPrefix: false })
    expect(await ports.resolveAsset('wanUSDC')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
    expect(await ports.resolveAsset('usdc')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
    expect(await ports.resolveAsset('DJED')).toEqual({ symbol: 'djed', marketId: 'DJED' })
    expect(await ports.resolveAsset('ADA')).toBeNull()
  })
})
