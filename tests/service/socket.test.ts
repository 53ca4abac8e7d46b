/**
 * The same app over a real socket (`startWebServer` on an ephemeral loopback port): what Bun
 * itself adds or decides (body size cap, HEAD, connection handling) on top of the Hono app.
 */
import { postSync } from '../support/service/sync-job.ts'
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startWebServer, type WebServer } from '../../src/web/server.ts'
import { MAX_BODY_BYTES } from '../../src/web/http.ts'
import { startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { baseConfig, withConfig } from '../support/service/config.ts'
import { parseExposition, sampleValue } from '../support/service/exposition.ts'
import { KNOWN, writeKnownMarket } from '../support/service/market.ts'
import { basicAuth, startTestServices, type ServiceHarness } from '../support/service/services.ts'
import { openEmbedded, type OpenedData } from '../support/service/stores.ts'

const PASSWORD_HASH = `sha256:${new Bun.CryptoHasher('sha256').update('s3cret').digest('hex')}`
const OVERSIZED = 'x'.repeat(MAX_BODY_BYTES + 4096)

describe('the web server on a socket', () => {
  let opened: OpenedData
  let liqwid: FakeLiqwid
  let harness: ServiceHarness
  let server: WebServer

  beforeAll(async () => {
    opened = await openEmbedded()
    liqwid = startFakeLiqwid()
    const tree = withConfig(baseConfig(opened.data), {
      prices: { endpoints: { liqwid_graphql: liqwid.endpoint } },
      runtime: { auth: { enabled: true, username: 'ops', password_hash: PASSWORD_HASH } },
    })
    harness = await startTestServices(tree)
    await writeKnownMarket(harness.writer, Date.now())
    server = await startWebServer(harness.services, { port: 0 })
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await server?.stop()
    await harness?.close()
    await liqwid?.stop()
    await opened?.close()
  }, SETUP_TIMEOUT_MS)

  it('listens on the configured loopback address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).not.toEndWith(':0')
  })

  it('is not ready before the first evaluation and ready after it, with the metrics of that evaluation', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503)
    await harness.services.runEvaluation()
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', evaluations: 1 })

    const metrics = await fetch(`${server.url}/metrics`)
    expect(metrics.status).toBe(200)
    expect(metrics.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
    const samples = parseExposition(await metrics.text())
    expect(sampleValue(samples, 'wo_wmax_usd', { asset: 'djed', ref_mode: 'keyword' })).toBe(KNOWN.djed.wmaxUsd)
  })

  it('answers HEAD on the metrics path with the headers and no body', async () => {
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
    expect(head.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await head.text()).toBe('')
  })

  it('answers an oversized body with the app’s JSON 413 and its headers, with or without a length', async () => {
    const bodies: [string, BodyInit][] = [
      ['with Content-Length', OVERSIZED],
      ['chunked', new Blob([OVERSIZED]).stream()],
    ]
    for (const [label, body] of bodies) {
      const response = await fetch(`${server.url}/api/sync/transactions`, {
        method: 'POST',
        body,
        headers: { Authorization: basicAuth('ops', 's3cret'), 'Content-Type': 'application/json' },
      })
      expect(response.status, label).toBe(413)
      expect(response.headers.get('x-frame-options'), label).toBe('DENY')
      expect(response.headers.get('cache-control'), label).toBe('no-store')
      expect(await response.json()).toEqual({ success: false, error: `request body larger than ${MAX_BODY_BYTES} bytes` })
    }
    expect(liqwid.requestsFor('transactions')).toHaveLength(0)
  })

  it('challenges a sync without credentials and runs it with them', async () => {
    const refused = await fetch(`${server.url}/api/sync-transactions`, { method: 'POST' })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="Alert Orchestrator", charset="UTF-8"')
    const admitted = await postSync(server.url, '/api/sync-transactions', { headers: { Authorization: basicAuth('ops', 's3cret') } })
    expect(admitted.status).toBe(202)
    expect(admitted.body).toMatchObject({ success: true, wallets_synced: 2, new_transactions: 0 })
  })

  it('stops listening when stopped', async () => {
    const extra = await startWebServer(harness.services, { port: 0 })
    expect((await fetch(`${extra.url}/healthz`)).status).toBe(200)
    await extra.stop()
    // a new connection, not one fetch keeps alive from the request above
    const { hostname, port } = new URL(extra.url)
    const outcome = await Bun.connect({ hostname, port: Number(port), socket: { data() {} } }).then(
      (socket) => {
        socket.end()
        return 'accepted'
      },
      () => 'refused',
    )
    expect(outcome).toBe('refused')
  })
})
