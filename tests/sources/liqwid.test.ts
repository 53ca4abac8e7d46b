import { afterEach, beforeEach, describe, expect, it } from 'bun:test'
import { isAppError } from '../../src/errors.ts'
import { captureLogs } from '../../src/log.ts'
import { createLiqwidClient, type LiqwidClient } from '../../src/sources/liqwid.ts'
import { WALLET_A, WALLET_B, txHash } from '../fakes/fixtures.ts'
import { graphqlErrors, liqwidMarket, liqwidTx, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { appErrorOf } from '../support/errors.ts'

/** Short deadlines so failure paths finish in milliseconds. */
const FAST = { timeoutMs: 300, retries: 2, backoffMs: 5 }

let liqwid: FakeLiqwid
let client: LiqwidClient

beforeEach(() => {
  liqwid = startFakeLiqwid()
  client = createLiqwidClient({ endpoint: liqwid.endpoint, ...FAST })
})

afterEach(async () => {
  await liqwid.stop()
})

const failure = appErrorOf

function history(count: number, wallet = WALLET_A, from = Date.parse('2025-07-01T00:00:00Z')) {
  return Array.from({ length: count }, (_, i) =>
    liqwidTx({
      id: txHash(`${wallet}:${i}`),
      type: i % 3 === 0 ? 'WITHDRAW' : 'SUPPLY',
      displayName: 'DJED',
      time: new Date(from + i * 3_600_000).toISOString(),
      amount: 10 + i,
    }),
  )
}

describe('Liqwid GraphQL requests', () => {
  it('posts {query, variables} as JSON with JSON headers and names itself in x-app-source', async () => {
    await client.fetchMarkets()
    await client.fetchTransactions(WALLET_A, '2025-07-01', '2025-07-02')
    const [request] = liqwid.requests
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe('/graphql')
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.headers.accept).toBe('application/json')
    expect(request!.body).toEqual({ query: expect.stringContaining('query GetAllMarkets'), variables: {} })
    expect(liqwid.requests.map((sent) => sent.headers['x-app-source'])).toEqual(['alert-orchestrator', 'alert-orchestrator'])
  })

  it('is refused by the schema when it sends an input field the API does not define (HTTP 400, not retried)', async () => {
    const response = await fetch(liqwid.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query T($input: HistoricalTransactionInput) { historical { transactions(input: $input) { totalCount } } }',
        variables: { input: { addresses: [WALLET_A], date: { startTime: '2025-07-01T00:00:00Z', endTime: '2025-07-02T00:00:00Z' }, page: 1 } },
      }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { errors: { message: string }[] }
    expect(body.errors[0]!.message).toContain('"page"')
    expect(body.errors[0]!.message).toContain('HistoricalTransactionInput')
  })

  it('is refused by the schema for an unknown field or a wrong type', async () => {
    const ask = async (query: string, variables: unknown = {}) =>
      (await fetch(liqwid.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }))
        .status
    expect(await ask('{ liqwid { data { markets { results { id nonsense } } } } }')).toBe(400)
    expect(
      await ask('query M($input: MarketsInput) { liqwid { data { markets(input: $input) { totalCount } } } }', { input: { perPage: 'ten' } }),
    ).toBe(400)
    expect(await ask('{ liqwid { data { markets { results { id displayName } } } } }')).toBe(200)
  })
})

