/**
 * The residual gate (spec-math §6): fit a baseline to the asset-level series since t0, look at the
 * residual of the latest point against the spread of the others, and report whether it is an
 * outlier. This module builds the series for each basis, evaluates the gate, and turns the outcome
 * into a decision according to `on_trigger` (what the outcome MEANS is a product choice, §3):
 *
 * - `withdraw` (predecessor): the decision is the trigger; an outlier is a chance to withdraw.
 * - `hold` (default): an outlier holds withdrawals; otherwise the W_max decision stands.
 *
 * `tail` picks the side that counts: `upper` (r > k·σ, or r > q_high — the predecessor), `lower`
 * (r < −k·σ, or r < q_low), `both`. A gate that cannot run (too few points, degenerate σ, no series,
 * non-finite numbers) HOLDs in both modes and says why: a safety gate that cannot look does not open.
 *
 * Holdout (`holdout` samples or `holdout_minutes`): the predecessor fits the baseline and σ over
 * every point, the judged one included, so a jump bends the baseline toward itself and widens σ —
 * the anomaly dilutes its own detection. With a holdout the baseline and σ come from the older
 * "training" points only and the held-out points are judged against that baseline extrapolated;
 * the newest still decides. `sigma: mad` measures the training spread robustly. `holdout: 0` with
 * `sigma: std` is exactly the predecessor's computation (the golden cases pin it).
 */
import { explainGate } from './gate-explain.ts'
import { madSigma, median, polyfit, polyval, quantile, roundHalfEven, std } from './numeric.ts'
import { hoursSinceFirst } from './series.ts'
import type { GateMethod, GateSettings, GateSigmaEstimator, ThresholdMode } from './settings.ts'
import type { CorrectedGains } from './timebase.ts'
import type { EpochMs, Series } from './types.ts'

export interface GateSeries {
  readonly x: readonly EpochMs[]
  readonly y: readonly number[]
}

export interface GateThresholds {
  readonly mode: ThresholdMode
  /** −k·σ, or the low quantile of the residuals */
  readonly lower: number
  /** +k·σ, or the high quantile of the residuals */
  readonly upper: number
}

export interface GateOutcome {
  /** true when the trigger was evaluated (the golden `gate_applied`) */
  readonly applied: boolean
  /** why the gate could not run, e.g. `gate skipped: 12 points < min_points 20` */
  readonly skipReason: string | null
  /** 1 when the latest residual is an outlier on the configured tail, 0 when not, null when skipped */
  readonly triggered: 0 | 1 | null
  /** residual of the latest point */
  readonly rNow: number | null
  /** spread of the training residuals, by `sigmaEstimator` (reported in both threshold modes) */
  readonly sigma: number | null
  readonly sigmaEstimator: GateSigmaEstimator
  readonly k: number | null
  readonly thresholds: GateThresholds | null
  /** e.g. `r=3.21 > k·σ=2.40` — the comparison that decided the trigger */
  readonly comparison: string | null
  readonly pointCount: number
  /** the oldest points the baseline and σ were fitted on; the rest (`pointCount − trainingCount`) are held out */
  readonly trainingCount: number
  /** what was compared, in words (null when the gate did not run) */
  readonly explanation: string | null
  readonly method: GateMethod
  /** polyfit coefficients, highest power first (polynomial baseline only) */
  readonly coefficients: number[] | null
  /** what the charts draw: the series, its baseline and residuals (null when not computed) */
  readonly series: {
    readonly x: readonly EpochMs[]
    readonly y: readonly number[]
    readonly fitted: number[] | null
    readonly residuals: number[] | null
  }
}

/** n_req = max(min_points, polynomial_order + 1) — the order counts even for the median (§6.3). */
export function requiredPoints(settings: Pick<GateSettings, 'min_points' | 'polynomial_order'>): number {
  return Math.max(settings.min_points, settings.polynomial_order + 1)
}

/** timedelta(hours=h) is rounded to whole microseconds; instants are ms. */
function lookbackMs(hours: number): number {
  return roundHalfEven(hours * 3_600_000_000) / 1000
}

/**
 * basis `corrected_position` (keyword mode): y = G + v_ref at the position samples; the lookback
 * cuts from the last TIMEBASE instant and applies whatever is left (the predecessor's
 * unconditional cut).
 */
export function correctedPositionGateSeries(gains: CorrectedGains, vRefUsd: number, lookbackHours: number | null): GateSeries {
  const cut = lookbackHours === null ? Number.NEGATIVE_INFINITY : (gains.timebase.at(-1) as number) - lookbackMs(lookbackHours)
  const x: EpochMs[] = []
  const y: number[] = []
  gains.timebase.forEach((t, i) => {
    if (gains.isPositionSample[i] && t >= cut) {
      x.push(t)
      y.push((gains.gains[i] as number) + vRefUsd)
    }
  })
  return { x, y }
}

