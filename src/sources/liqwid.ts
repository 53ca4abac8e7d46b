/**
 * Liqwid Finance GraphQL client: markets, asset prices, a wallet's historical transactions (every
 * one, by splitting the date window), and the latest USD price of an asset (spec-data §2, §4.2).
 * Every request carries `x-app-source: alert-orchestrator`.
 *
 * A GraphQL `errors` array (HTTP 200) fails at once with the joined messages: the query itself is
 * wrong, asking again cannot help. Transport failures are retried by `requestJson`.
 */
import type { ZodType } from 'zod'
import { liqwidMarketNames } from '../config/symbols.ts'
import { AppError, isAppError } from '../errors.ts'
import { log } from '../log.ts'
import { formatIsoUtc, normalizeSyncWindow, parseIsoUtc, type SyncWindow } from './dates.ts'
import { requestJson, type RetryPolicy } from './http.ts'
import {
  ASSET_PRICES_QUERY,
  MARKETS_QUERY,
  TRANSACTIONS_QUERY,
  assetsDataSchema,
  envelopeSchema,
  marketSchema,
  marketsDataSchema,
  transactionSchema,
  transactionsDataSchema,
} from './liqwid-documents.ts'

export interface LiqwidTiming {
  readonly timeoutMs: number
  readonly retries: number
  /** delay before the first retry; doubles after each */
  readonly backoffMs: number
}

/** The predecessor's sync client: 30 s per call, 3 attempts, 5 s then 10 s between them. */
export const LIQWID_SYNC_TIMING: LiqwidTiming = { timeoutMs: 30_000, retries: 2, backoffMs: 5_000 }
/** The predecessor's price client: 10 s per call, 2 attempts, 2 s between them. */
export const LIQWID_PRICE_TIMING: LiqwidTiming = { timeoutMs: 10_000, retries: 1, backoffMs: 2_000 }

/**
 * A window holding more transactions than one answer carries is split in halves down to this
 * span; a wallet with more than a page of transactions inside one second is not a supply wallet.
 */
const MIN_WINDOW_MS = 1_000
/** Sent on every request: Liqwid's API docs ask each integration to name itself (`X-App-Source`). */
export const LIQWID_APP_SOURCE = 'alert-orchestrator'

export interface LiqwidClientOptions extends Partial<LiqwidTiming> {
  readonly endpoint: string
  /** a market price whose `priceUpdatedAt` is older is refused as stale (`price_stale`); absent = no limit */
  readonly maxPriceAgeMs?: number
  readonly now?: () => number
}

export interface LiqwidMarket {
  readonly id: string
  readonly name: string
  readonly underlyingSymbol: string
  readonly underlyingDecimals: number
  /** USD; null when Liqwid has no price */
  readonly underlyingPrice: number | null
  /** epoch ms of Liqwid's last price update; null when not sent or unreadable */
  readonly priceUpdatedAtMs: number | null
  readonly qtokenPolicy: string
  readonly qtokenSymbol: string
  readonly qtokenDecimals: number
  readonly exchangeRate: number
}

export interface LiqwidTransaction {
  readonly id: string
  /** `SUPPLY`, `WITHDRAW`, `BORROW`, … as sent */
  readonly type: string
  /** asset name as Liqwid shows it: `wanUSDC`, `DJED`, `iUSD` */
  readonly displayName: string
  /** the original `time` text */
  readonly time: string
  /** `time` as epoch ms, read as UTC */
  readonly timeMs: number
  /** underlying units as sent (sign not guaranteed) */
  readonly amount: number
}

export interface RejectedTransaction {
  readonly id: string | null
  readonly reason: string
}

export interface TransactionHistory {
  readonly wallet: string
  readonly window: SyncWindow
  readonly transactions: readonly LiqwidTransaction[]
  /** results that did not have the fields the sync needs */
  readonly rejected: readonly RejectedTransaction[]
  /** distinct results received (every window complete) */
  readonly totalCount: number
  /** requests sent (one per window, windows split until each is complete) */
  readonly requests: number
}

export interface LiqwidClient {
  fetchMarkets(signal?: AbortSignal): Promise<LiqwidMarket[]>
  /** prices of the requested symbols that Liqwid lists with a price, keyed as requested */
  fetchAssetPrices(symbols: readonly string[], signal?: AbortSignal): Promise<Map<string, number>>
  fetchTransactions(wallet: string, start: string | null, end: string | null, signal?: AbortSignal): Promise<TransactionHistory>
  /** §4.2: markets first (in API order), then the assets list; null when neither has a price */
  latestPriceUsd(asset: string, signal?: AbortSignal): Promise<number | null>
}