describe('markets and prices', () => {
  it('parses markets and skips a malformed one', async () => {
    // the schema would refuse to send it, so the malformed answer is injected as is
    const market = (id: string) =>
      liqwidMarket({
        id,
        assetSymbol: id === 'USDC' ? 'wanUSDC' : id,
        price: id === 'USDC' ? 0.9998 : 1.0012,
        priceUpdatedAt: '2025-07-01T00:00:00.000Z',
      })
    liqwid.faults.add(
      {
        kind: 'json',
        body: { data: { liqwid: { data: { markets: { results: [market('DJED'), market('USDC'), { id: 'BROKEN', displayName: 'BROKEN' }] } } } } },
      },
      1,
    )
    const lines: string[] = []
    const restore = captureLogs((line) => lines.push(line))
    const markets = await client.fetchMarkets().finally(restore)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('msg="liqwid markets skipped: malformed" skipped=1 kept=2')
    expect(markets).toHaveLength(2)
    expect(markets[1]).toEqual({
      id: 'USDC',
      name: 'wanUSDC',
      underlyingSymbol: 'wanUSDC',
      underlyingDecimals: 8,
      underlyingPrice: 0.9998,
      priceUpdatedAtMs: Date.parse('2025-07-01T00:00:00.000Z'),
      qtokenPolicy: 'a04ce7a52545e5e33c2867e148898d9e667a69602285f6a1298f9d68',
      qtokenSymbol: 'qUSDC',
      qtokenDecimals: 6,
      exchangeRate: 0.0213,
    })
  })

  it('returns the requested asset prices that are listed with a price', async () => {
    liqwid.assets = [...liqwid.assets, { symbol: 'iUSD', price: 0.98 }, { symbol: 'USDM', price: null }]
    const prices = await client.fetchAssetPrices(['DJED', 'IUSD', 'USDM', 'NOPE'])
    expect([...prices]).toEqual([
      ['DJED', 1.0012],
      ['IUSD', 0.98],
    ])
  })

  it('finds USDC under its wrapped market symbol', async () => {
    expect(await client.latestPriceUsd('usdc')).toBe(0.9998)
    expect(liqwid.requestsFor('assets')).toHaveLength(0)
  })

  it('falls back to the assets list when no market has a price', async () => {
    liqwid.markets = [liqwidMarket({ id: 'DJED', assetSymbol: 'DJED', price: null })]
    expect(await client.latestPriceUsd('djed')).toBe(1.0012)
    expect(await client.latestPriceUsd('usdm')).toBeNull()
  })

  it('refuses a market price older than the maximum age as stale, without asking the assets list', async () => {
    const now = Date.parse('2026-07-16T15:47:08Z')
    // the recorded answer: wanUSDC's price last updated 2024-12-09
    liqwid.markets = [liqwidMarket({ id: 'USDC', assetSymbol: 'wanUSDC', price: 1, priceUpdatedAt: '2024-12-09T14:04:00.795Z' })]
    const strict = createLiqwidClient({ endpoint: liqwid.endpoint, ...FAST, maxPriceAgeMs: 24 * 3_600_000, now: () => now })
    const error = await failure(strict.latestPriceUsd('usdc'))
    expect(error.code).toBe('price_stale')
    expect(error.message).toBe('liqwid: the wanUSDC price was last updated 2024-12-09T14:04:00.795Z (14018 h ago, more than 24 h): stale, not used')
    expect(liqwid.requestsFor('assets')).toHaveLength(0)
    liqwid.markets = [liqwidMarket({ id: 'USDC', assetSymbol: 'wanUSDC', price: 1, priceUpdatedAt: '2026-07-16T14:03:18.000Z' })]
    expect(await strict.latestPriceUsd('usdc')).toBe(1)
  })

  it('falls back to the assets list when the markets query fails', async () => {
    liqwid.faults.add(graphqlErrors('markets are down'), 1)
    expect(await client.latestPriceUsd('djed')).toBe(1.0012)
  })

  it('fails when both queries fail, with the first failure', async () => {
    liqwid.faults.add(graphqlErrors('markets are down'), 1)
    liqwid.faults.add(graphqlErrors('assets are down'), 1)
    expect((await failure(client.latestPriceUsd('djed'))).message).toBe('liqwid: GraphQL error: markets are down')
  })
})

