/**
 * A small hand-made market with answers worked out by hand, written through the store's writer.
 *
 * djed (symbol djed), price 1 USD, hourly samples from T to T+5h (T six hours before `now`):
 *   WALLET_A  1000 1010 1070 1080 1090 1100   deposit of 50 at T+2h  → gain 100 − 50 = 50 → W_max 25
 *   WALLET_B  2000 1998 1996 1994 1992 1990   tagged withdrawal at T → gain −10        → W_max 0
 * The tagged withdrawal makes t0 = T (ref_mode keyword); it sits on the first sample, so it is not
 * part of the gain. Aggregate: v_ref 3000, v_t1 3090, g = 90 − 50 = 40; W_max = 25 → WITHDRAW_OK.
 * Minswap: price 1.004, ADA 0.5 → rate_ada 2.008; Liqwid (supply table) price 1 → Δ 0.004.
 *
 * usdc (table symbol wanusdc): the same wallets and values without any transaction → no reference
 * → HOLD with W_max 0 (ref_mode null).
 */
import type { StoreWriter } from '../../../src/store/writer.ts'
import { WALLET_A, WALLET_B } from '../../fakes/fixtures.ts'
import { REFERENCE_KEYWORD } from './config.ts'

export const HOUR_MS = 3_600_000

export interface KnownMarket {
  /** first sample = the reference withdrawal = t0 */
  readonly t0: number
  /** last sample */
  readonly t1: number
}

export const KNOWN = {
  djed: { decision: 1, wmaxUsd: 25, vRefUsd: 3000, vT1Usd: 3090, gUsd: 40, priceUsd: 1, minswapPriceUsd: 1.004, adaUsd: 0.5 },
  wallets: {
    [WALLET_A]: { wmax_usd: 25, v_t1_usd: 1100 },
    [WALLET_B]: { wmax_usd: 0, v_t1_usd: 1990 },
  },
} as const

const SERIES: Record<string, number[]> = {
  [WALLET_A]: [1000, 1010, 1070, 1080, 1090, 1100],
  [WALLET_B]: [2000, 1998, 1996, 1994, 1992, 1990],
}

function marketStart(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS - 6 * HOUR_MS
}

async function writePositions(writer: StoreWriter, symbol: string, marketId: string, t0: number): Promise<void> {
  const rows = Object.entries(SERIES).flatMap(([wallet, values]) =>
    values.map((usd, hour) => ({ ts: t0 + hour * HOUR_MS, wallet, marketId, marketName: marketId, units: usd, priceUsd: 1, usdValue: usd })),
  )
  await writer.insertPositions(symbol, rows)
  await writer.ensureTransactionTables(symbol)
  await writer.insertMinswapPrices(
    symbol,
    SERIES[WALLET_A]!.map((_, hour) => ({ ts: t0 + hour * HOUR_MS, priceUsd: KNOWN.djed.minswapPriceUsd, adaUsd: KNOWN.djed.adaUsd })),
  )
}

/** Writes djed (and, with `usdc`, wanusdc) relative to `now`. */
export async function writeKnownMarket(writer: StoreWriter, now: number, options: { usdc?: boolean } = {}): Promise<KnownMarket> {
  const t0 = marketStart(now)
  await writePositions(writer, 'djed', 'DJED', t0)
  await writer.insertTransactions('djed', 'withdrawal', [
    { ts: t0, wallet: WALLET_B, marketId: 'DJED', amount: 100, notes: `${REFERENCE_KEYWORD} reference withdrawal` },
  ])
  await writer.insertTransactions('djed', 'deposit', [{ ts: t0 + 2 * HOUR_MS, wallet: WALLET_A, marketId: 'DJED', amount: 50, notes: 'top-up' }])
  if (options.usdc) await writePositions(writer, 'wanusdc', 'USDC', t0)
  return { t0, t1: t0 + 5 * HOUR_MS }
}