/**
 * basis `change_rate_usd`: the price level since t0 (the predecessor's "change rate" is the price,
 * not a derivative). The lookback applies only when it leaves enough points.
 */
export function changeRateGateSeries(prices: Series, settings: GateSettings): GateSeries {
  return conditionalLookback({ x: prices.ts, y: prices.values }, settings)
}

/**
 * data_range fallback with `apply_in_fallback`: like the predecessor, always the corrected positions
 * (basis and method are not consulted; `evaluateGate` is called with a polynomial baseline), and the
 * lookback cuts from the last POSITION sample, only when enough points remain.
 */
export function fallbackGateSeries(gains: CorrectedGains, vRefUsd: number, settings: GateSettings): GateSeries {
  return conditionalLookback(correctedPositionGateSeries(gains, vRefUsd, null), settings)
}

function conditionalLookback(series: GateSeries, settings: GateSettings): GateSeries {
  if (settings.lookback_hours === null || series.x.length === 0) return series
  const cut = (series.x.at(-1) as number) - lookbackMs(settings.lookback_hours)
  const keep = series.x.map((t) => t >= cut)
  if (keep.filter(Boolean).length < requiredPoints(settings)) return series
  return { x: series.x.filter((_, i) => keep[i]), y: series.y.filter((_, i) => keep[i]) }
}

/**
 * Runs the gate on a series (null: no series available, `missingReason` says why).
 * `method` overrides the configured baseline (the fallback gate always fits a polynomial).
 */
export function evaluateGate(
  series: GateSeries | null,
  settings: GateSettings,
  options: { method?: GateMethod; missingReason?: string } = {},
): GateOutcome {
  const method = options.method ?? settings.method
  const x = series?.x ?? []
  const y = series?.y ?? []
  const skipped = (reason: string, extra: Partial<GateOutcome> = {}): GateOutcome => ({
    applied: false,
    skipReason: `gate skipped: ${reason}`,
    triggered: null,
    rNow: null,
    sigma: null,
    k: null,
    thresholds: null,
    comparison: null,
    pointCount: y.length,
    trainingCount: y.length,
    explanation: null,
    sigmaEstimator: settings.sigma,
    method,
    coefficients: null,
    series: { x, y, fitted: null, residuals: null },
    ...extra,
  })
  if (series === null || y.length === 0) return skipped(options.missingReason ?? 'no series since t0')
  const needed = requiredPoints(settings)
  const rule = settings.min_points >= settings.polynomial_order + 1 ? `min_points ${settings.min_points}` : `polynomial_order + 1 = ${needed}`
  if (y.length < needed) return skipped(`${y.length} points < ${rule}`)
  const heldOut = heldOutCount(x, settings)
  const trainingCount = y.length - heldOut
  if (trainingCount < needed) return skipped(`${y.length} points − ${heldOut} held out = ${trainingCount} < ${rule}`)

  const { fitted, coefficients } = baseline(x, y, trainingCount, method, settings.polynomial_order)
  const residuals = y.map((v, i) => v - (fitted[i] as number))
  const fit = { coefficients, trainingCount, series: { x, y, fitted, residuals } }
  const rNow = residuals.at(-1) as number
  const spreadSample =
    heldOut > 0 ? residuals.slice(0, trainingCount) : settings.exclude_last_for_sigma && residuals.length > 1 ? residuals.slice(0, -1) : residuals
  const sigma = settings.sigma === 'mad' ? madSigma(spreadSample) : std(spreadSample)
  const k = settings.k_sigma

  // a NaN σ is not "degenerate" (it is reported as non-finite below); σ = 0 always is
  if (settings.threshold_mode === 'stddev' && (sigma < settings.sigma_epsilon || sigma === 0)) {
    return skipped(`degenerate σ=${formatNumber(sigma)} < sigma_epsilon ${settings.sigma_epsilon}`, fit)
  }
  const thresholds = thresholdsFor(settings, spreadSample, sigma)
  if (![rNow, sigma, thresholds.lower, thresholds.upper].every(Number.isFinite)) {
    return skipped('non-finite residuals (NaN or infinite values in the series)', fit)
  }
  const { outlier, comparison } = compare(rNow, thresholds, settings)
  return {
    applied: true,
    skipReason: null,
    triggered: outlier ? 1 : 0,
    rNow,
    sigma,
    sigmaEstimator: settings.sigma,
    k,
    thresholds,
    comparison,
    pointCount: y.length,
    explanation: explainGate({ x, trainingCount, rNow, sigma, k, thresholds }),
    method,
    ...fit,
  }
}