describe('failures', () => {
  it('reports GraphQL errors with their joined messages and does not retry them', async () => {
    liqwid.faults.add(graphqlErrors('Too many requests', 'try later'))
    const error = await failure(client.fetchMarkets())
    expect(error.code).toBe('upstream_invalid')
    expect(error.message).toBe('liqwid: GraphQL error: Too many requests; try later')
    expect(liqwid.requests).toHaveLength(1)
  })

  it('retries HTTP 500 and succeeds when the server recovers', async () => {
    liqwid.faults.add({ kind: 'status', status: 500 }, 2)
    expect(await client.fetchMarkets()).toHaveLength(2)
    expect(liqwid.requests).toHaveLength(3)
  })

  it('retries HTTP 500 then fails with the status and the attempt count', async () => {
    liqwid.faults.add({ kind: 'status', status: 500 })
    const error = await failure(client.fetchMarkets())
    expect(error.code).toBe('upstream_http')
    expect(error.message).toBe('liqwid: HTTP 500: {"error":"injected HTTP 500"} (attempt 3 of 3)')
    expect(error.details.status).toBe(500)
    expect(liqwid.requests).toHaveLength(3)
  })

  it('does not retry a 4xx answer', async () => {
    liqwid.faults.add({ kind: 'status', status: 400 })
    expect((await failure(client.fetchMarkets())).code).toBe('upstream_http')
    expect(liqwid.requests).toHaveLength(1)
  })

  it('retries malformed JSON then fails as invalid', async () => {
    liqwid.faults.add({ kind: 'malformed_json' })
    const error = await failure(client.fetchMarkets())
    expect(error.code).toBe('upstream_invalid')
    expect(error.message).toStartWith('liqwid: invalid JSON: {"data": {"truncated":')
    expect(liqwid.requests).toHaveLength(3)
  })

  it('times out a server that never answers, within the deadline of each attempt', async () => {
    liqwid.faults.add({ kind: 'hang' })
    const once = createLiqwidClient({ endpoint: liqwid.endpoint, timeoutMs: 100, retries: 1, backoffMs: 5 })
    const started = performance.now()
    const error = await failure(once.fetchMarkets())
    const elapsed = performance.now() - started
    expect(error.code).toBe('upstream_timeout')
    expect(error.message).toBe('liqwid: no answer within 100 ms (attempt 2 of 2)')
    expect(elapsed).toBeGreaterThanOrEqual(195)
    expect(elapsed).toBeLessThan(1_000)
    expect(liqwid.requests).toHaveLength(2)
  })

  it('stops at once when the caller aborts, without retrying', async () => {
    liqwid.faults.add({ kind: 'hang' })
    const controller = new AbortController()
    const pending = client.fetchMarkets(controller.signal)
    setTimeout(() => controller.abort(new Error('shutting down')), 20)
    await expect(pending).rejects.toThrow('shutting down')
    expect(liqwid.requests).toHaveLength(1)
  })

  it('reports a connection that is refused as an HTTP failure', async () => {
    await liqwid.stop()
    const error = await failure(client.fetchMarkets())
    expect(error.code).toBe('upstream_http')
    expect(error.message).toMatch(/^liqwid: request failed: .* \(attempt 3 of 3\)$/)
  })
})

