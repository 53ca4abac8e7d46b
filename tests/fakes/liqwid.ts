/**
 * Fake Liqwid GraphQL API on a real GraphQL schema (the `graphql` package: SDL + resolvers), so a
 * document or variables the real API would refuse are refused here the same way: an unknown
 * field, an unknown input field (`page` inside `HistoricalTransactionInput`), a wrong type or a
 * missing required value is a validation/coercion error for the whole request, answered with
 * HTTP 400 and an `errors` array (graphql-js wording, as Apollo-style servers answer it). The
 * answer shape is produced by the schema too, so a resolver cannot return a field the API lacks.
 *
 * Evidence for the schema (see README "What stays unverified" for what it cannot prove):
 * - Liqwid's API docs (liqwid-labs.gitbook.io/liqwid-docs/api-documentation): endpoint
 *   `/graphql`, the `X-App-Source` header, `markets(input: MarketsInput)` with `page`/`perPage`
 *   (default 20) and `page`, `perPage`, `pagesCount`, `totalCount`, `results`; market fields
 *   `id`, `displayName` ("USDC → wanUSDC"), `exchangeRate`, `receiptAsset.currencySymbol`,
 *   `asset.price|logo|decimals|currencySymbol|hexName`.
 * - Recorded real answers (GillesGaelBERNARD/liqwid-finance-analytics-app,
 *   `data/liqwid/raw/api/fetches/<run>/markets/page-0000.json`): `asset.id` is policy id + hex
 *   name (`""` for ADA), `asset.name` the hex name, `asset.priceUpdatedAt` an ISO time, USDC's
 *   market `displayName`/`asset.symbol` `wanUSDC` with 8 decimals, LQ listed as `LQ`.
 * - itzdannyada/liqwid-yield-sdk (`src/widget/LiqwidSDK.js`): an `x-app-source` header on every
 *   request, `markets(input: $input)` with `MarketsInput` (`perPage`, `sorts`, `filters`,
 *   `search`), `receiptAsset { id }` compared with a Cardano unit (policy id + hex name),
 *   `historical { yieldEarned(input: YieldEarnedInput!) }` taking `addresses`.
 * - The predecessor's client (OthmanB/AlertOrchestratorStablesCardano, src/shared/liqwid_client.py):
 *   `historical.transactions(input: HistoricalTransactionInput)` with exactly
 *   `{addresses, date: {startTime, endTime}}` ("page and perPage are NOT part of the input
 *   object"), "100 results per page by default (not configurable via input)", "Date filter is
 *   REQUIRED for API to return results", and the result field list this schema declares.
 *
 * History answers are fixed pages: the 100 newest transactions of the window, newest first, with
 * the true `totalCount`; nothing the client sends changes that.
 *
 *   const liqwid = startFakeLiqwid()
 *   liqwid.addTransactions(WALLET_A, [liqwidTx({ id, type: 'SUPPLY', displayName: 'DJED', time, amount: 10 })])
 *   liqwid.faults.add(graphqlErrors('rate limited'), 1)
 *   liqwid.requestsFor('transactions')     // what was asked
 *   await liqwid.stop()
 */
import { buildSchema, graphql, GraphQLError, type GraphQLSchema } from 'graphql'
import { json, startFakeServer, type Fault, type FakeServer, type RecordedRequest } from './server.ts'

/** The API answers at most 100 history results per request, whatever is asked. */
export const LIQWID_PAGE_SIZE = 100

export type LiqwidOperation = 'markets' | 'assets' | 'transactions' | 'unknown'

export interface FakeLiqwidTx {
  id: string
  type: string
  displayName: string
  time: string
  amount: number
  [field: string]: unknown
}

export interface FakeLiqwid extends FakeServer {
  /** the GraphQL endpoint: `<url>/graphql` */
  readonly endpoint: string
  /** raw market objects as the API returns them (see `liqwidMarket`); the schema checks them on the way out */
  markets: unknown[]
  assets: { symbol: string; price: number | null }[]
  addTransactions(wallet: string, txs: readonly FakeLiqwidTx[]): void
  requestsFor(operation: LiqwidOperation): RecordedRequest[]
}

