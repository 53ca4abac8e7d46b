/**
 * Price comparison between logical sources (spec-math §7.7): a post-processing step that can only
 * LOWER a decision. The caller has already picked, per logical source, the first provider that
 * answered (priority_by_logical); this module compares what came back.
 *
 * - fewer than 2 prices → unavailable (the mismatch streak is left as it was);
 * - d_abs = max − min, d_rel = d_abs / max (0 when max ≤ 0); a mismatch is d > ε (strict);
 * - the streak of consecutive mismatches is explicit state: passed in, returned, kept by the caller
 *   between evaluations (no module globals);
 * - action `hold` forces HOLD once the streak reaches persistence_threshold; `flag_only` only flags.
 */
import type { PriceCompareSettings } from './settings.ts'

export interface PriceComparison {
  /** the prices that were available, keyed by logical source, in settings order */
  readonly pricesBySource: Record<string, number>
  readonly unavailable: boolean
  readonly deltaAbs: number | null
  readonly deltaRel: number | null
  readonly mismatch: boolean
  /** consecutive mismatches including this one; keep it for the next evaluation */
  readonly mismatchStreak: number
  /** true when this comparison forces the decision to HOLD */
  readonly forcesHold: boolean
  /** e.g. `price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)`, null without mismatch */
  readonly reason: string | null
}

/**
 * Compares the prices of one asset. `previousStreak` is what the previous evaluation returned for
 * this asset (0 at start).
 */
export function comparePrices(
  prices: Readonly<Record<string, number | null | undefined>>,
  settings: PriceCompareSettings,
  previousStreak: number,
): PriceComparison {
  const available: [string, number][] = []
  for (const source of new Set(settings.sources)) {
    const price = prices[source]
    if (typeof price === 'number' && Number.isFinite(price)) available.push([source, price])
  }
  const pricesBySource = Object.fromEntries(available)
  if (available.length < 2) {
    return {
      pricesBySource,
      unavailable: true,
      deltaAbs: null,
      deltaRel: null,
      mismatch: false,
      mismatchStreak: previousStreak,
      forcesHold: false,
      reason: null,
    }
  }

  let low = available[0] as [string, number]
  let high = low
  for (const entry of available) {
    if (entry[1] < low[1]) low = entry
    if (entry[1] > high[1]) high = entry
  }
  const deltaAbs = high[1] - low[1]
  const deltaRel = high[1] > 0 ? deltaAbs / high[1] : 0
  const absolute = settings.epsilon_mode === 'absolute'
  const mismatch = (absolute ? deltaAbs : deltaRel) > settings.tolerance_epsilon
  const mismatchStreak = mismatch ? previousStreak + 1 : 0
  const forcesHold = mismatch && settings.action_on_mismatch === 'hold' && mismatchStreak >= settings.persistence_threshold
  return {
    pricesBySource,
    unavailable: false,
    deltaAbs,
    deltaRel,
    mismatch,
    mismatchStreak,
    forcesHold,
    reason: mismatch ? mismatchReason(low, high, deltaAbs, deltaRel, settings) : null,
  }
}

function mismatchReason(low: [string, number], high: [string, number], deltaAbs: number, deltaRel: number, settings: PriceCompareSettings): string {
  const delta =
    settings.epsilon_mode === 'absolute'
      ? `Δ ${deltaAbs.toFixed(4)} > ${settings.tolerance_epsilon.toFixed(4)}`
      : `Δ ${(deltaRel * 100).toFixed(2)}% > ${(settings.tolerance_epsilon * 100).toFixed(2)}%`
  return `price mismatch ${low[0]} ${low[1].toFixed(4)} vs ${high[0]} ${high[1].toFixed(4)} (${delta})`
}
