/**
 * Minswap aggregator client (spec-data §4.3): the ADA price in a fiat currency and a token's
 * price in ADA; a token's USD price is `price_by_ada × ada_usd`.
 *
 * Timeout and retries come from `analysis.price_compare.request_timeout_seconds` (default 5) and
 * `retries` (default 1). A 200 that is not declared JSON, or is not parseable JSON, fails without
 * retry, as in the predecessor: the aggregator answered, it answered something else (a captive
 * portal, a maintenance page), and asking again at once will not change that.
 */
import { z } from 'zod'
import { AppError } from '../errors.ts'
import { requestJson, type RetryPolicy } from './http.ts'

export interface MinswapClientOptions {
  /** e.g. `https://agg-api.minswap.org`; a trailing `/` is ignored */
  readonly baseUrl: string
  /** per request; default 5 */
  readonly requestTimeoutSeconds?: number
  /** extra attempts; default 1 */
  readonly retries?: number
  /** default `usd` */
  readonly currency?: string
  /** delay before the first retry, doubling after; default 500 ms (0.5 × 2^i s) */
  readonly backoffMs?: number
}

export interface MinswapClient {
  /** ADA price in the configured currency; null when the answer has none */
  adaPrice(signal?: AbortSignal): Promise<number | null>
  /** price of one token (policy id + token name hex) in ADA; null when unknown */
  tokenPriceByAda(tokenId: string, signal?: AbortSignal): Promise<number | null>
  /** `price_by_ada × ada_price`; null when either is missing */
  latestPriceUsd(tokenId: string, signal?: AbortSignal): Promise<number | null>
}

const DEFAULT_TIMEOUT_SECONDS = 5
const DEFAULT_RETRIES = 1
const DEFAULT_BACKOFF_MS = 500
/** The predecessor's session header; kept so the aggregator's logs see the same client. */
const USER_AGENT = 'WO/price-compare'

const adaPriceSchema = z.object({ value: z.object({ price: z.number().nullish() }).loose().nullish() }).loose()
const tokensSchema = z.object({ tokens: z.array(z.object({ token_id: z.string(), price_by_ada: z.number().nullish() }).loose()) }).loose()

export function createMinswapClient(options: MinswapClientOptions): MinswapClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const currency = options.currency ?? 'usd'
  const policy: RetryPolicy = {
    timeoutMs: (options.requestTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    retries: options.retries ?? DEFAULT_RETRIES,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    retryInvalidJson: false,
    requireJsonContentType: true,
  }
  const headers = { 'User-Agent': USER_AGENT }

  async function adaPrice(signal?: AbortSignal): Promise<number | null> {
    const body = await requestJson(
      { upstream: 'minswap', url: `${base}/aggregator/ada-price`, method: 'GET', query: { currency }, headers },
      policy,
      signal,
    )
    const parsed = adaPriceSchema.safeParse(body)
    if (!parsed.success) throw new AppError('upstream_invalid', 'minswap: unexpected ada-price response shape')
    return parsed.data.value?.price ?? null
  }

  async function tokenPriceByAda(tokenId: string, signal?: AbortSignal): Promise<number | null> {
    const id = tokenId.toLowerCase()
    const body = await requestJson(
      {
        upstream: 'minswap',
        url: `${base}/aggregator/tokens`,
        method: 'POST',
        body: { query: '', only_verified: false, assets: [id] },
        headers,
      },
      policy,
      signal,
    )
    const parsed = tokensSchema.safeParse(body)
    if (!parsed.success) throw new AppError('upstream_invalid', 'minswap: unexpected tokens response shape')
    return parsed.data.tokens.find((token) => token.token_id.toLowerCase() === id)?.price_by_ada ?? null
  }

  async function latestPriceUsd(tokenId: string, signal?: AbortSignal): Promise<number | null> {
    const [ada, byAda] = await Promise.all([adaPrice(signal), tokenPriceByAda(tokenId, signal)])
    return ada === null || byAda === null ? null : byAda * ada
  }

  return { adaPrice, tokenPriceByAda, latestPriceUsd }
}