describe('transaction history', () => {
  it('splits the window until every part is complete: 250 transactions, 100 per answer', async () => {
    liqwid.addTransactions(WALLET_A, history(250))
    liqwid.addTransactions(WALLET_B, history(5, WALLET_B))
    const result = await client.fetchTransactions(WALLET_A, '2025-07-01', '2025-12-31', undefined)
    expect(result.totalCount).toBe(250)
    expect(result.transactions).toHaveLength(250)
    expect(new Set(result.transactions.map((tx) => tx.id)).size).toBe(250)
    expect(result.rejected).toEqual([])

    const inputs = liqwid.requestsFor('transactions').map((request) => (request.body as { variables: { input: unknown } }).variables.input)
    expect(result.requests).toBe(inputs.length)
    expect(inputs.length).toBeGreaterThan(3)
    // exactly the documented input, nothing else
    expect(inputs[0]).toEqual({ addresses: [WALLET_A], date: { startTime: '2025-07-01T00:00:00Z', endTime: '2025-12-31T23:59:59Z' } })
    for (const input of inputs) expect(Object.keys(input as object).sort()).toEqual(['addresses', 'date'])
  })

  it('fails for the wallet, naming the dates, when a window cannot be completed', async () => {
    const sameSecond = Array.from({ length: 101 }, (_, i) =>
      liqwidTx({ id: txHash(`burst:${i}`), type: 'SUPPLY', displayName: 'DJED', time: '2025-07-15T08:00:00.000Z', amount: 1 }),
    )
    liqwid.addTransactions(WALLET_A, sameSecond)
    const error = await failure(client.fetchTransactions(WALLET_A, '2025-07-01', '2025-07-31'))
    expect(error.code).toBe('upstream_invalid')
    expect(error.message).toMatch(/^liqwid: 2025-07-15T0\S* … 2025-07-15T08:00:\S* holds 101 transactions but the answer carries 100/)
    expect(error.details).toMatchObject({ wallet: WALLET_A, totalCount: 101, received: 100 })
    expect(liqwid.requestsFor('transactions').length).toBeLessThan(80)
  })

  it('keeps only the window and parses time as UTC', async () => {
    liqwid.addTransactions(WALLET_A, [
      liqwidTx({ id: txHash('in'), type: 'SUPPLY', displayName: 'DJED', time: '2025-07-15T08:12:34.000Z', amount: 1000 }),
      liqwidTx({ id: txHash('out'), type: 'SUPPLY', displayName: 'DJED', time: '2025-06-30T23:59:59.000Z', amount: 1 }),
    ])
    const result = await client.fetchTransactions(WALLET_A, '2025-07-01', '2025-07-31')
    expect(result.transactions.map((tx) => [tx.id, tx.timeMs, tx.amount])).toEqual([[txHash('in'), 1752567154000, 1000]])
  })

  it('asks once when there is nothing to fetch', async () => {
    const result = await client.fetchTransactions(WALLET_A, null, null)
    expect(result).toMatchObject({ totalCount: 0, requests: 1, transactions: [] })
    expect(liqwid.requestsFor('transactions')).toHaveLength(1)
  })

  it('returns malformed results apart instead of failing the page', async () => {
    const valid = liqwidTx({ id: txHash('ok'), type: 'SUPPLY', displayName: 'DJED', time: '2025-07-15T08:12:34Z', amount: 5 })
    liqwid.addTransactions(WALLET_A, [
      valid,
      { ...valid, id: txHash('rfc-time'), time: 'Mon, 14 Jul 2025 00:00:00 GMT' },
      { ...valid, id: txHash('no-amount'), time: '2025-07-13T00:00:00Z', amount: null as unknown as number },
    ])
    const result = await client.fetchTransactions(WALLET_A, '2025-07-01', '2025-07-31')
    expect(result.transactions.map((tx) => tx.id)).toEqual([txHash('ok')])
    expect(result.rejected).toEqual([
      { id: txHash('rfc-time'), reason: 'unreadable time "Mon, 14 Jul 2025 00:00:00 GMT"' },
      { id: txHash('no-amount'), reason: 'missing or invalid amount' },
    ])
  })

  it('fails with the GraphQL error of a window, without retrying it', async () => {
    liqwid.addTransactions(WALLET_A, history(150))
    liqwid.faults.add({ kind: 'delay', ms: 0 }, 1)
    liqwid.faults.add(graphqlErrors('window 2 exploded'), 1)
    const error = await failure(client.fetchTransactions(WALLET_A, '2025-07-01', '2025-12-31'))
    expect(error.message).toBe('liqwid: GraphQL error: window 2 exploded')
    expect(liqwid.requestsFor('transactions')).toHaveLength(2)
  })

  it('rejects a bad window before calling Liqwid', async () => {
    const error = await failure(client.fetchTransactions(WALLET_A, '2025-07-01T10:00:00', null))
    expect(isAppError(error, 'bad_request')).toBe(true)
    expect(liqwid.requests).toHaveLength(0)
  })
})
