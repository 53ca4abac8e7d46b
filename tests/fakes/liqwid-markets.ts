/**
 * The markets part of Liqwid's GraphQL API as a schema (SDL + resolvers, executed by `graphql`),
 * so a document asking a field or argument the API does not have is refused as the real server
 * refuses it. Kept apart from the transaction-history fake so both schemas can be merged.
 *
 * Evidence:
 * - Liqwid's API docs (liqwid-labs.gitbook.io/liqwid-docs/api-documentation, Get Basic Markets):
 *   `liqwid { data { markets(input: $input: MarketsInput) { page pagesCount perPage totalCount
 *   results { id displayName … exchangeRate receiptAsset { currencySymbol } asset { price logo
 *   decimals currencySymbol hexName } } } } }`, `perPage` defaulting to 20;
 * - itzdannyada/liqwid-yield-sdk src/widget/LiqwidSDK.js: `MarketsInput` also takes `sorts`,
 *   `filters`, `search`; `receiptAsset { id }` is compared with a token unit (policy id + hex name);
 * - the same SDK's `GetYieldEarned`: `historical.yieldEarned(input: YieldEarnedInput!)` with
 *   `totalYieldEarned(input: InCurrencyInput)` and `markets { id amount amountInCurrency(input) }`;
 * - GillesGaelBERNARD/liqwid-finance-analytics-app data/liqwid/raw/api/fetches/…/markets/
 *   page-0000.json: market ids, asset ids, symbols, decimals and prices below (DJED, USDM,
 *   wanUSDT, ADA as recorded on 2026-07-16).
 *
 * Not from the evidence: receipt-token ids (made up in the documented format), exchange rates,
 * the cap of 100 markets per page, yields (given per address by the test; USD = units × price)
 * and `currency` typed as a string (the SDK sends "USD"; the real type may be an enum).
 *
 *   const liqwid = startFakeLiqwidMarkets()
 *   liqwid.markets[0].exchangeRate = 0.0213
 *   await liqwid.stop()
 */
import { buildSchema, graphql, type GraphQLSchema } from 'graphql'
import { json, startFakeServer, type FakeServer } from './server.ts'

export const MARKETS_SDL = `
  type Query {
    liqwid: Liqwid!
    historical: Historical!
  }
  type Historical {
    yieldEarned(input: YieldEarnedInput!): YieldEarned!
  }
  input YieldEarnedInput {
    addresses: [String!]!
  }
  input InCurrencyInput {
    currency: String!
  }
  type YieldEarned {
    totalYieldEarned(input: InCurrencyInput): Float!
    markets: [MarketYield!]!
  }
  type MarketYield {
    id: String!
    amount: Float!
    amountInCurrency(input: InCurrencyInput): Float!
  }
  type Liqwid {
    data: LiqwidData!
  }
  type LiqwidData {
    markets(input: MarketsInput): MarketsPage!
  }
  input MarketsInput {
    page: Int
    perPage: Int
    sorts: [String!]
    filters: [String!]
    search: String
  }
  type MarketsPage {
    page: Int!
    perPage: Int!
    pagesCount: Int!
    totalCount: Int!
    results: [Market!]!
  }
  type Market {
    id: String!
    displayName: String!
    symbol: String!
    exchangeRate: Float!
    supplyAPY: Float
    borrowAPY: Float
    lqSupplyAPY: Float
    batching: Boolean
    private: Boolean
    delisting: Boolean
    frozen: Boolean
    asset: Asset!
    receiptAsset: Asset!
  }
  type Asset {
    id: String!
    name: String
    hexName: String
    symbol: String!
    displayName: String!
    decimals: Int!
    currencySymbol: String!
    logo: String
    price: Float
  }
`

export const DEFAULT_PER_PAGE = 20
export const MAX_PER_PAGE = 100

export interface FakeAsset {
  id: string
  symbol: string
  displayName: string
  decimals: number
  currencySymbol: string
  price: number | null
}

export interface FakeMarket {
  id: string
  displayName: string
  symbol: string
  exchangeRate: number
  asset: FakeAsset
  receiptAsset: FakeAsset
}

/** A made-up receipt token unit: a policy id of the right length, and `q<ID>` as its hex name. */
export function receiptUnit(marketId: string): string {
  const policy = new Bun.CryptoHasher('sha256').update(`qtoken:${marketId}`).digest('hex').slice(0, 56)
  return policy + Buffer.from(`q${marketId}`).toString('hex')
}

function market(id: string, displayName: string, asset: Omit<FakeAsset, 'displayName'>, exchangeRate: number): FakeMarket {
  const unit = receiptUnit(id)
  return {
    id,
    displayName,
    symbol: displayName,
    exchangeRate,
    asset: { ...asset, displayName },
    receiptAsset: {
      id: unit,
      symbol: `q${displayName}`,
      displayName: `q${displayName}`,
      decimals: 0,
      currencySymbol: unit.slice(0, 56),
      price: null,
    },
  }
}

