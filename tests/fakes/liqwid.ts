/**
 * Fake Liqwid GraphQL API (spec-data §2.2, §6.2): `POST /graphql`, dispatched on the document
 * (`GetAllMarkets`, `GetAssetPrices`, `historical`). Transactions are per wallet, filtered by
 * `variables.input.date`, newest first, paged by `page`/`perPage` (at most 100 per page) with the
 * true `page`, `perPage`, `pagesCount` and `totalCount`.
 *
 *   const liqwid = startFakeLiqwid()
 *   liqwid.addTransactions(WALLET_A, [liqwidTx({ id, type: 'SUPPLY', displayName: 'DJED', time, amount: 10 })])
 *   liqwid.faults.add(graphqlErrors('rate limited'), 1)
 *   liqwid.ignorePageInput = true          // an API that always answers page 0
 *   liqwid.requestsFor('transactions')     // what was asked
 *   await liqwid.stop()
 */
import { json, startFakeServer, type Fault, type FakeServer, type RecordedRequest } from './server.ts'

/** The API pages its history by 100 whatever is asked. */
export const LIQWID_MAX_PER_PAGE = 100

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
  /** raw market objects as the API returns them (see `liqwidMarket`) */
  markets: unknown[]
  assets: { symbol: string; price: number | null }[]
  ignorePageInput: boolean
  addTransactions(wallet: string, txs: readonly FakeLiqwidTx[]): void
  requestsFor(operation: LiqwidOperation): RecordedRequest[]
}

export function startFakeLiqwid(): FakeLiqwid {
  const transactions = new Map<string, FakeLiqwidTx[]>()
  const server = startFakeServer((request) => {
    if (request.method !== 'POST' || request.path !== '/graphql') return json({ error: 'not found' }, 404)
    const body = request.body as { variables?: { input?: TransactionsInput } } | null
    switch (operationOf(request)) {
      case 'markets':
        return json({ data: { liqwid: { data: { markets: { results: fake.markets } } } } })
      case 'assets':
        return json({ data: { liqwid: { data: { assets: { results: fake.assets } } } } })
      case 'transactions':
        return transactionsAnswer(body?.variables?.input, transactions, fake.ignorePageInput)
      case 'unknown':
        return json({ errors: [{ message: 'Cannot parse the query document' }] })
    }
  })
  const fake: FakeLiqwid = {
    ...server,
    endpoint: `${server.url}/graphql`,
    markets: [liqwidMarket({ id: 'DJED', assetSymbol: 'DJED', price: 1.0012 }), liqwidMarket({ id: 'USDC', assetSymbol: 'wanUSDC', price: 0.9998 })],
    assets: [
      { symbol: 'DJED', price: 1.0012 },
      { symbol: 'WANUSDC', price: 0.9998 },
      { symbol: 'ADA', price: 0.65 },
    ],
    ignorePageInput: false,
    addTransactions(wallet, txs) {
      transactions.set(wallet, [...(transactions.get(wallet) ?? []), ...txs])
    },
    requestsFor(operation) {
      return server.requests.filter((request) => operationOf(request) === operation)
    },
  }
  return fake
}

interface TransactionsInput {
  addresses?: unknown
  date?: { startTime?: string; endTime?: string }
  page?: number
  perPage?: number
}

function transactionsAnswer(input: TransactionsInput | undefined, byWallet: Map<string, FakeLiqwidTx[]>, ignorePage: boolean): Response {
  const addresses = input?.addresses
  if (!Array.isArray(addresses) || typeof addresses[0] !== 'string') {
    return json({ errors: [{ message: 'Variable "$input" got invalid value: "addresses" is required' }] })
  }
  const start = Date.parse(input?.date?.startTime ?? '')
  const end = Date.parse(input?.date?.endTime ?? '')
  // without a date window the real API answers nothing (spec-data §2.2)
  const matching =
    Number.isFinite(start) && Number.isFinite(end)
      ? (byWallet.get(addresses[0]) ?? [])
          .filter((tx) => Date.parse(tx.time) >= start && Date.parse(tx.time) <= end)
          .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
      : []
  const perPage = ignorePage ? LIQWID_MAX_PER_PAGE : Math.min(Math.max(1, input?.perPage ?? LIQWID_MAX_PER_PAGE), LIQWID_MAX_PER_PAGE)
  const page = ignorePage ? 0 : Math.max(0, input?.page ?? 0)
  const results = matching.slice(page * perPage, (page + 1) * perPage)
  return json({
    data: {
      historical: {
        transactions: { page, perPage, pagesCount: Math.ceil(matching.length / perPage), totalCount: matching.length, results },
      },
    },
  })
}

function operationOf(request: RecordedRequest): LiqwidOperation {
  const query = (request.body as { query?: unknown } | null)?.query
  if (typeof query !== 'string') return 'unknown'
  if (query.includes('GetAllMarkets') || query.includes('markets(')) return 'markets'
  if (query.includes('GetAssetPrices') || query.includes('assets(')) return 'assets'
  if (query.includes('historical') || query.includes('Transactions')) return 'transactions'
  return 'unknown'
}

/** A body with a GraphQL `errors` array, answered with HTTP 200 like real GraphQL servers. */
export function graphqlErrors(...messages: string[]): Fault {
  return { kind: 'json', body: { errors: messages.map((message) => ({ message })) } }
}

/** One market in the API's shape; the receipt token's policy id is uppercase, as Liqwid may send it. */
export function liqwidMarket(options: { id: string; assetSymbol: string; price: number | null; decimals?: number }): unknown {
  const policy = '8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61'
  return {
    id: options.id,
    displayName: options.id,
    symbol: `q${options.id}`,
    exchangeRate: 0.0213,
    asset: {
      id: options.assetSymbol,
      displayName: options.assetSymbol,
      symbol: options.assetSymbol,
      decimals: options.decimals ?? 6,
      currencySymbol: policy,
      policyId: policy,
      price: options.price,
    },
    receiptAsset: {
      id: `q${options.id}`,
      displayName: `q${options.id}`,
      symbol: `q${options.id}`,
      decimals: 6,
      currencySymbol: 'A04CE7A52545E5E33C2867E148898D9E667A69602285F6A1298F9D68',
      policyId: 'A04CE7A52545E5E33C2867E148898D9E667A69602285F6A1298F9D68',
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
