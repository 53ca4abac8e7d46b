/**
 * HTTP Basic authentication (PRODUCT §3 "auth"). Credentials are checked against
 * `runtime.auth.username` + `password_hash` (`sha256:<hex>`, bcrypt, argon2 via Bun.password) or
 * the predecessor's plaintext variables (`user_env` / `pass_env`, read once at startup).
 *
 * Every comparison is constant-time over UTF-8 bytes (digests of equal length), so non-ASCII
 * input can never throw and skip the check — the predecessor's bypass. A malformed header is a
 * failed check, never an exception. Slow hashes (bcrypt, argon2) are verified once per distinct
 * header and remembered for a minute, so a dashboard polling every few seconds stays cheap.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { ResolvedAuth } from '../config/resolve.ts'

export const AUTH_CHALLENGE = 'Basic realm="Alert Orchestrator", charset="UTF-8"'

export type AuthOutcome = { ok: true; user: string } | { ok: false; reason: 'disabled' | 'missing' | 'malformed' | 'invalid' | 'unconfigured' }

export interface Authenticator {
  readonly enabled: boolean
  check(authorization: string | undefined | null): Promise<AuthOutcome>
}

/** How long a successful slow-hash verification is remembered. */
const VERIFIED_TTL_MS = 60_000
const MAX_REMEMBERED = 256

function sha256(bytes: string | Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** Constant-time equality of two UTF-8 strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b))
}

const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** `Authorization: Basic base64(user:password)` → credentials, or null when malformed. */
export function parseBasicHeader(header: string): { user: string; password: string } | null {
  const match = BASIC.exec(header)
  if (!match || match[1]!.length % 4 !== 0) return null
  let text: string
  try {
    text = utf8.decode(Buffer.from(match[1]!, 'base64'))
  } catch {
    return null
  }
  const colon = text.indexOf(':')
  if (colon < 0) return null
  return { user: text.slice(0, colon), password: text.slice(colon + 1) }
}

async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('sha256:')) {
    const expected = Buffer.from(hash.slice('sha256:'.length), 'hex')
    return expected.length === 32 && timingSafeEqual(sha256(password), expected)
  }
  if (hash.startsWith('$2') || hash.startsWith('$argon2')) {
    try {
      return await Bun.password.verify(password, hash)
    } catch {
      return false
    }
  }
  return false
}

export function createAuthenticator(auth: ResolvedAuth): Authenticator {
  const remembered = new Map<string, number>()

  async function check(header: string | undefined | null): Promise<AuthOutcome> {
    if (auth.mode === 'disabled') return { ok: false, reason: 'disabled' }
    if (!header) return { ok: false, reason: 'missing' }
    const credentials = parseBasicHeader(header)
    if (!credentials) return { ok: false, reason: 'malformed' }
    if (auth.username === null || auth.secret === null) return { ok: false, reason: 'unconfigured' }

    const userMatches = safeEqual(credentials.user, auth.username)
    let passwordMatches: boolean
    if (auth.mode === 'environment') passwordMatches = safeEqual(credentials.password, auth.secret)
    else {
      const key = sha256(header).toString('hex')
      const until = remembered.get(key)
      if (until !== undefined && until > Date.now()) passwordMatches = true
      else {
        passwordMatches = await verifyPassword(credentials.password, auth.secret)
        if (passwordMatches) {
          if (remembered.size >= MAX_REMEMBERED) remembered.clear()
          remembered.set(key, Date.now() + VERIFIED_TTL_MS)
        }
      }
    }
    return userMatches && passwordMatches ? { ok: true, user: credentials.user } : { ok: false, reason: 'invalid' }
  }

  return { enabled: auth.mode !== 'disabled', check }
}
