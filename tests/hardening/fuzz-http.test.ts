/**
 * Fuzzing the HTTP surface (issue 15), seeded: random methods, paths, headers and bodies against
 * the app of an evaluated service, under the access rules of auth on, auth off on loopback and
 * auth off on a public address, and against the app of a service with no evaluation yet. Every
 * request must be answered (no exception, no hang) with 2xx, 3xx or 4xx — 503 only before the
 * first evaluation — and every answer carries the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Hono } from 'hono'
import { randomInt, seededRandom } from '../../src/engine/test-fixtures.ts'
import { LatestEvaluation } from '../../src/evaluation/latest.ts'
import { createWebApp } from '../../src/web/app.ts'
import { MAX_BODY_BYTES } from '../../src/web/http.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { withConfig } from '../support/service/config.ts'
import { basicAuth, startEvaluatedMarket, type EvaluatedMarket } from '../support/service/services.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 1515)
const REQUESTS_PER_APP = 900
const FUZZ_TIMEOUT_MS = 60_000
const PASSWORD_HASH = `sha256:${new Bun.CryptoHasher('sha256').update('pw').digest('hex')}`

type Random = () => number
const pick = <T>(random: Random, list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!

// CONNECT, TRACE and TRACK cannot be sent through a fetch Request at all.
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'FOO', 'PROPFIND', 'M-SEARCH', 'get', 'X']
const PATHS = [
  '/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/api/assets',
  '/api/decisions',
  '/api/config/normalized',
  '/api/sync/transactions',
  '/api/sync-transactions',
  '/dashboard',
  '/dashboard/fragment',
  '/dashboard/login',
  '/dashboard/sync',
  '/dashboard/charts/djed/position.png',
  '/dashboard/charts/djed/prices.png',
  '/dashboard/charts/djed/rate.png',
  '/dashboard/charts/usdm/position.png',
  '/static/htmx.min.js',
  '/static/dashboard.css',
  '/favicon.ico',
]
const SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%00',
  '%ff',
  'djed',
  'x'.repeat(3000),
  '%0d%0aX:%20y',
  'über',
  ';',
  'a%2fb',
  '',
  '*',
  '~',
  'position.png',
  'api',
]
const QUERIES = [
  '',
  '?asset=djed',
  '?asset=../../x',
  '?asset=%0a',
  '?view=rate',
  '?view=nope',
  '?since=-1',
  '?since=1e999',
  '?since=abc',
  '?asset=djed&asset=usdm',
  '?%zz',
  `?a=${'b'.repeat(2000)}`,
]

function randomPath(random: Random): string {
  const base = random() < 0.7 ? pick(random, PATHS) : `/${Array.from({ length: randomInt(random, 0, 4) }, () => pick(random, SEGMENTS)).join('/')}`
  const tail = random() < 0.15 ? `/${pick(random, SEGMENTS)}` : ''
  return base + tail + pick(random, QUERIES)
}

const HEADER_CHOICES: [string, string[]][] = [
  ['host', ['localhost', '127.0.0.1:9808', 'rebind.attacker.example', '[::1]', 'LOCALHOST:1', 'a..b', '::1', '']],
  [
    'authorization',
    [
      basicAuth('ops', 'pw'),
      basicAuth('ops', 'no'),
      'Basic',
      'Basic !!!',
      'Bearer x',
      `Basic ${'A'.repeat(4000)}`,
      basicAuth('é', 'ü'),
      'basic Og==',
    ],
  ],
  [
    'content-type',
    [
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/json; charset=latin1',
      '',
    ],
  ],
  ['sec-fetch-site', ['same-origin', 'same-site', 'cross-site', 'none', 'bogus']],
  ['origin', ['http://localhost', 'http://127.0.0.1:9808', 'null', 'not a url', 'http://evil.example']],
  ['x-forwarded-for', ['203.0.113.9', '127.0.0.1', ', ,', 'garbage']],
  ['via', ['1.1 proxy']],
  ['cf-connecting-ip', ['203.0.113.1']],
  ['if-none-match', ['"1-djed-prices"', '*', 'W/"x"']],
  ['hx-request', ['true']],
  ['accept', ['text/html', 'application/json', '*/*']],
  ['content-length', ['0', '5']],
]

function randomHeaders(random: Random): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, values] of HEADER_CHOICES) if (random() < 0.25) headers[name] = pick(random, values)
  return headers
}