/** Recorded ids, symbols, decimals and prices; exchange rates made up. */
export function recordedMarkets(): FakeMarket[] {
  return [
    market('Ada', 'ADA', { id: '', symbol: 'ADA', decimals: 6, currencySymbol: '', price: 0.16411 }, 0.021874365290512),
    market(
      'DJED',
      'DJED',
      {
        id: '8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61446a65644d6963726f555344',
        symbol: 'DJED',
        decimals: 6,
        currencySymbol: '8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61',
        price: 0.99086,
      },
      0.020587331244953,
    ),
    market(
      'USDM',
      'USDM',
      {
        id: 'c48cbb3d5e57ed56e276bc45f99ab39abe94e6cd7ac39fb402da47ad0014df105553444d',
        symbol: 'USDM',
        decimals: 6,
        currencySymbol: 'c48cbb3d5e57ed56e276bc45f99ab39abe94e6cd7ac39fb402da47ad',
        price: 1,
      },
      0.019871200453119,
    ),
    market(
      'USDT',
      'wanUSDT',
      {
        id: '25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff93555534454',
        symbol: 'wanUSDT',
        decimals: 8,
        currencySymbol: '25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff935',
        price: 1,
      },
      2.0113877e-7,
    ),
  ]
}

export interface FakeLiqwidMarkets extends FakeServer {
  /** the GraphQL endpoint: `<url>/graphql` */
  readonly endpoint: string
  /** what the API lists; tests change it between ticks */
  markets: FakeMarket[]
  /** address → market id → underlying units earned (all time) */
  readonly earned: Map<string, Record<string, number>>
  /** root fields that answer a GraphQL error (the rest of the document still answers) */
  readonly failing: Set<'liqwid' | 'historical'>
}

export function marketsSchema(): GraphQLSchema {
  return buildSchema(MARKETS_SDL)
}

/** Root resolvers over a market list and per-address yields (for merging into a larger fake). */
export function marketsRoot(
  markets: () => readonly FakeMarket[],
  earned: ReadonlyMap<string, Record<string, number>> = new Map(),
  failing: ReadonlySet<string> = new Set(),
) {
  const refuse = (field: string) => {
    if (failing.has(field)) throw new Error(`${field} is temporarily unavailable`)
  }
  return {
    historical: () => {
      refuse('historical')
      return {
        yieldEarned: ({ input }: { input: { addresses: string[] } }) => {
          const byMarket = new Map<string, number>()
          for (const address of new Set(input.addresses))
            for (const [id, amount] of Object.entries(earned.get(address) ?? {})) byMarket.set(id, (byMarket.get(id) ?? 0) + amount)
          const priced = [...byMarket].map(([id, amount]) => ({
            id,
            amount,
            usd: amount * (markets().find((market) => market.id === id)?.asset.price ?? 0),
          }))
          return {
            totalYieldEarned: () => priced.reduce((sum, entry) => sum + entry.usd, 0),
            markets: priced.map((entry) => ({ id: entry.id, amount: entry.amount, amountInCurrency: () => entry.usd })),
          }
        },
      }
    },
    liqwid: () => {
      refuse('liqwid')
      return {
        data: {
          markets: ({ input }: { input?: { page?: number | null; perPage?: number | null } | null }) => {
            const perPage = Math.min(Math.max(1, input?.perPage ?? DEFAULT_PER_PAGE), MAX_PER_PAGE)
            const page = Math.max(0, input?.page ?? 0)
            const all = markets()
            return {
              page,
              perPage,
              pagesCount: Math.ceil(all.length / perPage),
              totalCount: all.length,
              results: all.slice(page * perPage, (page + 1) * perPage),
            }
          },
        },
      }
    },
  }
}

export function startFakeLiqwidMarkets(): FakeLiqwidMarkets {
  const schema = marketsSchema()
  const server = startFakeServer(async (request) => {
    if (request.method !== 'POST' || request.path !== '/graphql') return json({ error: 'not found' }, 404)
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | null
    if (typeof body?.query !== 'string') return json({ errors: [{ message: 'Must provide query string.' }] }, 400)
    const result = await graphql({
      schema,
      source: body.query,
      rootValue: marketsRoot(() => fake.markets, fake.earned, fake.failing),
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    })
    return json(JSON.parse(JSON.stringify(result)))
  })
  const fake: FakeLiqwidMarkets = { ...server, endpoint: `${server.url}/graphql`, markets: recordedMarkets(), earned: new Map(), failing: new Set() }
  return fake
}
