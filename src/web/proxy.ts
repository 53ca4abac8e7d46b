/**
 * Who sent a request: whether a proxy relayed it, and the client address failed logins are
 * counted against. Any of the headers proxies and CDNs add marks a request as relayed, so a
 * request through a reverse proxy on the same machine is never taken for the local operator.
 */
import type { Context } from 'hono'
import { UNKNOWN_CLIENT } from './auth.ts'

/** Headers set by reverse proxies, load balancers and CDNs (nginx, Caddy, Cloudflare, Akamai, …). */
export const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'true-client-ip', 'cf-connecting-ip', 'via'] as const

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i

export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.test(address.trim())
}

/** A request relayed by a proxy: its real client is not the local operator. */
export function isProxied(c: Context): boolean {
  return PROXY_HEADERS.some((name) => c.req.header(name) !== undefined)
}

interface SocketInfo {
  requestIP?(request: Request): { address: string } | null
}

/** The peer of the TCP connection (Bun passes its server as the app's env), when known. */
function peerAddress(c: Context): string | null {
  try {
    return (c.env as SocketInfo | undefined)?.requestIP?.(c.req.raw)?.address ?? null
  } catch {
    return null
  }
}

/**
 * The address failed logins count against: the socket peer, or — when that peer is a proxy on
 * this machine — the address that proxy appended to X-Forwarded-For (the last entry: earlier ones
 * are whatever the client claimed). A remote peer's headers are never believed.
 */
export function clientAddress(c: Context): string {
  const peer = peerAddress(c)
  if (peer === null) return UNKNOWN_CLIENT
  if (!isLoopbackAddress(peer)) return peer
  const relayed = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
  return relayed ? relayed : peer
}