function randomBody(random: Random): BodyInit | undefined {
  switch (randomInt(random, 0, 7)) {
    case 0:
      return undefined
    case 1:
      return ''
    case 2:
      return JSON.stringify({ start_date: pick(random, ['2025-07-01', '2026-02-30', 'x', '']), end_date: pick(random, [null, '2025-08-01', 5]) })
    case 3:
      return pick(random, ['{', '[]', 'null', '{"start_date": {"$gt": 1}}', '{"extra": 1}', '"str"', '1e999'])
    case 4:
      return `start_date=${pick(random, ['2025-07-01', '', '%ff', '2026-02-30'])}&end_date=`
    case 5:
      return 'x'.repeat(pick(random, [MAX_BODY_BYTES - 1, MAX_BODY_BYTES + 1, 3 * MAX_BODY_BYTES]))
    case 6:
      return Uint8Array.from({ length: randomInt(random, 0, 512) }, () => randomInt(random, 0, 255))
    default:
      return '--x\r\nContent-Disposition: form-data; name="start_date"\r\n\r\n2025-07-01\r\n--x--\r\n'
  }
}

interface Answer {
  readonly request: string
  readonly status: number | string
  readonly secured: boolean
}

async function fuzz(app: Hono, random: Random, requests: number): Promise<Answer[]> {
  const answers: Answer[] = []
  for (let index = 0; index < requests; index++) {
    const method = pick(random, METHODS)
    const path = randomPath(random)
    const headers = randomHeaders(random)
    const body = method === 'GET' || method === 'HEAD' ? undefined : randomBody(random)
    const request = `${method} ${path.slice(0, 120)} ${JSON.stringify(headers).slice(0, 200)}`
    try {
      const response = await app.request(path, { method, headers, body })
      await response.arrayBuffer()
      answers.push({ request, status: response.status, secured: response.headers.get('x-content-type-options') === 'nosniff' })
    } catch (error) {
      answers.push({ request, status: `threw ${String(error)}`, secured: false })
    }
  }
  return answers
}

/** Answers outside 2xx–4xx (503 allowed where `allow503`), or without the security headers. */
function unexpected(answers: readonly Answer[], allow503: boolean): string[] {
  return answers
    .filter(({ status, secured }) => typeof status !== 'number' || !secured || status < 200 || (status >= 500 && !(allow503 && status === 503)))
    .map(({ request, status, secured }) => `${status}${secured ? '' : ' (no security headers)'} ← ${request}`)
}

describe(`HTTP fuzzing (seed ${SEED})`, () => {
  let market: EvaluatedMarket
  beforeAll(async () => {
    market = await startEvaluatedMarket()
  }, SETUP_TIMEOUT_MS)
  afterAll(() => market?.close())

  const variants: [string, () => Hono][] = [
    [
      'auth on',
      () =>
        appWithConfig(
          market.harness,
          withConfig(market.tree, { runtime: { auth: { enabled: true, username: 'ops', password_hash: PASSWORD_HASH } } }),
        ),
    ],
    [
      'auth off on loopback',
      () => appWithConfig(market.harness, withConfig(market.tree, { runtime: { telemetry: { listen_address: '127.0.0.1' } } })),
    ],
    [
      'auth off on a public address',
      () => appWithConfig(market.harness, withConfig(market.tree, { runtime: { telemetry: { listen_address: '0.0.0.0' } } })),
    ],
  ]
  for (const [index, [name, build]] of variants.entries()) {
    it(
      `${REQUESTS_PER_APP} random requests, ${name}: only 2xx/3xx/4xx, always with security headers`,
      async () => {
        const answers = await fuzz(build(), seededRandom(SEED + index), REQUESTS_PER_APP)
        expect(unexpected(answers, false).slice(0, 5)).toEqual([])
        const statuses = new Set(answers.map((answer) => answer.status))
        for (const status of [200, 401, 404, 405]) if (name === 'auth on') expect(statuses).toContain(status)
      },
      FUZZ_TIMEOUT_MS,
    )
  }

  it(
    `${REQUESTS_PER_APP} random requests before the first evaluation: 503 is the only 5xx`,
    async () => {
      const web = market.harness.services.web
      const app = createWebApp({ ...web, latest: new LatestEvaluation(), dashboard: { ...web.dashboard, latest: new LatestEvaluation() } })
      const answers = await fuzz(app, seededRandom(SEED + 10), REQUESTS_PER_APP)
      expect(unexpected(answers, true).slice(0, 5)).toEqual([])
      expect(answers.some((answer) => answer.status === 503)).toBe(true)
    },
    FUZZ_TIMEOUT_MS,
  )
})
