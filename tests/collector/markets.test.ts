/**
 * Liqwid's markets as the collector reads them, against the schema-checked fake: every page,
 * receipt units and exact exchange rates, a malformed market skipped on its own, GraphQL errors,
 * and a document the API does not know refused as the API refuses it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { COLLECTOR_MARKETS_QUERY, fetchCollectorMarkets, marketForAsset } from '../../src/collector/markets.ts'
import type { RetryPolicy } from '../../src/sources/http.ts'
import { receiptUnit, recordedMarkets, startFakeLiqwidMarkets, type FakeLiqwidMarkets, type FakeMarket } from '../fakes/liqwid-markets.ts'
import { appErrorOf } from '../support/errors.ts'

const POLICY: RetryPolicy = { timeoutMs: 2_000, retries: 0, backoffMs: 1, retryInvalidJson: false, requireJsonContentType: false }

describe('Liqwid markets for the collector', () => {
  let liqwid: FakeLiqwidMarkets

  beforeAll(() => {
    liqwid = startFakeLiqwidMarkets()
  })
  afterEach(() => {
    liqwid.markets = recordedMarkets()
    liqwid.faults.clear()
    liqwid.requests.length = 0
  })
  afterAll(() => liqwid.stop())

  it('reads every market with its receipt unit, decimals, price and the exchange rate as sent', async () => {
    const { markets, rejected } = await fetchCollectorMarkets(liqwid.endpoint, POLICY)
    expect(rejected).toEqual([])
    const djed = markets.find((market) => market.id === 'DJED')
    expect(djed).toEqual({
      id: 'DJED',
      displayName: 'DJED',
      assetSymbol: 'DJED',
      decimals: 6,
      priceUsd: 0.99086,
      exchangeRate: { coefficient: 20587331244953n, exponent: -15 },
      receiptUnit: receiptUnit('DJED'),
    })
    expect(liqwid.requests[0]!.body).toEqual({ query: COLLECTOR_MARKETS_QUERY, variables: { input: { page: 0, perPage: 100 } } })
  })

  it('follows pagesCount when the API pages the markets', async () => {
    const many: FakeMarket[] = Array.from({ length: 230 }, (_, index) => ({ ...recordedMarkets()[1]!, id: `M${index}` }))
    liqwid.markets = many
    const { markets } = await fetchCollectorMarkets(liqwid.endpoint, POLICY)
    expect(markets.map((market) => market.id)).toEqual(many.map((market) => market.id))
    expect(liqwid.requests.map((request) => (request.body as { variables: unknown }).variables)).toEqual(
      [0, 1, 2].map((page) => ({ input: { page, perPage: 100 } })),
    )
  })

  it('skips a market it cannot value and keeps the others', async () => {
    liqwid.markets = recordedMarkets().map((market) =>
      market.id === 'USDM' ? { ...market, receiptAsset: { ...market.receiptAsset, id: 'qUSDM' } } : market,
    )
    const { markets, rejected } = await fetchCollectorMarkets(liqwid.endpoint, POLICY)
    expect(markets.map((market) => market.id)).toEqual(['Ada', 'DJED', 'USDT'])
    expect(rejected).toEqual([{ id: 'USDM', reason: 'receiptAsset.id: must be policy id + asset name in hex' }])
  })

  it('fails with the messages of a GraphQL errors answer, and on a document the schema refuses', async () => {
    liqwid.faults.add({ kind: 'json', body: { errors: [{ message: 'rate limited' }] } }, 1)
    expect((await appErrorOf(fetchCollectorMarkets(liqwid.endpoint, POLICY))).message).toBe('liqwid: GraphQL error: rate limited')
    const refused = await fetch(liqwid.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ liqwid { data { markets(input: { pageSize: 5 }) { results { id qTokenBalance } } } } }' }),
    }).then((response) => response.json())
    expect(refused.errors.map((error: { message: string }) => error.message)).toEqual([
      'Expected value of type "MarketsInput" not to include unknown field "pageSize". Did you mean "page"? Found: { pageSize: 5 }.',
      'Cannot query field "qTokenBalance" on type "Market".',
    ])
  })

  it('finds an asset by market id, else by underlying symbol or table symbol', async () => {
    const { markets } = await fetchCollectorMarkets(liqwid.endpoint, POLICY)
    expect(marketForAsset(markets, 'djed', 'djed')?.id).toBe('DJED')
    expect(marketForAsset(markets, 'usdt', 'wanusdt')?.id).toBe('USDT')
    expect(marketForAsset(markets, 'tether', 'wanusdt')?.id).toBe('USDT')
    expect(marketForAsset(markets, 'iusd', 'iusd')).toBeNull()
  })
})
