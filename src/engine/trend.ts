/**
 * The dashboard's trend overlay (spec-math §9.2). Visualization only:
 * nothing here changes a decision. Unlike the predecessor, every trend key is honoured
 * (PRODUCT §3): `method` moving_average, or polynomial_fit with `window_type` polynomial / gaussian /
 * boxcar / none, with `gaussian_kde_sigma_fraction` for the gaussian kernel.
 *
 * Window sizes are converted to sample counts with the median spacing of the series (in whole
 * seconds, as numpy's timedelta64[s] truncation gives). Smoothers use `convolveSame`, so an output
 * always has as many points as the input (numpy returns more when the kernel is longer than the
 * series, which made the predecessor drop its band).
 */
import { convolveSame, median, pairwiseSum, polyfit, polyval, roundHalfEven } from './numeric.ts'
import { hoursSinceFirst } from './series.ts'
import type { TrendSettings } from './settings.ts'
import type { EpochMs } from './types.ts'

const SECONDS_PER_HOUR = 3600

/** Consecutive spacings truncated to whole seconds. */
function spacingSeconds(x: readonly EpochMs[]): number[] {
  const out: number[] = []
  for (let i = 1; i < x.length; i++) out.push(Math.trunc(((x[i] as number) - (x[i - 1] as number)) / 1000))
  return out
}

/** Median spacing in seconds, null with fewer than 2 points or a non-positive median. */
function medianSpacing(x: readonly EpochMs[]): number | null {
  if (x.length < 2) return null
  const med = median(spacingSeconds(x))
  return med > 0 ? med : null
}

const boxKernel = (width: number) => new Array<number>(width).fill(1 / width)

/** Moving average over `windowHours` (window ≥ 1 sample); null when the spacing is unusable. */
export function movingAverage(x: readonly EpochMs[], y: readonly number[], windowHours: number): number[] | null {
  if (y.length === 0) return null
  const gaps = spacingSeconds(x)
  if (gaps.length === 0) return [...y]
  let spacing = median(gaps)
  // the predecessor falls back to the first gap when the median is unusable
  if (!(Number.isFinite(spacing) && spacing > 0)) spacing = gaps[0] as number
  if (!(spacing > 0)) return null
  const width = Math.max(1, roundHalfEven((windowHours * SECONDS_PER_HOUR) / spacing))
  return width <= 1 ? [...y] : convolveSame(y, boxKernel(width))
}

/** Box filter of `windowHours` (the `boxcar` window type). */
export function boxcarSmooth(x: readonly EpochMs[], y: readonly number[], windowHours: number): number[] | null {
  const spacing = medianSpacing(x)
  if (spacing === null) return null
  const width = Math.trunc(roundHalfEven((windowHours * SECONDS_PER_HOUR) / spacing))
  return width <= 1 ? [...y] : convolveSame(y, boxKernel(width))
}

/** Gaussian filter whose σ is `sigmaFraction` of the window (odd kernel of ≈ 6σ samples). */
export function gaussianSmooth(x: readonly EpochMs[], y: readonly number[], windowHours: number, sigmaFraction: number): number[] | null {
  const spacing = medianSpacing(x)
  if (spacing === null) return null
  const windowPoints = (windowHours * SECONDS_PER_HOUR) / spacing
  if (windowPoints <= 1) return [...y]
  const sigmaPoints = Math.max(1, sigmaFraction * windowPoints)
  let size = Math.trunc(Math.max(3, roundHalfEven(6 * sigmaPoints)))
  if (size % 2 === 0) size += 1
  const centre = Math.floor(size / 2)
  const weights = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - centre) / sigmaPoints) ** 2))
  const total = pairwiseSum(weights)
  return convolveSame(
    y,
    weights.map((w) => w / total),
  )
}

/** Least-squares polynomial over hours since the first point; null with fewer than order + 1 points. */
export function polynomialTrend(x: readonly EpochMs[], y: readonly number[], order: number): number[] | null {
  if (y.length < order + 1 || y.length === 0) return null
  const hours = hoursSinceFirst(x)
  const coefficients = polyfit(hours, y, order)
  return hours.map((h) => polyval(coefficients, h))
}

/** The trend line the settings ask for, or null (disabled, window type `none`, too few points). */
export function trendLine(x: readonly EpochMs[], y: readonly number[], settings: TrendSettings): number[] | null {
  if (!settings.enabled || y.length === 0) return null
  if (settings.method === 'moving_average') return movingAverage(x, y, settings.window_size_hours)
  switch (settings.window_type) {
    case 'polynomial':
      return polynomialTrend(x, y, settings.polynomial_order)
    case 'gaussian':
      return gaussianSmooth(x, y, settings.window_size_hours, settings.gaussian_kde_sigma_fraction)
    case 'boxcar':
      return boxcarSmooth(x, y, settings.window_size_hours)
    case 'none':
      return null
  }
}
