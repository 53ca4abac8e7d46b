/**
 * The residual gate's comparison in words, for the plain reason and the gate panel: which point was
 * judged, against the trend of which stretch, how far off it is in USD and in multiples of the
 * stretch's usual wobble (σ), and where the alarm starts. E.g. "the latest sample is 5.8k USD above
 * the trend of the 2 days before the last hour, 50× their usual wobble (σ 116 USD; alarm beyond 4×)".
 */
import type { EpochMs } from './types.ts'

export interface GateComparison {
  readonly x: readonly EpochMs[]
  /** the oldest points the baseline was fitted on; the rest were held out */
  readonly trainingCount: number
  readonly rNow: number
  readonly sigma: number
  readonly k: number
  readonly thresholds: { readonly mode: 'stddev' | 'percentile'; readonly lower: number; readonly upper: number }
}

export function explainGate(c: GateComparison): string {
  const first = c.x[0] as number
  const last = c.x.at(-1) as number
  const heldOut = c.x.length - c.trainingCount
  const lastTrained = c.x[c.trainingCount - 1] as number
  const stretch =
    heldOut > 0
      ? `the ${describeSpan(lastTrained - first)} before the last ${describeSpan(last - lastTrained)}`
      : `the last ${describeSpan(last - first)} (itself included)`
  const side = c.rNow >= 0 ? 'above' : 'below'
  const ratio = c.sigma > 0 ? Math.abs(c.rNow) / c.sigma : Number.POSITIVE_INFINITY
  const alarm =
    c.thresholds.mode === 'stddev' ? `alarm beyond ${c.k}×` : `usual band ${compactUsd(c.thresholds.lower)} to ${compactUsd(c.thresholds.upper)}`
  return `the latest sample is ${compactUsd(Math.abs(c.rNow))} ${side} the trend of ${stretch}, ${compact(ratio)}× their usual wobble (σ ${compactUsd(c.sigma)}; ${alarm})`
}

/** "hour", "45 minutes", "6 hours", "2 days", "1.5 days". */
export function describeSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes === 60) return 'hour'
  if (minutes < 90) return `${minutes} minutes`
  const hours = Math.round(ms / 360_000) / 10
  if (hours < 48) return `${hours} hours`
  return `${Math.round(ms / 8_640_000) / 10} days`
}

/** Two significant digits, no exponent: 50, 2.7, 0.0031. */
function compact(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return value.toFixed(0)
  return String(Number(value.toPrecision(2)))
}

/** 5.8k USD, 116 USD, 0.0012 USD (prices on the change_rate_usd basis are small). */
function compactUsd(value: number): string {
  const magnitude = Math.abs(value)
  if (magnitude >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M USD`
  if (magnitude >= 1000) return `${(value / 1000).toFixed(1)}k USD`
  return `${compact(value)} USD`
}
