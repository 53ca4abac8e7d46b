/**
 * Liqwid's own figure of what the wallets earned, per market, for a cross-check next to our
 * corrected gain. Evidence for the shape: itzdannyada/liqwid-yield-sdk src/widget/LiqwidSDK.js
 * (`GetYieldEarned`: `historical.yieldEarned(input: {addresses})` with `totalYieldEarned` and
 * `markets { id amount amountInCurrency(input: {currency}) }`, called with the wallet's payment
 * addresses). It is Liqwid's all-time figure, not a gain since our reference t0: shown beside
 * ours, never used in a decision.
 */
import { z } from 'zod'
import { AppError } from '../errors.ts'
import { requestJson, type RetryPolicy } from '../sources/http.ts'
import { envelopeSchema } from '../sources/liqwid-documents.ts'

export const YIELD_EARNED_QUERY = `query CollectorYieldEarned($input: YieldEarnedInput!, $currencyInput: InCurrencyInput) {
  historical {
    yieldEarned(input: $input) {
      totalYieldEarned(input: $currencyInput)
      markets {
        id
        amount
        amountInCurrency(input: $currencyInput)
      }
    }
  }
}`

export interface MarketYield {
  /** underlying units */
  readonly amount: number
  readonly amountUsd: number
}

const numeric = z.union([z.number(), z.string().trim().min(1).transform(Number)]).pipe(z.number())
const answerSchema = z.object({
  historical: z.object({
    yieldEarned: z.object({
      markets: z.array(z.object({ id: z.string().min(1), amount: numeric, amountInCurrency: numeric }).loose()).nullable(),
    }),
  }),
})

/** Market id → what Liqwid says the addresses earned there. */
export async function fetchYieldEarned(
  endpoint: string,
  policy: RetryPolicy,
  addresses: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, MarketYield>> {
  const body = await requestJson(
    {
      upstream: 'liqwid',
      url: endpoint,
      method: 'POST',
      body: { query: YIELD_EARNED_QUERY, variables: { input: { addresses }, currencyInput: { currency: 'USD' } } },
    },
    policy,
    signal,
  )
  const envelope = envelopeSchema.safeParse(body)
  if (!envelope.success) throw new AppError('upstream_invalid', 'liqwid: the answer is not a GraphQL response object')
  if (envelope.data.errors !== undefined)
    throw new AppError(
      'upstream_invalid',
      `liqwid: GraphQL error: ${envelope.data.errors.map((error) => error.message ?? 'unnamed error').join('; ')}`,
    )
  const parsed = answerSchema.safeParse(envelope.data.data)
  if (!parsed.success) throw new AppError('upstream_invalid', 'liqwid: unexpected yieldEarned response shape')
  return new Map(
    (parsed.data.historical.yieldEarned.markets ?? []).map((market) => [market.id, { amount: market.amount, amountUsd: market.amountInCurrency }]),
  )
}
