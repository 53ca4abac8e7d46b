/**
 * Transaction amounts in USD (PRODUCT §3). Liqwid reports amounts in token units while positions
 * are USD; the predecessor subtracted one from the other. Here each amount is multiplied by the
 * asset's price at the transaction's instant: the price series (`price_usd` of the positions
 * table) linearly interpolated, held flat before its first and after its last sample.
 *
 * A transaction for which no usable price exists (no price sample at all) keeps its raw amount and
 * is returned in `unpriced`, so the caller can log one warning per evaluation instead of failing.
 */
import { interp } from './numeric.ts'
import { normalizeSeries } from './series.ts'
import { type GainTransaction, type TxTimestampSource, transactionInstant } from './timebase.ts'
import type { Series, Transaction } from './types.ts'

/** A stored transaction with its amount converted to USD. */
export interface UsdTransaction extends Transaction, GainTransaction {
  /** signed like `amount`: deposits > 0, withdrawals < 0 */
  readonly amountUsd: number
  /** the price used (USD per token), null when none was available and the raw amount was kept */
  readonly priceUsd: number | null
}

export interface UsdConversion {
  readonly transactions: UsdTransaction[]
  /** transactions that kept their raw token amount because no price was available */
  readonly unpriced: Transaction[]
}

/**
 * Converts every transaction with the price at its instant (`timestamp`, or `created_at` when that
 * is what places transactions on the timebase). Prices that are not finite or not positive are
 * ignored: a zero price would silently erase a transaction from the gain.
 */
export function convertToUsd(
  transactions: readonly Transaction[],
  prices: Series | null,
  txTimestampSource: TxTimestampSource = 'timestamp',
): UsdConversion {
  const usable = usablePrices(prices)
  const converted: UsdTransaction[] = []
  const unpriced: Transaction[] = []
  for (const tx of transactions) {
    if (usable === null) {
      unpriced.push(tx)
      converted.push({ ...tx, amountUsd: tx.amount, priceUsd: null })
      continue
    }
    const instant = transactionInstant({ ...tx, amountUsd: tx.amount }, txTimestampSource)
    const price = interp(instant, usable.ts, usable.values)
    converted.push({ ...tx, amountUsd: tx.amount * price, priceUsd: price })
  }
  return { transactions: converted, unpriced }
}

function usablePrices(prices: Series | null): Series | null {
  if (prices === null) return null
  const ts: number[] = []
  const values: number[] = []
  for (let i = 0; i < prices.ts.length; i++) {
    const price = prices.values[i] as number
    if (Number.isFinite(price) && price > 0) {
      ts.push(prices.ts[i] as number)
      values.push(price)
    }
  }
  return ts.length === 0 ? null : normalizeSeries({ ts, values })
}
