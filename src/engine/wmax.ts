/**
 * Per-wallet withdrawal capacity (spec-math §5): each wallet's corrected gain since t0 and
 * W_max = c · max(0, G_wallet), wallets in ascending address order, and the asset total as the
 * plain sum of the wallets' W_max in that order. A NaN gain gives W_max 0 (Python's max(0.0, NaN)).
 *
 * Performance contract with the store: a wallet's FINAL gain needs only its first two samples and
 * its last sample in [t0, now] (plus all its transactions), not the whole series.
 *
 * Why. Let s0 < s1 < … < sL be the wallet's samples and T its transaction instants. The timebase is
 * sorted(∪{s_i} ∪ T), its index 0 is min(s0, min T), its last index is max(sL, max T). With r = 0:
 *
 *   G[last] = (P[last] − P[0]) − (D[last] − D[0]) + (W[last] − W[0])
 *
 * - P[0] = V(s0): timebase[0] is s0, or an instant before it where interp clamps to V(s0).
 *   P[last] = V(sL): timebase[last] is sL, or after it where interp clamps to V(sL). Both are exact
 *   sample values whatever the samples in between are (numpy.interp returns fp[j] on exact hits).
 * - D[last] − D[0] is the sum of the deposits placed at an index ≥ 1, W likewise. So G[last] only
 *   depends on WHICH transactions are placed at index 0, and that is decided by s0, s1 and T alone:
 *   · none, detect_spike: index 0 iff the instant is timebase[0] (detect_spike never moves index 0,
 *     and every move it makes lands on index ≥ 1);
 *   · right_open: index min(i + 1, n − 1) is 0 only when n = 1, i.e. a single sample and every
 *     instant equal to it, which the sparse series reproduces;
 *   · snap_to_next_pos: 0 iff s0 ≤ every instant and the instant is s0 — or the series has a
 *     single sample (every later instant falls back to the last sample, index 0);
 *   · snap_to_prev_pos: 0 iff s0 ≤ every instant and s0 ≤ instant < s1 (needs s1!);
 *   · snap_to_nearest_pos: 0 iff s0 ≤ every instant and s0 is strictly (beyond numpy isclose) nearer
 *     than s1; samples after s1 are farther than s1 for an instant before s1 (needs s1 too).
 *   The samples s2 … s(L−1) never influence these tests, so {s0, s1, sL} suffice.
 * In exact arithmetic the two gains are equal. In floating point, same-slot transactions add up, and
 * two transactions may share a slot in one timebase but not the other, which can re-associate a sum
 * of amounts (an ulp-level difference); with integer amounts the equality is exact (see the tests).
 */
import { type GainTransaction, type TxTimestampSource, correctedGains, finalGain } from './timebase.ts'
import { normalizeSeries } from './series.ts'
import type { AlignmentMethod } from './settings.ts'
import type { Series, WalletBreakdown } from './types.ts'

/** The samples per wallet the store must return: the first two and the last one in [t0, now]. */
export const WALLET_SAMPLES_NEEDED = { first: 2, last: 1 } as const

/** Reduces a full wallet series to the samples the final gain needs. */
export function sparseWalletSamples(series: Series): Series {
  const samples = normalizeSeries(series)
  const n = samples.ts.length
  if (n <= WALLET_SAMPLES_NEEDED.first + WALLET_SAMPLES_NEEDED.last) return samples
  const keep = [0, 1, n - 1]
  return { ts: keep.map((i) => samples.ts[i] as number), values: keep.map((i) => samples.values[i] as number) }
}

export interface WalletSamples {
  readonly wallet: string
  /** the wallet's samples in [t0, now]: the full series or `sparseWalletSamples` of it */
  readonly samples: Series
}

export interface WalletTransaction extends GainTransaction {
  readonly wallet: string
}

export interface WalletGainOptions {
  /** safety factor c, 0 ≤ c ≤ 1 */
  readonly safetyFactor: number
  readonly alignment: AlignmentMethod
  readonly txTimestampSource?: TxTimestampSource
}

export interface WalletCapacity {
  /** wallets with at least one sample, ascending by address */
  readonly wallets: WalletBreakdown[]
  /** Σ wallet W_max in list order */
  readonly totalWmaxUsd: number
}

/** c · max(0, gain), and 0 for a NaN gain. */
export function wmaxFromGain(gainUsd: number, safetyFactor: number): number {
  const wmax = safetyFactor * gainUsd
  // Math.max alone keeps NaN; a NaN gain must give 0.
  return Number.isNaN(wmax) ? 0 : Math.max(wmax, 0)
}

/** A wallet's corrected gain at the last timebase point (0 without samples). */
export function walletFinalGain(samples: Series, transactions: readonly GainTransaction[], options: Omit<WalletGainOptions, 'safetyFactor'>): number {
  if (samples.ts.length === 0) return 0
  const opts = { alignment: options.alignment, txTimestampSource: options.txTimestampSource ?? 'timestamp' }
  return finalGain(correctedGains(samples, transactions, opts))
}

/**
 * W_max per wallet. Transactions are matched to wallets by exact address; transactions of wallets
 * without samples are ignored (such a wallet has no position to withdraw from).
 */
export function walletCapacity(
  wallets: readonly WalletSamples[],
  transactions: readonly WalletTransaction[],
  options: WalletGainOptions,
): WalletCapacity {
  const byWallet = new Map<string, WalletTransaction[]>()
  for (const tx of transactions) {
    const list = byWallet.get(tx.wallet)
    if (list) list.push(tx)
    else byWallet.set(tx.wallet, [tx])
  }
  const ordered = [...wallets].filter((w) => w.samples.ts.length > 0).sort((a, b) => (a.wallet < b.wallet ? -1 : a.wallet > b.wallet ? 1 : 0))

  const breakdown: WalletBreakdown[] = ordered.map((w) => {
    const samples = normalizeSeries(w.samples)
    const gainUsd = walletFinalGain(samples, byWallet.get(w.wallet) ?? [], options)
    return {
      wallet: w.wallet,
      wmaxUsd: wmaxFromGain(gainUsd, options.safetyFactor),
      // the wallet's last raw sample, not interpolated
      vT1Usd: samples.values.at(-1) as number,
      gainUsd,
    }
  })
  let totalWmaxUsd = 0
  for (const w of breakdown) totalWmaxUsd += w.wmaxUsd
  return { wallets: breakdown, totalWmaxUsd }
}