export function createLiqwidClient(options: LiqwidClientOptions): LiqwidClient {
  const policy: RetryPolicy = {
    timeoutMs: options.timeoutMs ?? LIQWID_SYNC_TIMING.timeoutMs,
    retries: options.retries ?? LIQWID_SYNC_TIMING.retries,
    backoffMs: options.backoffMs ?? LIQWID_SYNC_TIMING.backoffMs,
    retryInvalidJson: true,
    requireJsonContentType: false,
  }
  async function graphql(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const body = await requestJson(
      { upstream: 'liqwid', url: options.endpoint, method: 'POST', body: { query, variables }, headers: { 'x-app-source': LIQWID_APP_SOURCE } },
      policy,
      signal,
    )
    const envelope = envelopeSchema.safeParse(body)
    if (!envelope.success) throw new AppError('upstream_invalid', 'liqwid: the answer is not a GraphQL response object')
    if (envelope.data.errors !== undefined) {
      const messages = envelope.data.errors.map((error) => error.message ?? 'unnamed error').join('; ')
      throw new AppError('upstream_invalid', `liqwid: GraphQL error: ${messages}`, { details: { upstream: 'liqwid' } })
    }
    return envelope.data.data
  }

  function parseData<T>(schema: ZodType<T>, data: unknown, what: string): T {
    const parsed = schema.safeParse(data)
    if (!parsed.success) throw new AppError('upstream_invalid', `liqwid: unexpected ${what} response shape`)
    return parsed.data
  }

  async function fetchMarkets(signal?: AbortSignal): Promise<LiqwidMarket[]> {
    const data = parseData(marketsDataSchema, await graphql(MARKETS_QUERY, {}, signal), 'markets')
    const markets: LiqwidMarket[] = []
    let skipped = 0
    for (const raw of data.liqwid.data.markets.results ?? []) {
      const parsed = marketSchema.safeParse(raw)
      if (!parsed.success) {
        skipped++
        continue
      }
      const market = parsed.data
      markets.push({
        id: market.id,
        name: market.displayName,
        underlyingSymbol: market.asset.symbol,
        underlyingDecimals: market.asset.decimals,
        underlyingPrice: market.asset.price ?? null,
        priceUpdatedAtMs: market.asset.priceUpdatedAt ? parseIsoUtc(market.asset.priceUpdatedAt) : null,
        qtokenPolicy: market.receiptAsset.policyId.toLowerCase(),
        qtokenSymbol: market.receiptAsset.symbol,
        qtokenDecimals: market.receiptAsset.decimals,
        exchangeRate: market.exchangeRate,
      })
    }
    if (skipped > 0) log.warn('liqwid markets skipped: malformed', { skipped, kept: markets.length })
    return markets
  }

  async function fetchAssetPrices(symbols: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const data = parseData(assetsDataSchema, await graphql(ASSET_PRICES_QUERY, {}, signal), 'assets')
    // Case-insensitive on purpose: the predecessor's exact match never found `iUSD` for `IUSD`.
    const listed = new Map<string, number>()
    for (const entry of data.liqwid.data.assets.results ?? []) {
      const key = entry.symbol.trim().toUpperCase()
      if (entry.price !== null && entry.price !== undefined && !listed.has(key)) listed.set(key, entry.price)
    }
    const prices = new Map<string, number>()
    for (const symbol of symbols) {
      const price = listed.get(symbol.trim().toUpperCase())
      if (price !== undefined) prices.set(symbol, price)
    }
    return prices
  }

  /**
   * Every transaction of the window. One answer carries at most one fixed page (newest first), so
   * a window whose answer holds fewer results than its `totalCount` is split in halves until every
   * part is complete; parts overlap at their shared instant and merge by transaction id.
   */
  async function fetchTransactions(wallet: string, start: string | null, end: string | null, signal?: AbortSignal): Promise<TransactionHistory> {
    const window = normalizeSyncWindow(start, end, Date.now())
    const seen = new Set<string>()
    const transactions: LiqwidTransaction[] = []
    const rejected: RejectedTransaction[] = []
    let requests = 0
    const pending: [number, number][] = [[parseIsoUtc(window.startTime)!, parseIsoUtc(window.endTime)!]]
    while (pending.length > 0) {
      const [from, to] = pending.pop()!
      const input = { addresses: [wallet], date: { startTime: formatIsoUtc(from), endTime: formatIsoUtc(to) } }
      requests++
      const data = parseData(transactionsDataSchema, await graphql(TRANSACTIONS_QUERY, { input }, signal), 'transactions')
      const results = data.historical.transactions.results ?? []
      const windowTotal = data.historical.transactions.totalCount ?? results.length
      if (results.length >= windowTotal) {
        collect(results, seen, transactions, rejected)
        continue
      }
      if (to - from <= MIN_WINDOW_MS) {
        throw new AppError(
          'upstream_invalid',
          `liqwid: ${formatIsoUtc(from)} … ${formatIsoUtc(to)} holds ${windowTotal} transactions but the answer carries ${results.length}, and the window cannot be split further`,
          {
            details: {
              upstream: 'liqwid',
              wallet,
              startTime: formatIsoUtc(from),
              endTime: formatIsoUtc(to),
              totalCount: windowTotal,
              received: results.length,
            },
          },
        )
      }
      const middle = from + Math.floor((to - from) / 2)
      // newer half last so it is fetched first (the order the API itself answers in)
      pending.push([from, middle], [middle, to])
    }
    return { wallet, window, transactions, rejected, totalCount: transactions.length + rejected.length, requests }
  }

  /**
   * Liqwid keeps serving the last oracle price of a market whose feed stopped (recorded answers
   * show `priceUpdatedAt` months old for wanUSDC): past the maximum age the price is refused,
   * not used. The assets list carries no update time, so it is not asked instead.
   */
  function freshPrice(market: LiqwidMarket): number | null {
    const maxAge = options.maxPriceAgeMs
    const updated = market.priceUpdatedAtMs
    const age = updated === null ? null : (options.now ?? Date.now)() - updated
    if (maxAge !== undefined && age !== null && age > maxAge) {
      throw new AppError(
        'price_stale',
        `liqwid: the ${market.underlyingSymbol} price was last updated ${formatIsoUtc(updated!)} (${Math.round(age / 3_600_000)} h ago, more than ${Math.round(maxAge / 3_600_000)} h): stale, not used`,
        { details: { upstream: 'liqwid', priceUpdatedAt: formatIsoUtc(updated!) } },
      )
    }
    return market.underlyingPrice
  }

  async function latestPriceUsd(asset: string, signal?: AbortSignal): Promise<number | null> {
    const candidates = liqwidPriceCandidates(asset)
    let marketsError: unknown
    try {
      const markets = await fetchMarkets(signal)
      const market = markets.find((m) => candidates.includes(m.underlyingSymbol.toUpperCase()) && m.underlyingPrice !== null)
      if (market) return freshPrice(market)
    } catch (error) {
      if (signal?.aborted || isAppError(error, 'price_stale')) throw error
      marketsError = error
    }
    try {
      const prices = await fetchAssetPrices(candidates, signal)
      for (const candidate of candidates) {
        const price = prices.get(candidate)
        if (price !== undefined) return price
      }
    } catch (error) {
      throw marketsError ?? error
    }
    if (marketsError !== undefined) throw marketsError
    return null
  }

  return { fetchMarkets, fetchAssetPrices, fetchTransactions, latestPriceUsd }
}

