/**
 * The three GraphQL documents sent to Liqwid (spec-data §2.2, field lists verbatim) and the
 * shapes we accept back. Shapes are checked per item so one malformed market or transaction is
 * skipped or reported on its own instead of failing the whole answer.
 */
import { z } from 'zod'

export const MARKETS_QUERY = `query GetAllMarkets {
  liqwid {
    data {
      markets(input: { perPage: 100, page: 0 }) {
        results {
          id
          displayName
          symbol
          exchangeRate
          asset {
            id
            displayName
            symbol
            decimals
            currencySymbol
            policyId
            price
            priceUpdatedAt
          }
          receiptAsset {
            id
            displayName
            symbol
            decimals
            currencySymbol
            policyId
          }
        }
      }
    }
  }
}`

export const ASSET_PRICES_QUERY = `query GetAssetPrices {
  liqwid {
    data {
      assets(input: { perPage: 100, page: 0 }) {
        results {
          symbol
          price
        }
      }
    }
  }
}`

/**
 * The history query. Its input is exactly `{addresses, date: {startTime, endTime}}`: `page` and
 * `perPage` are not fields of `HistoricalTransactionInput` (the predecessor's client says so, and a
 * graphql-js server refuses an unknown input field for the whole request). Every answer holds at
 * most one fixed page, newest first; `totalCount` says how many the window holds.
 */
export const TRANSACTIONS_QUERY = `query Transactions($input: HistoricalTransactionInput) {
  historical {
    transactions(input: $input) {
      page
      perPage
      pagesCount
      totalCount
      results {
        id
        type
        displayName
        time
        amount
        logo
        amountUSD
        principal
        principalUSD
        oraclePrice
        exchangeRate
        qAmount
        minInterest
        healthFactor
        loanOriginationFee
        beforeHealthFactor
        beforePrincipal
        beforePrincipalUSD
        totalCollateralUSD
        beforetotalCollateralUSD
      }
    }
  }
}`

/** GraphQL numbers sometimes arrive as strings (big decimals); both are accepted. */
const numeric = z.union([z.number(), z.string().trim().min(1).transform(Number)]).pipe(z.number())
const text = z.string().trim().min(1)

export const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string().optional() }).loose()).optional(),
})

export const marketSchema = z.object({
  id: text,
  displayName: text,
  exchangeRate: numeric,
  asset: z.object({
    symbol: text,
    decimals: numeric.pipe(z.number().int()),
    price: numeric.nullish(),
    /** ISO time of Liqwid's last price update (recorded answers: can be months old) */
    priceUpdatedAt: z.string().nullish(),
  }),
  receiptAsset: z.object({
    symbol: text,
    decimals: numeric.pipe(z.number().int()),
    policyId: text,
  }),
})

export const marketsDataSchema = z.object({
  liqwid: z.object({ data: z.object({ markets: z.object({ results: z.array(z.unknown()).nullable() }) }) }),
})

export const assetsDataSchema = z.object({
  liqwid: z.object({
    data: z.object({
      assets: z.object({ results: z.array(z.object({ symbol: z.string(), price: numeric.nullish() }).loose()).nullable() }),
    }),
  }),
})

export const transactionsDataSchema = z.object({
  historical: z.object({
    transactions: z.object({
      page: z.number().int().nonnegative().nullish(),
      perPage: z.number().int().positive().nullish(),
      pagesCount: z.number().int().nonnegative().nullish(),
      totalCount: z.number().int().nonnegative().nullish(),
      results: z.array(z.unknown()).nullable(),
    }),
  }),
})

export const transactionSchema = z.object({
  id: text,
  type: text,
  displayName: text,
  time: text,
  amount: numeric,
})
