/**
 * Liqwid's markets as the collector needs them: the receipt token (qToken) of each market and
 * how to value it. Evidence for the shape (no live API here):
 * - Liqwid's API docs (liqwid-labs.gitbook.io, "API Documentation", Get Basic Markets):
 *   `liqwid.data.markets(input: MarketsInput)` pages with `page`/`perPage` (default 20) and
 *   answers `page pagesCount perPage totalCount results`; `exchangeRate` "converts qTokens to
 *   the underlying asset: multiply it by the number of qTokens"; `asset.price` is in USD;
 * - itzdannyada/liqwid-yield-sdk (src/widget/LiqwidSDK.js) matches a wallet's token units
 *   (`policy id + asset name` hex) against `receiptAsset.id` and values them as
 *   quantity × exchangeRate / 10^asset.decimals × price;
 * - recorded answers (GillesGaelBERNARD/liqwid-finance-analytics-app, data/liqwid/raw/api/
 *   fetches/…/markets/page-0000.json): market ids like `DJED`, `USDC`; `asset.id` is the
 *   policy id + hex name (empty for ADA); 26 markets on one page of 100.
 */
import { z } from 'zod'
import { AppError } from '../errors.ts'
import { requestJson, type RetryPolicy } from '../sources/http.ts'
import { envelopeSchema } from '../sources/liqwid-documents.ts'
import { parseDecimal, type Decimal } from './decimal.ts'

export const COLLECTOR_MARKETS_QUERY = `query CollectorMarkets($input: MarketsInput) {
  liqwid {
    data {
      markets(input: $input) {
        page
        pagesCount
        perPage
        totalCount
        results {
          id
          displayName
          exchangeRate
          asset {
            id
            symbol
            decimals
            price
          }
          receiptAsset {
            id
          }
        }
      }
    }
  }
}`

const PER_PAGE = 100
/** Liqwid lists a few dozen markets; 20 pages of 100 is far past anything real. */
const MAX_PAGES = 20

export interface CollectorMarket {
  /** `DJED`, `USDC` */
  readonly id: string
  /** `DJED`, `wanUSDC` */
  readonly displayName: string
  /** the underlying's symbol: `DJED`, `wanUSDC`, `iUSD` */
  readonly assetSymbol: string
  readonly decimals: number
  /** USD; null when Liqwid has none */
  readonly priceUsd: number | null
  /** as sent, exactly */
  readonly exchangeRate: Decimal
  /** the receipt token's unit, lowercase `policy id + asset name` hex */
  readonly receiptUnit: string
}

/** A market that could not be used, and why (reported, never fatal for the others). */
export interface RejectedMarket {
  readonly id: string | null
  readonly reason: string
}

export interface MarketsAnswer {
  readonly markets: CollectorMarket[]
  readonly rejected: RejectedMarket[]
}

const numberOrText = z.union([z.number(), z.string().trim().min(1)])
const marketSchema = z.object({
  id: z.string().trim().min(1),
  displayName: z.string().nullish(),
  exchangeRate: numberOrText,
  asset: z.object({
    symbol: z.string().trim().min(1),
    decimals: z.number().int().min(0).max(30),
    price: numberOrText.nullish(),
  }),
  receiptAsset: z.object({
    id: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{56,120}$/, 'must be policy id + asset name in hex'),
  }),
})

const pageSchema = z.object({
  liqwid: z.object({
    data: z.object({
      markets: z.object({
        pagesCount: z.number().int().nonnegative().nullish(),
        results: z.array(z.unknown()).nullable(),
      }),
    }),
  }),
})

export async function fetchCollectorMarkets(endpoint: string, policy: RetryPolicy, signal?: AbortSignal): Promise<MarketsAnswer> {
  const markets: CollectorMarket[] = []
  const rejected: RejectedMarket[] = []
  for (let page = 0, pagesCount = 1; page < pagesCount; page++) {
    if (page >= MAX_PAGES) throw new AppError('upstream_invalid', `liqwid: more than ${MAX_PAGES} pages of markets`)
    const body = await requestJson(
      {
        upstream: 'liqwid',
        url: endpoint,
        method: 'POST',
        body: { query: COLLECTOR_MARKETS_QUERY, variables: { input: { page, perPage: PER_PAGE } } },
      },
      policy,
      signal,
    )
    const envelope = envelopeSchema.safeParse(body)
    if (!envelope.success) throw new AppError('upstream_invalid', 'liqwid: the answer is not a GraphQL response object')
    if (envelope.data.errors !== undefined) {
      const messages = envelope.data.errors.map((error) => error.message ?? 'unnamed error').join('; ')
      throw new AppError('upstream_invalid', `liqwid: GraphQL error: ${messages}`)
    }
    const parsed = pageSchema.safeParse(envelope.data.data)
    if (!parsed.success) throw new AppError('upstream_invalid', 'liqwid: unexpected markets response shape')
    const answer = parsed.data.liqwid.data.markets
    pagesCount = answer.pagesCount ?? 1
    for (const raw of answer.results ?? []) {
      const market = toMarket(raw)
      if ('reason' in market) rejected.push(market)
      else markets.push(market)
    }
  }
  return { markets, rejected }
}

function toMarket(raw: unknown): CollectorMarket | RejectedMarket {
  const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null
  const parsed = marketSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { id: rawId, reason: `${issue.path.join('.') || 'market'}: ${issue.message}` }
  }
  const market = parsed.data
  try {
    const price = market.asset.price ?? null
    const priceUsd = price === null ? null : Number(price)
    if (priceUsd !== null && !(Number.isFinite(priceUsd) && priceUsd >= 0)) return { id: market.id, reason: `asset.price is not a price: ${price}` }
    const exchangeRate = parseDecimal(market.exchangeRate, `exchangeRate of ${market.id}`)
    if (exchangeRate.coefficient < 0n) return { id: market.id, reason: `exchangeRate is negative: ${market.exchangeRate}` }
    return {
      id: market.id,
      displayName: market.displayName?.trim() || market.id,
      assetSymbol: market.asset.symbol,
      decimals: market.asset.decimals,
      priceUsd,
      exchangeRate,
      receiptUnit: market.receiptAsset.id.toLowerCase(),
    }
  } catch (error) {
    return { id: market.id, reason: error instanceof Error ? error.message : String(error) }
  }
}

/**
 * The market of a configured asset: the one whose id is the asset's name (`usdc` → `USDC`),
 * else the one whose underlying symbol is the asset's name or table symbol (`wanusdc`).
 */
export function marketForAsset(markets: readonly CollectorMarket[], asset: string, symbol: string): CollectorMarket | null {
  const names = [asset.toLowerCase(), symbol.toLowerCase()]
  return (
    markets.find((market) => market.id.toLowerCase() === names[0]) ??
    markets.find((market) => names.includes(market.assetSymbol.toLowerCase())) ??
    null
  )
}
