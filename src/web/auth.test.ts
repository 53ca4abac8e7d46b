import { describe, expect, it } from 'bun:test'
import { createHash } from 'node:crypto'
import { createAuthenticator, parseBasicHeader } from './auth.ts'

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
const sha256Hash = (password: string) => `sha256:${createHash('sha256').update(password).digest('hex')}`

describe('parsing the Authorization header', () => {
  it('decodes user and password, splitting at the first colon', () => {
    expect(parseBasicHeader(basic('ops', 'pa:ss'))).toEqual({ user: 'ops', password: 'pa:ss' })
    expect(parseBasicHeader(`basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({ user: 'a', password: 'b' })
  })

  it('rejects malformed headers instead of guessing', () => {
    for (const header of [
      'Bearer abc',
      'Basic',
      'Basic !!!!',
      'Basic YWJj',
      'Basic YWJjOmQ',
      `Basic ${Buffer.from([0xff, 0x3a, 0x41]).toString('base64')}`,
    ])
      expect(parseBasicHeader(header)).toBeNull()
  })
})

describe('authenticator', () => {
  const cases = [
    { format: 'sha256', secret: sha256Hash('correct horse') },
    { format: 'bcrypt', secret: Bun.password.hashSync('correct horse', { algorithm: 'bcrypt', cost: 4 }) },
    { format: 'argon2id', secret: Bun.password.hashSync('correct horse', { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 }) },
  ]
  for (const { format, secret } of cases) {
    const auth = createAuthenticator({ mode: 'password_hash', username: 'admin', secret })
    it(`accepts the right password against a ${format} hash`, async () => {
      expect(await auth.check(basic('admin', 'correct horse'))).toEqual({ ok: true, user: 'admin' })
      // a remembered success stays a success
      expect(await auth.check(basic('admin', 'correct horse'))).toEqual({ ok: true, user: 'admin' })
    })
    it(`refuses a wrong password or user against a ${format} hash`, async () => {
      expect(await auth.check(basic('admin', 'battery staple'))).toEqual({ ok: false, reason: 'invalid' })
      expect(await auth.check(basic('root', 'correct horse'))).toEqual({ ok: false, reason: 'invalid' })
    })
  }

  const envAuth = createAuthenticator({ mode: 'environment', username: 'ops', secret: 'pässwörd' })

  it('compares plaintext credentials from the environment', async () => {
    expect(await envAuth.check(basic('ops', 'pässwörd'))).toEqual({ ok: true, user: 'ops' })
    expect(await envAuth.check(basic('ops', 'passwoerd'))).toEqual({ ok: false, reason: 'invalid' })
  })

  it('refuses a missing header and a malformed base64 payload', async () => {
    expect(await envAuth.check(undefined)).toEqual({ ok: false, reason: 'missing' })
    expect(await envAuth.check('Basic ***')).toEqual({ ok: false, reason: 'malformed' })
  })

  it('refuses non-ASCII credentials without throwing (the predecessor skipped the check)', async () => {
    expect(await envAuth.check(basic('é', 'x'))).toEqual({ ok: false, reason: 'invalid' })
    expect(await envAuth.check(basic('ops', '密码'))).toEqual({ ok: false, reason: 'invalid' })
  })

  it('refuses everything when the credentials could not be read at startup', async () => {
    const locked = createAuthenticator({ mode: 'environment', username: null, secret: null })
    expect(await locked.check(basic('', ''))).toEqual({ ok: false, reason: 'unconfigured' })
  })

  it('refuses everything against a redacted hash', async () => {
    const redacted = createAuthenticator({ mode: 'password_hash', username: 'admin', secret: '<redacted>' })
    expect(await redacted.check(basic('admin', '<redacted>'))).toEqual({ ok: false, reason: 'invalid' })
  })

  it('reports disabled auth as not authenticated', async () => {
    const disabled = createAuthenticator({ mode: 'disabled', username: null, secret: null })
    expect(disabled.enabled).toBe(false)
    expect(await disabled.check(basic('a', 'b'))).toEqual({ ok: false, reason: 'disabled' })
  })
})