const SCHEMA_SDL = `
type Query {
  liqwid: Liqwid!
  historical: Historical!
}

type Liqwid { data: LiqwidData! }

type LiqwidData {
  markets(input: MarketsInput): MarketsPage!
  assets(input: AssetsInput): AssetsPage!
}

enum Currency { USD EUR GBP ADA }
input InCurrencyInput { currency: Currency }
input MarketsInput { page: Int, perPage: Int, sorts: [String!], filters: [String!], search: String }
input AssetsInput { page: Int, perPage: Int }

type MarketsPage { page: Int!, perPage: Int!, pagesCount: Int!, totalCount: Int!, results: [Market!]! }
type AssetsPage { page: Int!, perPage: Int!, pagesCount: Int!, totalCount: Int!, results: [Asset!]! }

type Market {
  id: String!
  displayName: String!
  symbol: String!
  exchangeRate: Float!
  supplyAPY: Float
  borrowAPY: Float
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
  displayName: String!
  symbol: String!
  decimals: Int!
  currencySymbol: String!
  policyId: String!
  logo: String
  price(input: InCurrencyInput): Float
  priceUpdatedAt: String
}

type Historical {
  transactions(input: HistoricalTransactionInput): HistoricalTransactionsPage!
}

input HistoricalTransactionInput { addresses: [String!]!, date: DateRangeInput }
input DateRangeInput { startTime: String!, endTime: String! }

type HistoricalTransactionsPage { page: Int!, perPage: Int!, pagesCount: Int!, totalCount: Int!, results: [HistoricalTransaction!]! }

type HistoricalTransaction {
  id: String!
  type: String!
  displayName: String!
  time: String!
  amount: Float
  logo: String
  amountUSD: Float
  principal: Float
  principalUSD: Float
  oraclePrice: Float
  exchangeRate: Float
  qAmount: Float
  minInterest: Float
  healthFactor: Float
  loanOriginationFee: Float
  beforeHealthFactor: Float
  beforePrincipal: Float
  beforePrincipalUSD: Float
  totalCollateralUSD: Float
  beforetotalCollateralUSD: Float
}
`

/** Built when the module loads, so the first request of a test does not pay for it. */
const SCHEMA: GraphQLSchema = buildSchema(SCHEMA_SDL)

interface TransactionsInput {
  addresses: string[]
  date?: { startTime: string; endTime: string } | null
}

export function startFakeLiqwid(): FakeLiqwid {
  const transactions = new Map<string, FakeLiqwidTx[]>()
  const rootValue = {
    liqwid: () => ({
      data: {
        markets: ({ input }: { input?: { page?: number | null; perPage?: number | null } | null }) => page(fake.markets, input),
        assets: ({ input }: { input?: { page?: number | null; perPage?: number | null } | null }) =>
          page(
            fake.assets.map((asset) => fakeAsset(asset.symbol, asset.price)),
            input,
          ),
      },
    }),
    historical: () => ({
      transactions: ({ input }: { input?: TransactionsInput | null }) => transactionsPage(input ?? null, transactions),
    }),
  }
  const server = startFakeServer(async (request) => {
    if (request.path !== '/graphql') return json({ errors: [{ message: 'not found' }] }, 404)
    if (request.method !== 'POST') return json({ errors: [{ message: 'GraphQL only supports POST here' }] }, 405)
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | null
    if (typeof body !== 'object' || body === null || typeof body.query !== 'string') {
      return json({ errors: [{ message: 'POST body must be JSON with a "query" string' }] }, 400)
    }
    const variables = body.variables === undefined || body.variables === null ? undefined : body.variables
    if (variables !== undefined && (typeof variables !== 'object' || Array.isArray(variables))) {
      return json({ errors: [{ message: '"variables" must be an object' }] }, 400)
    }
    const result = await graphql({
      schema: SCHEMA,
      source: body.query,
      rootValue,
      variableValues: variables as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    })
    // No `data` at all = the request never executed (syntax, validation, variable coercion): 400.
    const refused = result.errors !== undefined && result.data === undefined
    return json(
      result.errors ? { errors: result.errors.map((error: GraphQLError) => error.toJSON()), data: result.data } : { data: result.data },
      refused ? 400 : 200,
    )
  })
  const fake: FakeLiqwid = {
    ...server,
    endpoint: `${server.url}/graphql`,
    markets: [liqwidMarket({ id: 'DJED', assetSymbol: 'DJED', price: 1.0012 }), liqwidMarket({ id: 'USDC', assetSymbol: 'wanUSDC', price: 0.9998 })],
    assets: [
      { symbol: 'DJED', price: 1.0012 },
      { symbol: 'wanUSDC', price: 0.9998 },
      { symbol: 'ADA', price: 0.65 },
    ],
    addTransactions(wallet, txs) {
      transactions.set(wallet, [...(transactions.get(wallet) ?? []), ...txs])
    },
    requestsFor(operation) {
      return server.requests.filter((request) => operationOf(request) === operation)
    },
  }
  return fake
}

/** `markets`/`assets` page as the docs describe it: `perPage` defaults to 20. */
function page<T>(all: readonly T[], input: { page?: number | null; perPage?: number | null } | null | undefined) {
  const perPage = Math.max(1, input?.perPage ?? 20)
  const index = Math.max(0, input?.page ?? 0)
  return {
    page: index,
    perPage,
    pagesCount: Math.ceil(all.length / perPage),
    totalCount: all.length,
    results: all.slice(index * perPage, (index + 1) * perPage),
  }
}

