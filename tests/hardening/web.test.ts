/**
 * The HTTP rows of issue 15, each reproduced against the service's app: DNS rebinding (a foreign
 * Host), `Sec-Fetch-Site: same-site`, proxy headers other than X-Forwarded-For, failed-login
 * floods, chart ETags and diagnostic paths built from odd names. One evaluated service answers
 * under each configuration's rules (tests/support/service/apps.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Hono } from 'hono'
import { diagnosticPath } from '../../src/evaluation/diagnostics.ts'
import { allowedHostNames } from '../../src/web/host-check.ts'
import { PROXY_HEADERS } from '../../src/web/proxy.ts'
import { LOGIN_THROTTLE_DEFAULTS } from '../../src/web/throttle.ts'
import { WALLET_A } from '../fakes/fixtures.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { loadTestConfig, withConfig, type ConfigTree } from '../support/service/config.ts'
import { basicAuth, startEvaluatedMarket, type EvaluatedMarket } from '../support/service/services.ts'

const USER = 'operator'
const PASSWORD = 'correct horse battery'
const SHA256_HASH = `sha256:${new Bun.CryptoHasher('sha256').update(PASSWORD).digest('hex')}`
const ARGON2_HASH = Bun.password.hashSync(PASSWORD, { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 })
const SYNC = '/api/sync/transactions'

/** What Bun passes as the app's env: the socket peer of the request. */
const fromAddress = (address: string) => ({ requestIP: () => ({ address, family: 'IPv4', port: 40_000 }) })

let market: EvaluatedMarket
beforeAll(async () => {
  market = await startEvaluatedMarket()
}, SETUP_TIMEOUT_MS)
afterAll(() => market?.close())

const appWith = (overrides: ConfigTree) => appWithConfig(market.harness, withConfig(market.tree, overrides))
const loopbackNoAuth = () => appWith({ runtime: { telemetry: { listen_address: '127.0.0.1' } } })

function send(app: Hono, method: string, path: string, headers: Record<string, string> = {}, env?: unknown): Promise<Response> {
  return Promise.resolve(app.request(path, { method, headers }, env))
}