/**
 * How many of the newest points are held out: `holdout_minutes` takes the samples strictly after
 * `last − minutes` (an hour of 15-minute samples is 4), otherwise the `holdout` count.
 */
export function heldOutCount(x: readonly EpochMs[], settings: Pick<GateSettings, 'holdout' | 'holdout_minutes'>): number {
  if (settings.holdout_minutes === null) return Math.min(settings.holdout, x.length)
  const cut = (x.at(-1) as number) - settings.holdout_minutes * 60_000
  let count = 0
  for (let i = x.length - 1; i >= 0 && (x[i] as number) > cut; i--) count++
  return count
}

/** The baseline fitted on the first `trainingCount` points and evaluated (extrapolated) on all. */
function baseline(
  x: readonly EpochMs[],
  y: readonly number[],
  trainingCount: number,
  method: GateMethod,
  order: number,
): { fitted: number[]; coefficients: number[] | null } {
  const training = trainingCount === y.length ? y : y.slice(0, trainingCount)
  if (method === 'median') {
    const centre = median(training)
    return { fitted: y.map(() => centre), coefficients: null }
  }
  const hours = hoursSinceFirst(x)
  const coefficients = polyfit(trainingCount === y.length ? hours : hours.slice(0, trainingCount), training, order)
  return { fitted: hours.map((h) => polyval(coefficients, h)), coefficients }
}

function thresholdsFor(settings: GateSettings, spreadSample: readonly number[], sigma: number): GateThresholds {
  if (settings.threshold_mode === 'percentile') {
    // exactly the predecessor's float order: 0.68 → 0.15999999999999998 / 0.8400000000000001
    const pLow = Math.max(0, (1 - settings.central_confidence) / 2)
    const pHigh = Math.min(1, 1 - pLow)
    // the predecessor's band for a single residual is [0, 0]
    if (spreadSample.length <= 1) return { mode: 'percentile', lower: 0, upper: 0 }
    return { mode: 'percentile', lower: quantile(spreadSample, pLow), upper: quantile(spreadSample, pHigh) }
  }
  const kSigma = settings.k_sigma * sigma
  return { mode: 'stddev', lower: -kSigma, upper: kSigma }
}

function compare(rNow: number, thresholds: GateThresholds, settings: GateSettings): { outlier: boolean; comparison: string } {
  const r = formatNumber(rNow)
  const stddev = thresholds.mode === 'stddev'
  const hi = stddev ? `k·σ=${formatNumber(thresholds.upper)}` : `q_high=${formatNumber(thresholds.upper)}`
  const lo = stddev ? `-k·σ=${formatNumber(thresholds.lower)}` : `q_low=${formatNumber(thresholds.lower)}`
  const above = rNow > thresholds.upper
  const below = rNow < thresholds.lower
  switch (settings.tail) {
    case 'upper':
      return { outlier: above, comparison: above ? `r=${r} > ${hi}` : `r=${r} ≤ ${hi}` }
    case 'lower':
      return { outlier: below, comparison: below ? `r=${r} < ${lo}` : `r=${r} ≥ ${lo}` }
    case 'both':
      if (above) return { outlier: true, comparison: `r=${r} > ${hi}` }
      if (below) return { outlier: true, comparison: `r=${r} < ${lo}` }
      return { outlier: false, comparison: `r=${r} within [${lo}, ${hi}]` }
  }
}

/** How the gate changes a decision. `baseDecision` is the W_max decision (1 iff Σ W_max > 0). */
export function gateVerdict(
  outcome: GateOutcome,
  settings: Pick<GateSettings, 'on_trigger'>,
  baseDecision: 0 | 1,
): { decision: 0 | 1; reason: string | null } {
  if (!outcome.applied) return { decision: 0, reason: outcome.skipReason }
  if (settings.on_trigger === 'withdraw') {
    return outcome.triggered === 1 ? { decision: 1, reason: null } : { decision: 0, reason: `residual gate not triggered: ${outcome.comparison}` }
  }
  return outcome.triggered === 1
    ? { decision: 0, reason: `residual gate triggered: ${outcome.explanation} (${outcome.comparison})` }
    : { decision: baseDecision, reason: null }
}

/** Two decimals for ordinary magnitudes, three significant digits for small ones (prices). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (value === 0 || Math.abs(value) >= 1) return value.toFixed(2)
  return String(Number(value.toPrecision(3)))
}
