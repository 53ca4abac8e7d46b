/**
 * Access rules over HTTP (PRODUCT §3 "auth", §5): every credential case against every hash
 * format and the plaintext environment variables, on the protected routes
 * (`/api/config/normalized`, both sync paths) and on `/api/decisions`, whose wallet details are
 * only for an authenticated caller. One service (known market, fake Liqwid) answers under each
 * configuration's access rules (tests/support/service/apps.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Hono } from 'hono'
import { AUTH_CHALLENGE } from '../../src/web/auth.ts'
import { WALLET_A, WALLET_B } from '../fakes/fixtures.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { postSync } from '../support/service/sync-job.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { withConfig, type ConfigTree } from '../support/service/config.ts'
import { basicAuth, startEvaluatedMarket, type EvaluatedMarket, type ServiceHarness } from '../support/service/services.ts'

const USER = 'operator'
const PASSWORD = 'correct horse battery'

const HASHES = {
  sha256: `sha256:${new Bun.CryptoHasher('sha256').update(PASSWORD).digest('hex')}`,
  bcrypt: Bun.password.hashSync(PASSWORD, { algorithm: 'bcrypt', cost: 4 }),
  argon2: Bun.password.hashSync(PASSWORD, { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 }),
}

const PROTECTED: { method: string; path: string }[] = [
  { method: 'GET', path: '/api/config/normalized' },
  { method: 'POST', path: '/api/sync/transactions' },
  { method: 'POST', path: '/api/sync-transactions' },
]

const request = (app: Hono, method: string, path: string, authorization?: string) =>
  Promise.resolve(app.request(path, { method, headers: authorization === undefined ? {} : { Authorization: authorization } }))

async function walletBreakdown(app: Hono, authorization?: string): Promise<Record<string, unknown>[]> {
  const response = await request(app, 'GET', '/api/decisions', authorization)
  expect(response.status).toBe(200)
  return ((await response.json()) as Record<string, { wallet_breakdown: Record<string, unknown>[] }>).djed!.wallet_breakdown
}

const FULL_DETAILS = [
  { wallet_address: WALLET_A, abbreviated_address: 'addr1qxa7te...aaaaaa', wmax_usd: 25, v_t1_usd: 1100 },
  { wallet_address: WALLET_B, abbreviated_address: 'addr1qxb7te...bbbbbb', wmax_usd: 0, v_t1_usd: 1990 },
]
const ABBREVIATED_ONLY = [{ abbreviated_address: 'addr1qxa7te...aaaaaa' }, { abbreviated_address: 'addr1qxb7te...bbbbbb' }]

describe('access rules over HTTP', () => {
  let market: EvaluatedMarket
  let harness: ServiceHarness
  let tree: ConfigTree

  const withAuth = (auth: ConfigTree, listen = '127.0.0.1') => withConfig(tree, { runtime: { auth, telemetry: { listen_address: listen } } })

  beforeAll(async () => {
    market = await startEvaluatedMarket()
    ;({ tree, harness } = market)
  }, SETUP_TIMEOUT_MS)

  afterAll(() => market?.close(), SETUP_TIMEOUT_MS)

  async function expectRefused(app: Hono, authorization: string | undefined, label: string) {
    for (const { method, path } of PROTECTED) {
      const response = await request(app, method, path, authorization)
      expect(response.status, `${label}: ${method} ${path}`).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Alert Orchestrator", charset="UTF-8"')
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await response.json()).toEqual({ success: false, error: 'authentication required' })
    }
    expect(await walletBreakdown(app, authorization)).toEqual(ABBREVIATED_ONLY)
    // public_view: summary — the decision, no amount
    const djed = ((await (await request(app, 'GET', '/api/decisions', authorization)).json()) as Record<string, Record<string, unknown>>).djed!
    expect(djed).toMatchObject({ decision: 1, wmax_usd: null, withdrawable_usd: null, withdrawable_units: null, residual_usd: null })
  }

  async function expectAdmitted(app: Hono, authorization: string, label: string) {
    for (const { method, path } of PROTECTED) {
      if (method === 'POST') {
        const followed = await postSync(app, path, { headers: { Authorization: authorization } })
        expect(followed.status, `${label}: ${method} ${path}`).toBe(202)
        expect(followed.body).toMatchObject({ success: true, wallets_synced: 2 })
        continue
      }
      const response = await request(app, method, path, authorization)
      expect(response.status, `${label}: ${method} ${path}`).toBe(200)
    }
    expect(await walletBreakdown(app, authorization)).toEqual(FULL_DETAILS)
  }

  it('challenges with the realm and UTF-8 charset', () => {
    expect(AUTH_CHALLENGE).toBe('Basic realm="Alert Orchestrator", charset="UTF-8"')
  })

  for (const [format, hash] of Object.entries(HASHES)) {
    describe(`with a ${format} password hash`, () => {
      let app: Hono
      beforeAll(() => {
        app = appWithConfig(harness, withAuth({ enabled: true, username: USER, password_hash: hash }))
      })

      it('admits the right user and password', () => expectAdmitted(app, basicAuth(USER, PASSWORD), 'right'))
      it('refuses a wrong password', () => expectRefused(app, basicAuth(USER, `${PASSWORD}!`), 'wrong password'))
      it('refuses a wrong user with the right password', () => expectRefused(app, basicAuth('admin', PASSWORD), 'wrong user'))
      it('refuses a request without credentials', () => expectRefused(app, undefined, 'missing'))
      it('never prints the hash in the served configuration', async () => {
        const text = await (await request(app, 'GET', '/api/config/normalized', basicAuth(USER, PASSWORD))).text()
        expect(text).toContain('"password_hash": "<redacted>"')
        expect(text).not.toContain(hash)
      })
    })
  }

  describe('malformed credentials (sha256 hash configured)', () => {
    let app: Hono
    beforeAll(() => {
      app = appWithConfig(harness, withAuth({ enabled: true, username: USER, password_hash: HASHES.sha256 }))
    })

    const MALFORMED: [string, string][] = [
      ['invalid base64', 'Basic !!!not*base64!!!'],
      ['base64 with a bad length', 'Basic YWJjOmQ'],
      ['no colon', `Basic ${Buffer.from(`${USER}${PASSWORD}`).toString('base64')}`],
      ['another scheme', `Bearer ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`],
      ['the scheme alone', 'Basic'],
      ['bytes that are not UTF-8', `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`],
      ['raw non-ASCII in the header', 'Basic öperator'],
    ]
    for (const [label, header] of MALFORMED) it(`refuses ${label} with a 401, never a 500`, () => expectRefused(app, header, label))
  })

  describe('non-ASCII credentials', () => {
    let app: Hono
    const user = 'jürgen'
    const password = 'pässwörd ✓'
    beforeAll(() => {
      const hash = `sha256:${new Bun.CryptoHasher('sha256').update(password).digest('hex')}`
      app = appWithConfig(harness, withAuth({ enabled: true, username: user, password_hash: hash }))
    })

    it('admits a non-ASCII user and password sent as UTF-8', () => expectAdmitted(app, basicAuth(user, password), 'utf-8'))
    it('refuses a non-ASCII user that differs by one letter', () => expectRefused(app, basicAuth('jurgen', password), 'near miss'))
    it('refuses the same user sent as Latin-1 bytes', () =>
      expectRefused(app, `Basic ${Buffer.from(`${user}:${password}`, 'latin1').toString('base64')}`, 'latin-1'))
    it('refuses a non-ASCII user against an ASCII configuration', async () => {
      const ascii = appWithConfig(harness, withAuth({ enabled: true, username: USER, password_hash: HASHES.sha256 }))
      await expectRefused(ascii, basicAuth('öperator', PASSWORD), 'non-ASCII user')
    })
  })

  describe('plaintext user_env / pass_env', () => {
    const env = { AO_TEST_USER: 'ops', AO_TEST_PASS: 'pässwörd' }
    const auth = { enabled: true, user_env: 'AO_TEST_USER', pass_env: 'AO_TEST_PASS' }

    it('admits the user and password the variables hold', () =>
      expectAdmitted(appWithConfig(harness, withAuth(auth), env), basicAuth('ops', 'pässwörd'), 'env'))
    it('refuses anything else', async () => {
      const app = appWithConfig(harness, withAuth(auth), env)
      await expectRefused(app, basicAuth('ops', 'passwörd'), 'wrong password')
      await expectRefused(app, basicAuth('root', 'pässwörd'), 'wrong user')
      await expectRefused(app, undefined, 'missing')
    })
    it('never prints the plaintext password in the served configuration', async () => {
      const app = appWithConfig(harness, withAuth(auth), env)
      const text = await (await request(app, 'GET', '/api/config/normalized', basicAuth('ops', 'pässwörd'))).text()
      expect(text).not.toContain('pässwörd')
      expect(text).toContain('"secret": "<redacted>"')
    })
    it('refuses everybody when the variables are not set, instead of opening up', async () => {
      const app = appWithConfig(harness, withAuth(auth), {})
      await expectRefused(app, basicAuth('ops', 'pässwörd'), 'unset variables')
      await expectRefused(app, basicAuth('', ''), 'empty credentials')
    })
  })

  describe('auth disabled', () => {
    it('on a public address: refuses the sync routes with 403 saying how to enable auth', async () => {
      const app = appWithConfig(harness, withAuth({ enabled: false }, '0.0.0.0'))
      for (const path of ['/api/sync/transactions', '/api/sync-transactions']) {
        const response = await request(app, 'POST', path)
        expect(response.status, path).toBe(403)
        expect(response.headers.get('cache-control')).toBe('no-store')
        const body = (await response.json()) as { success: boolean; error: string }
        expect(body.success).toBe(false)
        expect(body.error).toContain('listens on 0.0.0.0')
        expect(body.error).toContain('enable runtime.auth (username + password_hash)')
        expect(body.error).toContain(path)
      }
      expect(await walletBreakdown(app)).toEqual(ABBREVIATED_ONLY)
      expect(await walletBreakdown(app, basicAuth(USER, PASSWORD))).toEqual(ABBREVIATED_ONLY)
    })

    it('on a public address: leaves the configuration readable (it holds no secret)', async () => {
      const app = appWithConfig(harness, withAuth({ enabled: false }, '0.0.0.0'))
      expect((await request(app, 'GET', '/api/config/normalized')).status).toBe(200)
    })

    it('on a loopback address: trusts the local operator', async () => {
      for (const listen of ['127.0.0.1', 'localhost', '::1']) {
        const app = appWithConfig(harness, withAuth({ enabled: false }, listen))
        expect((await postSync(app)).status, listen).toBe(202)
        expect(await walletBreakdown(app)).toEqual(FULL_DETAILS)
      }
    })
  })

  it('refuses a cross-site sync request even with valid credentials', async () => {
    const app = appWithConfig(harness, withAuth({ enabled: true, username: USER, password_hash: HASHES.sha256 }))
    const response = await app.request('/api/sync/transactions', {
      method: 'POST',
      headers: { Authorization: basicAuth(USER, PASSWORD), 'Sec-Fetch-Site': 'cross-site' },
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ success: false, error: 'cross-site request refused' })
  })
})
