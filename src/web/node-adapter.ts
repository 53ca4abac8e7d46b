/**
 * The Hono app behind `node:http` (Bun's implementation). Bun.serve closes the connection without
 * a byte on a method its parser does not know (`FOO / HTTP/1.1`; oven-sh/bun#6556, still so in
 * 1.4), and offers no hook to answer it; Bun's node:http server reports it as a `clientError`, so
 * every request gets an answer: the app's for what parses, 405 with Allow (unknown method), 431
 * (headers too large) or 400 for what does not.
 *
 * A request becomes a fetch Request with the origin of the listen address and the path the client
 * sent (never an absolute-form URL: the Host header, checked by host-check.ts, says whom it was
 * for); the socket's peer address is passed as the app's env, like Bun.serve passes itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'

export type FetchHandler = (request: Request, env: SocketEnv) => Response | Promise<Response>

/** What the app reads of the connection (proxy.ts): Bun.serve's `requestIP`, same shape. */
export interface SocketEnv {
  requestIP(request: Request): { address: string; family: string; port: number } | null
}

/** Headers every answer carries, also the ones written before the app runs. */
const BARE_ANSWER_HEADERS = [
  'Content-Type: application/json; charset=utf-8',
  'Cache-Control: no-store',
  'X-Content-Type-Options: nosniff',
  'X-Frame-Options: DENY',
  "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy: no-referrer',
  'Connection: close',
]

function bareAnswer(status: number, reason: string, error: string, extra: string[] = []): string {
  const body = JSON.stringify({ success: false, error })
  const headers = [...BARE_ANSWER_HEADERS, ...extra, `Content-Length: ${Buffer.byteLength(body)}`, `Date: ${new Date().toUTCString()}`]
  return `HTTP/1.1 ${status} ${reason}\r\n${headers.join('\r\n')}\r\n\r\n${body}`
}

/** Methods the app routes; an unknown one is told what exists. */
const KNOWN_METHODS = 'GET, HEAD, POST'

/** The answer to a request the HTTP parser refused, by the parser's error code. */
export function parserErrorAnswer(code: string | undefined): string {
  if (code === 'HPE_INVALID_METHOD')
    return bareAnswer(405, 'Method Not Allowed', `unknown HTTP method; use ${KNOWN_METHODS}`, [`Allow: ${KNOWN_METHODS}`])
  if (code === 'HPE_HEADER_OVERFLOW') return bareAnswer(431, 'Request Header Fields Too Large', 'request headers too large')
  return bareAnswer(400, 'Bad Request', 'malformed HTTP request')
}

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy()
  socket.end(parserErrorAnswer(error.code))
}

const BODYLESS = new Set(['GET', 'HEAD'])

function toRequest(incoming: IncomingMessage, origin: string): Request | null {
  const target = incoming.url ?? ''
  if (!target.startsWith('/')) return null
  const headers = new Headers()
  for (let index = 0; index < incoming.rawHeaders.length; index += 2) headers.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!)
  const method = incoming.method ?? 'GET'
  return new Request(origin + target, {
    method,
    headers,
    body: BODYLESS.has(method) ? undefined : (Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>),
    duplex: 'half',
  } as RequestInit)
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: string[] = []
  for (const [name, value] of response.headers) headers.push(name, value)
  outgoing.writeHead(response.status, headers)
  if (response.body === null) return void outgoing.end()
  const reader = response.body.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    if (!outgoing.write(chunk.value)) await new Promise((resolve) => outgoing.once('drain', resolve))
  outgoing.end()
}

/** The node:http request listener that runs `fetch` for every request. */
export function nodeListener(fetch: FetchHandler, origin: string) {
  return async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const peer = incoming.socket.remoteAddress
    const env: SocketEnv = {
      requestIP: () => (peer ? { address: peer, family: incoming.socket.remoteFamily ?? 'IPv4', port: incoming.socket.remotePort ?? 0 } : null),
    }
    try {
      const request = toRequest(incoming, origin)
      if (request === null) {
        outgoing.socket?.end(bareAnswer(400, 'Bad Request', 'the request target must be a path'))
        return
      }
      await writeResponse(await fetch(request, env), outgoing)
    } catch (error) {
      // The app answers its own errors; this is a broken connection or a bug in this file.
      log.warn('HTTP response not completed', { path: incoming.url?.slice(0, 200), error: describeError(error) })
      if (!outgoing.headersSent) outgoing.socket?.end(bareAnswer(500, 'Internal Server Error', 'internal error'))
      else outgoing.destroy()
    }
  }
}