function transactionsPage(input: TransactionsInput | null, byWallet: Map<string, FakeLiqwidTx[]>) {
  const start = Date.parse(input?.date?.startTime ?? '')
  const end = Date.parse(input?.date?.endTime ?? '')
  if (input?.date && (!Number.isFinite(start) || !Number.isFinite(end))) {
    throw new GraphQLError(`Invalid date range: ${input.date.startTime} – ${input.date.endTime}`)
  }
  const wallets = new Set(input?.addresses ?? [])
  // without a date window the real API answers nothing (the predecessor's client says so)
  const matching = input?.date
    ? [...wallets]
        .flatMap((wallet) => byWallet.get(wallet) ?? [])
        .filter((tx) => Date.parse(tx.time) >= start && Date.parse(tx.time) <= end)
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
    : []
  return {
    page: 0,
    perPage: LIQWID_PAGE_SIZE,
    pagesCount: Math.ceil(matching.length / LIQWID_PAGE_SIZE),
    totalCount: matching.length,
    results: matching.slice(0, LIQWID_PAGE_SIZE),
  }
}

function operationOf(request: RecordedRequest): LiqwidOperation {
  const query = (request.body as { query?: unknown } | null)?.query
  if (typeof query !== 'string') return 'unknown'
  if (query.includes('markets(')) return 'markets'
  if (query.includes('assets(')) return 'assets'
  if (query.includes('transactions(')) return 'transactions'
  return 'unknown'
}

/** A body with a GraphQL `errors` array, answered with HTTP 200 like an execution error. */
export function graphqlErrors(...messages: string[]): Fault {
  return { kind: 'json', body: { errors: messages.map((message) => ({ message })) } }
}

const TOKEN_NAMES: Record<string, { policy: string; hexName: string; decimals: number }> = {
  DJED: { policy: '8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61', hexName: '446a65644d6963726f555344', decimals: 6 },
  wanUSDC: { policy: '25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff935', hexName: '55534443', decimals: 8 },
  LQ: { policy: 'da8c30857834c6ae7203935b89278c532b3995245295456f993e1d24', hexName: '4c51', decimals: 6 },
}
const RECEIPT_POLICY = 'a04ce7a52545e5e33c2867e148898d9e667a69602285f6a1298f9d68'

function fakeAsset(symbol: string, price: number | null, options: { decimals?: number; priceUpdatedAt?: string } = {}) {
  const token = TOKEN_NAMES[symbol] ?? { policy: 'f66d78b4a3cb3d37afa0ec36461e51ecbde00f26c8f0a68f94b69880', hexName: hex(symbol), decimals: 6 }
  return {
    id: token.policy + token.hexName,
    name: token.hexName,
    hexName: token.hexName,
    displayName: symbol,
    symbol,
    decimals: options.decimals ?? token.decimals,
    currencySymbol: token.policy,
    policyId: token.policy,
    logo: `https://public.liqwid.finance/v6/assets/${symbol}.svg`,
    price,
    priceUpdatedAt: options.priceUpdatedAt ?? new Date().toISOString(),
  }
}

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex')
}

/**
 * One market in the API's shape: `displayName` is the asset's display name (`wanUSDC` for the
 * `USDC` market), ids are policy id + hex name; the receipt token's policy id is uppercase, as
 * the predecessor normalised it (`.lower()`), so the client must not depend on its case.
 */
export function liqwidMarket(options: {
  id: string
  assetSymbol: string
  price: number | null
  decimals?: number
  priceUpdatedAt?: string
}): unknown {
  const asset = fakeAsset(options.assetSymbol, options.price, options)
  const receiptName = hex(`q${options.id}`)
  return {
    id: options.id,
    displayName: options.assetSymbol,
    symbol: options.assetSymbol,
    exchangeRate: 0.0213,
    asset,
    receiptAsset: {
      id: RECEIPT_POLICY + receiptName,
      name: receiptName,
      hexName: receiptName,
      displayName: `q${options.id}`,
      symbol: `q${options.id}`,
      decimals: 6,
      currencySymbol: RECEIPT_POLICY.toUpperCase(),
      policyId: RECEIPT_POLICY.toUpperCase(),
      logo: null,
      price: null,
      priceUpdatedAt: null,
    },
  }
}

/** A historical transaction with every field the query asks for (the unused ones null). */
export function liqwidTx(fields: { id: string; type: string; displayName: string; time: string; amount: number }): FakeLiqwidTx {
  return {
    ...fields,
    logo: null,
    amountUSD: fields.amount,
    principal: null,
    principalUSD: null,
    oraclePrice: 1,
    exchangeRate: 0.0205,
    qAmount: fields.amount * 48.78,
    minInterest: null,
    healthFactor: null,
    loanOriginationFee: null,
    beforeHealthFactor: null,
    beforePrincipal: null,
    beforePrincipalUSD: null,
    totalCollateralUSD: null,
    beforetotalCollateralUSD: null,
  }
}
