/**
 * Small helpers over time series that several engine modules share: putting a series into the
 * shape the math assumes (ascending, unique timestamps), the nearest sample to an instant, the
 * price series of an aggregate, and the duty cycle of a price series (spec-math §1.7), which the
 * caller uses to decide whether a sparse price source should fall back to the supply table's price.
 */
import { median } from './numeric.ts'
import type { AggregateSeries, EpochMs, Series } from './types.ts'

/**
 * Sorts by timestamp and keeps the LAST value given for a repeated timestamp (what a map keyed by
 * timestamp yields when rows are read in order). numpy.interp silently returns garbage on unsorted
 * sample points, so every series goes through here before it is interpolated.
 */
export function normalizeSeries(series: Series): Series {
  const { ts, values } = series
  if (ts.length !== values.length) throw new RangeError('series: ts and values must have the same length')
  let sortedUnique = true
  for (let i = 1; i < ts.length; i++) {
    if (!((ts[i] as number) > (ts[i - 1] as number))) {
      sortedUnique = false
      break
    }
  }
  if (sortedUnique) return series
  const latest = new Map<EpochMs, number>()
  for (let i = 0; i < ts.length; i++) latest.set(ts[i] as number, values[i] as number)
  const keys = [...latest.keys()].sort((a, b) => a - b)
  return { ts: keys, values: keys.map((k) => latest.get(k) as number) }
}

/** The aggregate USD value per timestamp as a plain series. */
export function usdSeries(aggregate: AggregateSeries): Series {
  return normalizeSeries({ ts: aggregate.ts, values: aggregate.usd })
}

/** The aggregate's price per timestamp, without the timestamps whose price is null or not finite. */
export function priceSeries(aggregate: AggregateSeries): Series {
  const ts: EpochMs[] = []
  const values: number[] = []
  for (let i = 0; i < aggregate.ts.length; i++) {
    const price = aggregate.price[i]
    if (price === null || price === undefined || !Number.isFinite(price)) continue
    ts.push(aggregate.ts[i] as number)
    values.push(price)
  }
  return normalizeSeries({ ts, values })
}

/**
 * The value of the sample nearest to `at`; on a tie the earlier sample wins (spec-math §4: the
 * first minimum in ascending order). Null for an empty series.
 */
export function nearestSampleValue(series: Series, at: EpochMs): number | null {
  const { ts, values } = normalizeSeries(series)
  let best = -1
  let bestDistance = Number.POSITIVE_INFINITY
  for (let i = 0; i < ts.length; i++) {
    const distance = Math.abs((ts[i] as number) - at)
    if (distance < bestDistance) {
      bestDistance = distance
      best = i
    }
  }
  return best < 0 ? null : (values[best] as number)
}

/**
 * Fraction of the expected samples present in [start, end] (spec-math §1.7 `compute_duty_cycle`):
 * 0 without data or with fewer than 2 points, 1 when the range is open, otherwise
 * count / max(1, span / median spacing), clamped to [0, 1].
 */
export function dutyCycle(series: Series | null, start: EpochMs | null, end: EpochMs | null): number {
  if (series === null || series.ts.length === 0) return 0
  if (start === null || end === null) return 1
  const { ts } = normalizeSeries(series)
  if (ts.length < 2) return 0
  const gapsSeconds: number[] = []
  for (let i = 1; i < ts.length; i++) gapsSeconds.push(((ts[i] as number) - (ts[i - 1] as number)) / 1000)
  const medianGap = median(gapsSeconds)
  if (!(medianGap > 0)) return 0
  const expected = Math.max(1, (end - start) / 1000 / medianGap)
  return Math.min(1, Math.max(0, ts.length / expected))
}

/**
 * Hours since the first instant, rounded in the predecessor's order (`timedelta.total_seconds()`
 * then `/ 3600`), which is what its polynomial fits used as x.
 */
export function hoursSinceFirst(x: readonly EpochMs[]): number[] {
  const base = x[0] as number
  return x.map((t) => (t - base) / 1000 / 3600)
}
