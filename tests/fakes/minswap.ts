/**
 * Fake Minswap aggregator (spec-data §4.3, §6.3):
 *
 * - `GET /aggregator/ada-price?currency=usd` → `{"currency":"usd","value":{"change_24h":…,"price":…}}`
 * - `POST /aggregator/tokens` with `{query, only_verified, assets}` → `{"tokens":[…],"search_after":[]}`
 *   listing the requested ids it knows (unknown ids are simply absent).
 *
 *   const minswap = startFakeMinswap()               // knows the shipped registry's tokens
 *   minswap.adaUsd = 0.5; minswap.setPriceByAda(SHIPPED_TOKEN_IDS.djed!, 2)
 *   minswap.faults.add({ kind: 'non_json' })
 */
import { SHIPPED_TOKEN_IDS } from './fixtures.ts'
import { json, startFakeServer, type FakeServer } from './server.ts'

export interface FakeMinswap extends FakeServer {
  /** ADA price in USD; null answers `value: null`, as Minswap does when it has no price */
  adaUsd: number | null
  /** token id (lowercase) → price in ADA (null: listed without a price) */
  readonly priceByAda: Map<string, number | null>
  setPriceByAda(tokenId: string, price: number | null): void
}

export const DEFAULT_ADA_USD = 0.6512
export const DEFAULT_PRICE_BY_ADA = 1.537

export function startFakeMinswap(): FakeMinswap {
  const server = startFakeServer((request) => {
    if (request.method === 'GET' && request.path === '/aggregator/ada-price') {
      const currency = request.query.currency
      if (currency !== 'usd') return json({ error: `unsupported currency: ${currency ?? '(none)'}` }, 400)
      return json({ currency, value: fake.adaUsd === null ? null : { change_24h: -1.23, price: fake.adaUsd } })
    }
    if (request.method === 'POST' && request.path === '/aggregator/tokens') {
      const body = request.body as { query?: unknown; only_verified?: unknown; assets?: unknown } | null
      if (typeof body?.query !== 'string' || typeof body.only_verified !== 'boolean' || !Array.isArray(body.assets)) {
        return json({ error: 'body must have query, only_verified and assets' }, 400)
      }
      const tokens = body.assets
        .filter((id): id is string => typeof id === 'string' && fake.priceByAda.has(id.toLowerCase()))
        .map((id) => ({
          token_id: id,
          logo: null,
          ticker: tickerOf(id),
          is_verified: true,
          price_by_ada: fake.priceByAda.get(id.toLowerCase()),
          project_name: tickerOf(id),
          decimals: 6,
        }))
      return json({ tokens, search_after: [] })
    }
    return json({ error: 'not found' }, 404)
  })
  const fake: FakeMinswap = {
    ...server,
    adaUsd: DEFAULT_ADA_USD,
    priceByAda: new Map(Object.values(SHIPPED_TOKEN_IDS).map((id) => [id, DEFAULT_PRICE_BY_ADA])),
    setPriceByAda(tokenId, price) {
      fake.priceByAda.set(tokenId.toLowerCase(), price)
    },
  }
  return fake
}

function tickerOf(tokenId: string): string {
  const asset = Object.entries(SHIPPED_TOKEN_IDS).find(([, id]) => id === tokenId.toLowerCase())?.[0]
  return asset ? asset.toUpperCase() : 'UNKNOWN'
}
