/**
 * Who may see and do what, beside auth.ts (which checks credentials). Access rules:
 *
 * - auth enabled: protected routes need valid Basic credentials (401 otherwise);
 * - auth disabled on a loopback address: the local operator is trusted;
 * - auth disabled on any other address: nobody sees per-wallet details and state-changing
 *   routes answer 403 saying how to enable auth.
 *
 * Refusals are thrown as `AppError('unauthorized' | 'forbidden')`; the app's one error handler
 * (http.ts `installErrorHandling`) turns them into responses.
 */
import type { Context } from 'hono'
import type { Config } from '../config/resolve.ts'
import { AppError } from '../errors.ts'
import type { Authenticator } from './auth.ts'
import type { Viewer } from './present.ts'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i

export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.test(address.trim())
}

/** A request relayed by a proxy: its real client is not the local operator. */
function forwarded(c: Context): boolean {
  return c.req.header('forwarded') !== undefined || c.req.header('x-forwarded-for') !== undefined
}

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
  const trusted = (c: Context) => loopbackOnly && !forwarded(c)
  const authenticated = async (c: Context) => (await auth.check(c.req.header('authorization'))).ok
  const require = async (c: Context, kind: 'read' | 'write') => {
    if (auth.enabled) {
      if (!(await authenticated(c))) throw new AppError('unauthorized', AUTHENTICATION_REQUIRED)
      return
    }
    if (kind === 'write' && !trusted(c))
      throw new AppError(
        'forbidden',
        `authentication is disabled and the service listens on ${listen}: enable runtime.auth (username + password_hash) to use ${c.req.path}`,
      )
  }
  return {
    viewer: async (c) => ({ authenticated: auth.enabled ? await authenticated(c) : trusted(c) }),
    require,
    mayWrite: (c) =>
      require(c, 'write').then(
        () => true,
        () => false,
      ),
  }
}
