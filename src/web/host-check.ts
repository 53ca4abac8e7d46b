/**
 * Requests the service answers at all, and state-changing requests it accepts (issue 15).
 *
 * - Host: a page of another site can make a browser send requests here through DNS rebinding
 *   (its own name resolved to 127.0.0.1), with the browser's same-origin protection on its side.
 *   Such a request carries that site's name in Host. Only IP literals (a rebinding name is never
 *   one), `localhost`, the listen address and `runtime.telemetry.allowed_hosts` are answered;
 *   anything else gets 421 before any route runs, whatever the auth setting.
 * - State-changing methods (POST, PUT, PATCH, DELETE): only from the dashboard's own origin
 *   (`Sec-Fetch-Site: same-origin`), a user's own action (`none`), or a client that is not a
 *   browser (no Sec-Fetch-Site, no Origin). `same-site` — another port or a sibling subdomain —
 *   is another origin and refused with 403.
 */
import type { MiddlewareHandler } from 'hono'
import type { Config } from '../config/resolve.ts'
import { crossSite, jsonNoStore } from './http.ts'

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
const IPV6 = /^\[[0-9a-f:.]+\]$/
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** `name`, `name:port`, `1.2.3.4:port`, `[::1]:port` → the lowercased host without port or final dot. */
export function hostNameOf(host: string): string {
  const trimmed = host.trim().toLowerCase()
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1)
  return trimmed.replace(/:\d*$/, '').replace(/\.$/, '')
}

export function allowedHostNames(config: Config): (host: string) => boolean {
  const listen = config.runtime.telemetry.listen_address.toLowerCase()
  const names = new Set(['localhost', listen.replace(/\.$/, ''), ...config.runtime.telemetry.allowed_hosts.map((name) => name.replace(/\.$/, ''))])
  return (host) => {
    const name = hostNameOf(host)
    return IPV4.test(name) || IPV6.test(name) || names.has(name)
  }
}

export function hostCheck(config: Config): MiddlewareHandler {
  const allowed = allowedHostNames(config)
  return async (c, next) => {
    // Without a Host header (HTTP/1.0, in-process requests) the URL carries the listen address.
    const host = c.req.header('host') ?? new URL(c.req.url).host
    if (!allowed(host))
      return jsonNoStore(
        c,
        {
          success: false,
          error: `this server does not answer to the host name ${JSON.stringify(hostNameOf(host).slice(0, 100))}: list it in runtime.telemetry.allowed_hosts`,
        },
        421,
      )
    await next()
  }
}

export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && crossSite(c)) return jsonNoStore(c, { success: false, error: 'cross-site request refused' }, 403)
    await next()
  }
}
