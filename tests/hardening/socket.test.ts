/**
 * The server on a real socket, spoken to in raw HTTP/1.1 (issue 15): a method no parser knows,
 * a foreign Host (DNS rebinding), malformed request lines and oversized headers each get an
 * answer — never a connection closed without a byte — and a seeded fuzz of raw requests only
 * ever gets 2xx, 3xx or 4xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connect } from 'node:net'
import { randomInt, seededRandom } from '../../src/engine/test-fixtures.ts'
import { startWebServer, type WebServer } from '../../src/web/server.ts'
import { WALLET_A } from '../fakes/fixtures.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { startEvaluatedMarket, type EvaluatedMarket } from '../support/service/services.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 1515)
const RAW_REQUESTS = 400
/** A connection must answer or close within this; a hang fails the test instead of stalling it. */
const ANSWER_DEADLINE_MS = 10_000

let market: EvaluatedMarket
let server: WebServer
let port: number

beforeAll(async () => {
  // auth off on loopback (the base config's listener): the setting under which DNS rebinding
  // exposed wallet addresses; the fake Liqwid API makes the sync available
  market = await startEvaluatedMarket()
  server = await startWebServer(market.harness.services, { port: 0 })
  port = Number(new URL(server.url).port)
}, SETUP_TIMEOUT_MS)

afterAll(async () => {
  await server?.stop()
  await market?.close()
})

/** Sends raw bytes on a new connection; resolves with everything received until the server closes. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw))
    let received = ''
    const deadline = setTimeout(() => {
      socket.destroy()
      reject(
        new Error(
          `no answer or close within ${ANSWER_DEADLINE_MS} ms to ${JSON.stringify(raw.slice(0, 80))}; got ${JSON.stringify(received.slice(0, 80))}`,
        ),
      )
    }, ANSWER_DEADLINE_MS)
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => (received += chunk))
    socket.on('close', () => {
      clearTimeout(deadline)
      resolve(received)
    })
    socket.on('error', () => {}) // a reset after the answer still resolves on close
  })
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.[01] (\d{3}) /.exec(answer)?.[1] ?? Number.NaN)
const headerOf = (answer: string, name: string) => new RegExp(`^${name}: *(.*)$`, 'im').exec(answer.split('\r\n\r\n')[0]!)?.[1]?.trim()

describe('answers every request on the socket', () => {
  it('answers an unknown method with 405 and Allow instead of closing the connection', async () => {
    for (const method of ['FOO', 'BREW', 'get', 'GETS']) {
      const answer = await exchange(`${method} /api/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      expect(statusOf(answer), method).toBe(405)
      expect(headerOf(answer, 'allow'), method).toBe('GET, HEAD, POST')
      expect(headerOf(answer, 'x-content-type-options'), method).toBe('nosniff')
    }
  })

  it('answers 421 to a foreign Host over the socket (DNS rebinding), and serves its own', async () => {
    const rebound = await exchange(`GET /api/decisions HTTP/1.1\r\nHost: rebind.attacker.example:${port}\r\nConnection: close\r\n\r\n`)
    expect(statusOf(rebound)).toBe(421)
    expect(rebound).not.toContain(WALLET_A)
    const sync = await exchange(
      `POST /api/sync/transactions HTTP/1.1\r\nHost: rebind.attacker.example:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    )
    expect(statusOf(sync)).toBe(421)
    const own = await exchange(`GET /api/decisions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
    expect(statusOf(own)).toBe(200)
    expect(own).toContain(WALLET_A) // the local operator, unproxied
  })

  it.each([
    ['an absolute-form target', 'GET http://rebind.attacker.example/api/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a request line without a version', 'GET /healthz\r\n\r\n', 400],
    ['headers larger than the parser takes', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`, 431],
    ['HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n', 200],
  ])('answers %s', async (_name, raw, status) => {
    expect(statusOf(await exchange(raw))).toBe(status)
  })

  it(`answers ${RAW_REQUESTS} random raw requests with 2xx/3xx/4xx, never a silent close`, async () => {
    const random = seededRandom(SEED + 20)
    const pick = <T>(list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'FOO', 'get', 'PROPFIND', 'M-SEARCH', 'G@T', '']
    const paths = [
      '/',
      '/healthz',
      '/api/decisions',
      '/api/sync/transactions',
      '/dashboard',
      '/dashboard/charts/djed/prices.png',
      '/%00',
      '/../etc',
      '*',
      '',
    ]
    const hosts = ['127.0.0.1', `localhost:${port}`, 'rebind.attacker.example', '', '[::1]']
    const failures: string[] = []
    for (let index = 0; index < RAW_REQUESTS; index++) {
      const headers = [`Host: ${pick(hosts)}`, 'Connection: close']
      if (random() < 0.3) headers.push(pick(['Sec-Fetch-Site: same-site', 'X-Real-IP: 1.2.3.4', 'Content-Type: application/json', 'Origin: null']))
      // A complete body, as announced (a body shorter than announced is the client still sending).
      let body = random() < 0.4 ? pick(['abc', '{"start_date":1}', '{}', 'x'.repeat(20_000)]) : ''
      if (body !== '' && random() < 0.5) {
        headers.push('Transfer-Encoding: chunked')
        body = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`
      } else if (body !== '') headers.push(`Content-Length: ${body.length}`)
      const raw = `${pick(methods)} ${pick(paths)} ${pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9'])}\r\n${headers.join('\r\n')}\r\n\r\n${body}`
      const status = statusOf(await exchange(raw))
      if (!(status >= 200 && status < 500)) failures.push(`${status} ← ${JSON.stringify(raw.slice(0, 120))}`)
    }
    expect(failures.slice(0, 5)).toEqual([])
  }, 60_000)
})