describe('Host check (DNS rebinding)', () => {
  it('answers 421 to a foreign Host before any route runs, with auth off on 127.0.0.1', async () => {
    const app = loopbackNoAuth()
    const host = { host: 'rebind.attacker.example:9808' }
    const decisions = await send(app, 'GET', '/api/decisions', host)
    expect(decisions.status).toBe(421)
    expect(await decisions.text()).not.toContain(WALLET_A)
    expect((await send(app, 'POST', SYNC, host)).status).toBe(421)
    expect((await send(app, 'GET', '/dashboard', host)).status).toBe(421)
  })

  it('answers 421 whatever the auth setting', async () => {
    const app = appWith({ runtime: { auth: { enabled: true, username: USER, password_hash: SHA256_HASH } } })
    const response = await send(app, 'GET', '/api/config/normalized', { host: 'rebind.attacker.example', authorization: basicAuth(USER, PASSWORD) })
    expect(response.status).toBe(421)
    expect((await response.json()).error).toContain('runtime.telemetry.allowed_hosts')
  })

  it('answers IP literals, localhost, the listen address and the names in allowed_hosts', async () => {
    const app = appWith({ runtime: { telemetry: { listen_address: '127.0.0.1', allowed_hosts: ['Dash.Example.org'] } } })
    for (const host of ['127.0.0.1:9808', 'localhost:9808', 'LOCALHOST', '[::1]:9808', '192.0.2.10', 'dash.example.org', 'dash.example.org.:443'])
      expect((await send(app, 'GET', '/api/decisions', { host })).status, host).toBe(200)
    for (const host of ['example.org', 'dash.example.org.evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '[evil.example]', '[::1', ''])
      expect((await send(app, 'GET', '/api/decisions', { host })).status, host).toBe(421)
  })

  it('accepts a name listen address as a host name', () => {
    const allowed = allowedHostNames(
      loadTestConfig(withConfig(market.tree, { runtime: { telemetry: { listen_address: 'orchestrator.lan' } } })).config,
    )
    expect(allowed('orchestrator.lan:9808')).toBe(true)
    expect(allowed('other.lan:9808')).toBe(false)
  })
})

describe('state-changing requests from another origin', () => {
  it.each(['same-site', 'cross-site', 'bogus'])('are refused with Sec-Fetch-Site: %s, also with valid credentials', async (site) => {
    for (const app of [loopbackNoAuth(), appWith({ runtime: { auth: { enabled: true, username: USER, password_hash: SHA256_HASH } } })]) {
      const response = await send(app, 'POST', SYNC, { 'sec-fetch-site': site, authorization: basicAuth(USER, PASSWORD) })
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual({ success: false, error: 'cross-site request refused' })
      expect((await send(app, 'POST', '/dashboard/sync', { 'sec-fetch-site': site, authorization: basicAuth(USER, PASSWORD) })).status).toBe(403)
    }
  })

  it('are refused from an Origin on another port (same site, other origin) without Sec-Fetch-Site', async () => {
    const response = await send(loopbackNoAuth(), 'POST', SYNC, { host: '127.0.0.1:9808', origin: 'http://127.0.0.1:3000' })
    expect(response.status).toBe(403)
  })

  it.each([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
    ['a matching Origin', { host: '127.0.0.1:9808', origin: 'http://127.0.0.1:9808' }],
    ['no Origin (curl)', {}],
  ])('are accepted with %s', async (_name, headers) => {
    // Past the origin check the sync route answers: 202 starts a job, 409 names the one already
    // running (the apps share one sync service); never the 403 of a refused origin.
    expect([202, 409]).toContain((await send(loopbackNoAuth(), 'POST', SYNC, headers)).status)
  })
})

describe('proxy headers', () => {
  it.each(PROXY_HEADERS.map((name) => [name]))('%s marks a request as relayed: not the local operator', async (name) => {
    const app = loopbackNoAuth()
    const value = name === 'via' ? '1.1 proxy.example' : name === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9'
    const sync = await send(app, 'POST', SYNC, { [name]: value })
    expect(sync.status).toBe(403)
    expect((await sync.json()).error).toContain('enable runtime.auth')
    const decisions = await send(app, 'GET', '/api/decisions', { [name]: value })
    expect(await decisions.text()).not.toContain(WALLET_A)
  })
})

describe('failed logins', () => {
  const authApp = () => appWith({ runtime: { auth: { enabled: true, username: USER, password_hash: SHA256_HASH } } })
  const wrong = { authorization: basicAuth(USER, 'guess') }
  const right = { authorization: basicAuth(USER, PASSWORD) }

  it('are limited per client address: 429 with Retry-After, other addresses unaffected', async () => {
    const app = authApp()
    const attacker = fromAddress('198.51.100.7')
    for (let attempt = 0; attempt < 10; attempt++) expect((await send(app, 'GET', '/api/config/normalized', wrong, attacker)).status).toBe(401)
    const refused = await send(app, 'GET', '/api/config/normalized', wrong, attacker)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // refused without a check: the right password does not help the blocked address either
    expect((await send(app, 'GET', '/api/config/normalized', right, attacker)).status).toBe(429)
    expect((await send(app, 'GET', '/api/config/normalized', right, fromAddress('192.0.2.44'))).status).toBe(200)
  })

  it('do not lock out a login that succeeded before the flood', async () => {
    const app = authApp()
    const shared = fromAddress('198.51.100.8') // e.g. the user and the attacker behind one NAT
    expect((await send(app, 'GET', '/api/config/normalized', right, shared)).status).toBe(200)
    for (let attempt = 0; attempt < 12; attempt++) await send(app, 'GET', '/api/config/normalized', wrong, shared)
    expect((await send(app, 'GET', '/api/config/normalized', right, shared)).status).toBe(200)
  })

  it('from 64 connections at once against an argon2 hash: about ten hashes, the rest 429, a known login still admitted', async () => {
    const app = appWith({ runtime: { auth: { enabled: true, username: USER, password_hash: ARGON2_HASH } } })
    const user = fromAddress('192.0.2.80')
    expect((await send(app, 'GET', '/api/config/normalized', right, user)).status).toBe(200)
    const attacker = fromAddress('198.51.100.64')
    const flood = Array.from({ length: 64 }, () => send(app, 'GET', '/api/config/normalized', wrong, attacker))
    // while the flood is queued, the remembered login needs no hash slot
    expect((await send(app, 'GET', '/api/config/normalized', right, user)).status).toBe(200)
    const statuses = (await Promise.all(flood)).map((response) => response.status)
    const hashed = statuses.filter((status) => status === 401).length
    expect(hashed).toBeGreaterThanOrEqual(10)
    expect(hashed).toBeLessThanOrEqual(10 + LOGIN_THROTTLE_DEFAULTS.maxConcurrentHashes)
    expect(statuses.filter((status) => status === 429)).toHaveLength(64 - hashed)
  })

  it('from 64 addresses at once against an argon2 hash: a bounded queue, the overflow answered 429 at once', async () => {
    const app = appWith({ runtime: { auth: { enabled: true, username: USER, password_hash: ARGON2_HASH } } })
    const flood = Array.from({ length: 64 }, (_, index) =>
      send(app, 'GET', '/api/config/normalized', wrong, fromAddress(`198.51.100.${index + 100}`)),
    )
    const statuses = (await Promise.all(flood)).map((response) => response.status)
    const { maxConcurrentHashes, maxWaitingHashes } = LOGIN_THROTTLE_DEFAULTS
    // every request admitted to the queue is checked; a slot freed early may admit a few more
    const hashed = statuses.filter((status) => status === 401).length
    expect(hashed).toBeGreaterThanOrEqual(maxConcurrentHashes + maxWaitingHashes)
    expect(hashed).toBeLessThan(64)
    expect(statuses.filter((status) => status === 429)).toHaveLength(64 - hashed)
  })

  it('behind a proxy on this machine count against the address it forwarded', async () => {
    const app = authApp()
    const viaProxy = (client: string) => ({ ...wrong, 'x-forwarded-for': `10.9.9.9, ${client}` })
    for (let attempt = 0; attempt < 10; attempt++)
      await send(app, 'GET', '/api/config/normalized', viaProxy('203.0.113.50'), fromAddress('127.0.0.1'))
    expect((await send(app, 'GET', '/api/config/normalized', viaProxy('203.0.113.50'), fromAddress('127.0.0.1'))).status).toBe(429)
    expect((await send(app, 'GET', '/api/config/normalized', viaProxy('203.0.113.51'), fromAddress('127.0.0.1'))).status).toBe(401)
  })
})

describe('names that reach headers and paths', () => {
  it('gives every asset name a valid ETag header', () => {
    const etag = market.harness.services.web.dashboard.charts.etag(market.harness.services.web.latest.current!, 'dj\ned"x', 'prices')
    expect(() => new Headers({ ETag: etag })).not.toThrow()
  })

  it('keeps diagnostic files inside their directory', () => {
    expect(diagnosticPath('/srv/plots', 'djed', 'tagged', 0)).toBe('/srv/plots/djed_tagged_1970-01-01T00-00-00Z_residual_composite.png')
    expect(diagnosticPath('/srv/plots', '../../../x', 'tagged', 0)).toBeNull()
    expect(diagnosticPath('/srv/plots', 'a/b', null, 0)).toBeNull()
  })
})
