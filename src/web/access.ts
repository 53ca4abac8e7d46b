/**
 * Who may see and do what, beside auth.ts (which checks credentials). Access rules:
 *
 * - auth enabled: protected routes need valid Basic credentials (401 otherwise);
 * - auth disabled on a loopback address: the local operator is trusted;
 * - auth disabled on any other address: nobody sees per-wallet details and state-changing
 *   routes answer 403 saying how to enable auth;
 * - a request relayed by a proxy (any of proxy.ts's headers) is never the local operator;
 * - failed logins are throttled per client address (throttle.ts): 429 with Retry-After.
 *
 * Refusals are thrown as `AppError('unauthorized' | 'forbidden' | 'throttled')`; the app's one error handler
 * (http.ts `installErrorHandling`) turns them into responses.
 */
import type { Context } from 'hono'
import type { Config } from '../config/resolve.ts'
import { AppError } from '../errors.ts'
import type { Authenticator } from './auth.ts'
import type { Viewer } from './present.ts'

import { clientAddress, isLoopbackAddress, isProxied } from './proxy.ts'

export const AUTHENTICATION_REQUIRED = 'authentication required'

export interface AccessPolicy {
  viewer(c: Context): Promise<Viewer>
  /** resolves when allowed; throws the `unauthorized` / `forbidden` AppError otherwise */
  require(c: Context, kind: 'read' | 'write'): Promise<void>
  /** whether `require(c, 'write')` would pass (the dashboard shows its sync form only then) */
  mayWrite(c: Context): Promise<boolean>
}

export function accessPolicy(config: Config, auth: Authenticator): AccessPolicy {
  const listen = config.runtime.telemetry.listen_address
  const loopbackOnly = !auth.enabled && isLoopbackAddress(listen)
  const trusted = (c: Context) => loopbackOnly && !isProxied(c)
  const check = (c: Context) => auth.check(c.req.header('authorization'), clientAddress(c))
  const authenticated = async (c: Context) => (await check(c)).ok
  const require = async (c: Context, kind: 'read' | 'write') => {
    if (auth.enabled) {
      const outcome = await check(c)
      if (outcome.ok) return
      if (outcome.reason === 'throttled')
        throw new AppError('throttled', `too many failed logins from this address: try again in ${outcome.retryAfterSeconds} s`, {
          details: { retryAfterSeconds: outcome.retryAfterSeconds },
        })
      throw new AppError('unauthorized', AUTHENTICATION_REQUIRED)
    }
    if (kind === 'write' && !trusted(c))
      throw new AppError(
        'forbidden',
        `authentication is disabled and the service listens on ${listen}: enable runtime.auth (username + password_hash) to use ${c.req.path}`,
      )
  }
  return {
    viewer: async (c) => {
      if (!auth.enabled) return { authenticated: trusted(c), seesAmounts: true }
      const ok = await authenticated(c)
      return { authenticated: ok, seesAmounts: ok }
    },
    require,
    mayWrite: (c) =>
      require(c, 'write').then(
        () => true,
        () => false,
      ),
  }
}
