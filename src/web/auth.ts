/**
 * HTTP Basic authentication (PRODUCT §3 "auth"). Credentials are checked against
 * `runtime.auth.username` + `password_hash` (`sha256:<hex>`, bcrypt, argon2 via Bun.password) or
 * the predecessor's plaintext variables (`user_env` / `pass_env`, read once at startup).
 *
 * Every comparison is constant-time over UTF-8 bytes (digests of equal length), so non-ASCII
 * input can never throw and skip the check — the predecessor's bypass. A malformed header is a
 * failed check, never an exception. A successful check is remembered per header for a minute,
 * so a dashboard polling every few seconds costs one hash a minute and a known login never waits
 * behind an attack. Everything else goes through the login throttle (throttle.ts): failures are
 * limited per client address and slow hashes (bcrypt, argon2) run a few at a time.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { ResolvedAuth } from '../config/resolve.ts'
import { HashQueueFull, LoginThrottle } from './throttle.ts'

export const AUTH_CHALLENGE = 'Basic realm="Alert Orchestrator", charset="UTF-8"'

export type AuthOutcome =
  | { ok: true; user: string }
  | { ok: false; reason: 'disabled' | 'missing' | 'malformed' | 'invalid' | 'unconfigured' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }

/** The client of a request whose address is not known (in-process requests). */
export const UNKNOWN_CLIENT = 'unknown'

export interface Authenticator {
  readonly enabled: boolean
  /** `client`: the address failed attempts are counted against */
  check(authorization: string | undefined | null, client?: string): Promise<AuthOutcome>
}

/** How long a successful verification is remembered. */
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

/** bcrypt and argon2 cost tens of milliseconds of CPU by design: they go through the throttle's slots. */
const isSlowHash = (hash: string) => hash.startsWith('$2') || hash.startsWith('$argon2')

async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('sha256:')) {
    const expected = Buffer.from(hash.slice('sha256:'.length), 'hex')
    return expected.length === 32 && timingSafeEqual(sha256(password), expected)
  }
  if (isSlowHash(hash)) {
    try {
      return await Bun.password.verify(password, hash)
    } catch {
      return false
    }
  }
  return false
}

export interface AuthenticatorOptions {
  readonly throttle?: LoginThrottle
  readonly now?: () => number
}

export function createAuthenticator(auth: ResolvedAuth, options: AuthenticatorOptions = {}): Authenticator {
  const throttle = options.throttle ?? new LoginThrottle()
  const now = options.now ?? (() => Date.now())
  const remembered = new Map<string, number>()

  /** null: the client got blocked while its check waited for a hash slot (no hash computed). */
  async function verify(user: string, password: string, secret: string, client: string): Promise<boolean | null> {
    const userMatches = safeEqual(user, auth.username!)
    if (auth.mode === 'environment') return userMatches && safeEqual(password, secret)
    if (!isSlowHash(secret)) return userMatches && (await verifyPassword(password, secret))
    // Checked again once a slot is free: a flood's queued attempts stop at the client's budget.
    const passwordMatches = await throttle.hashSlot(async () =>
      throttle.retryAfterSeconds(client) === null ? verifyPassword(password, secret) : null,
    )
    return passwordMatches === null ? null : userMatches && passwordMatches
  }

  async function check(header: string | undefined | null, client = UNKNOWN_CLIENT): Promise<AuthOutcome> {
    if (auth.mode === 'disabled') return { ok: false, reason: 'disabled' }
    if (!header) return { ok: false, reason: 'missing' }
    const credentials = parseBasicHeader(header)
    if (!credentials) return { ok: false, reason: 'malformed' }
    if (auth.username === null || auth.secret === null) return { ok: false, reason: 'unconfigured' }

    const key = sha256(header).toString('hex')
    const until = remembered.get(key)
    if (until !== undefined && until > now()) return { ok: true, user: credentials.user }

    const retryAfterSeconds = throttle.retryAfterSeconds(client)
    if (retryAfterSeconds !== null) return { ok: false, reason: 'throttled', retryAfterSeconds }
    let valid: boolean | null
    try {
      valid = await verify(credentials.user, credentials.password, auth.secret, client)
    } catch (error) {
      if (error instanceof HashQueueFull) return { ok: false, reason: 'throttled', retryAfterSeconds: 1 }
      throw error
    }
    if (valid === null) return { ok: false, reason: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds(client) ?? 1 }
    if (!valid) {
      throttle.recordFailure(client)
      return { ok: false, reason: 'invalid' }
    }
    throttle.recordSuccess(client)
    if (remembered.size >= MAX_REMEMBERED) remembered.clear()
    remembered.set(key, now() + VERIFIED_TTL_MS)
    return { ok: true, user: credentials.user }
  }

  return { enabled: auth.mode !== 'disabled', check }
}