/** `usdc` → [`USDC`, `WANUSDC`]: Liqwid lists the bridged stablecoins under their wrapped names (§5.2). */
export function liqwidPriceCandidates(asset: string): string[] {
  return liqwidMarketNames(asset)
}

/** Adds the results not seen in an earlier window (windows share their boundary instant). */
function collect(results: readonly unknown[], seen: Set<string>, transactions: LiqwidTransaction[], rejected: RejectedTransaction[]): void {
  for (const raw of results) {
    const parsed = parseTransaction(raw)
    const id = 'transaction' in parsed ? parsed.transaction.id : parsed.rejected.id
    if (id !== null && seen.has(id)) continue
    if (id !== null) seen.add(id)
    if ('transaction' in parsed) transactions.push(parsed.transaction)
    else rejected.push(parsed.rejected)
  }
}

function parseTransaction(raw: unknown): { transaction: LiqwidTransaction } | { rejected: RejectedTransaction } {
  const parsed = transactionSchema.safeParse(raw)
  const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'result')))].join(', ')
    return { rejected: { id: rawId, reason: `missing or invalid ${fields}` } }
  }
  const timeMs = parseIsoUtc(parsed.data.time)
  if (timeMs === null) return { rejected: { id: parsed.data.id, reason: `unreadable time "${parsed.data.time}"` } }
  return { transaction: { ...parsed.data, timeMs } }
}
