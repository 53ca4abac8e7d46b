/**
 * What a supplier wants to know beside the decision, computed from the decision's own inputs:
 * how much the decision allows now (USD and tokens), where the gain since t0 comes from (interest
 * earned in tokens versus the price's move), whether a USD stablecoin is off its peg, and how old
 * the newest sample is. Pure functions; the caller passes `now`.
 */
import type { EpochMs, Series, Transaction } from './types.ts'

export interface Withdrawable {
  /** what the decision allows now: Σ W_max on WITHDRAW_OK, 0 on HOLD and ERROR */
  readonly usd: number
  /** the same in tokens at `priceUsd`; null without a price */
  readonly units: number | null
}

export function withdrawable(decision: -1 | 0 | 1, wmaxUsd: number, priceUsd: number | null): Withdrawable {
  const usd = decision === 1 ? wmaxUsd : 0
  return { usd, units: toUnits(usd, priceUsd) }
}

/** USD → tokens at a price; null when the price is unknown or not positive. */
export function toUnits(usd: number, priceUsd: number | null): number | null {
  return priceUsd !== null && Number.isFinite(priceUsd) && priceUsd > 0 ? usd / priceUsd : null
}

export interface GainAttribution {
  /** tokens earned: the growth of the position's units beyond the net deposits and withdrawals */
  readonly interestUnits: number
  /** the interest at the latest price */
  readonly interestUsd: number
  /** the units held at t0 times the price's change since: what the price alone did to the position */
  readonly priceEffectUsd: number
  readonly priceT0: number
  readonly priceT1: number
}

/**
 * Splits the change of a position since its first sample. Units at a sample are its USD value over
 * its price. Interest = u(t1) − u(t0) − Σ units of the transactions after the first sample (one at
 * or before it — the reference withdrawal at t0 — is already in u(t0)); price effect = u(t0) ·
 * (p(t1) − p(t0)). The two add up to the corrected gain up to the transactions' own price moves.
 * Null when the first or last sample has no price.
 */
export function attributeGain(
  positions: Series,
  prices: Series,
  transactions: readonly Pick<Transaction, 'amount' | 'ts'>[],
  gUsd: number | null,
): GainAttribution | null {
  if (gUsd === null || positions.ts.length === 0) return null
  const priceAt = new Map(prices.ts.map((ts, i) => [ts, prices.values[i]!]))
  const firstTs = positions.ts[0]!
  const last = positions.ts.length - 1
  const p0 = priceAt.get(firstTs)
  const p1 = priceAt.get(positions.ts[last]!)
  if (p0 === undefined || p1 === undefined || !(p0 > 0) || !(p1 > 0)) return null
  const u0 = positions.values[0]! / p0
  const u1 = positions.values[last]! / p1
  const netUnits = transactions.reduce((sum, tx) => (tx.ts > firstTs ? sum + tx.amount : sum), 0)
  const interestUnits = u1 - u0 - netUnits
  return { interestUnits, interestUsd: interestUnits * p1, priceEffectUsd: u0 * (p1 - p0), priceT0: p0, priceT1: p1 }
}

export interface PegStatus {
  /** price − 1 (USD) */
  readonly deviation: number
  /** |deviation| > the allowed distance */
  readonly off: boolean
}

/** A USD stablecoin's distance from 1 USD; `maxDeviation` is a fraction (0.005 = 0.5 %). */
export function pegStatus(priceUsd: number | null, maxDeviation: number): PegStatus | null {
  if (priceUsd === null || !Number.isFinite(priceUsd)) return null
  const deviation = priceUsd - 1
  return { deviation, off: Math.abs(deviation) > maxDeviation }
}

export interface DataAge {
  readonly newestAt: EpochMs
  readonly ageMs: number
  /** the median spacing of the recent samples; null with fewer than two */
  readonly intervalMs: number | null
  /** older than three sampling intervals: the collector probably stopped */
  readonly stale: boolean
}

/** How many recent samples set the sampling interval (enough to ignore one gap). */
const INTERVAL_SAMPLES = 24
export const STALE_INTERVALS = 3

export function dataAge(ts: readonly EpochMs[], now: EpochMs): DataAge | null {
  const newestAt = ts.at(-1)
  if (newestAt === undefined) return null
  const recent = ts.slice(-INTERVAL_SAMPLES - 1)
  const gaps = recent
    .slice(1)
    .map((t, i) => t - recent[i]!)
    .sort((a, b) => a - b)
  const intervalMs = gaps.length === 0 ? null : gaps[Math.floor(gaps.length / 2)]!
  const ageMs = Math.max(0, now - newestAt)
  return { newestAt, ageMs, intervalMs, stale: intervalMs !== null && ageMs > STALE_INTERVALS * intervalMs }
}
