/**
 * What the charts draw, as plain data. The web layer builds these from an evaluation result; the
 * charts module never reads the store, the config or the engine, so a chart can be rendered in a
 * worker from a structured clone of its input.
 *
 * Instants are epoch milliseconds (UTC). Values may contain NaN or ±Infinity: such samples are
 * skipped, never drawn. Every optional part may be absent; what cannot be drawn is left out, and a
 * main series with fewer than two finite samples gives a "no data" image instead of an error.
 */

export type EpochMs = number

/** How values are labelled: USD amounts (2 decimals), percentages, or bare rates (significant digits). */
export type ValueUnit = 'USD' | '%' | 'rate'

export interface TimeSeries {
  readonly ts: readonly EpochMs[]
  readonly values: readonly number[]
}

/** A labelled line (legend text defaults per role: "Corrected position", "Baseline fit", "Trend"). */
export interface LabelledSeries extends TimeSeries {
  readonly label?: string
}

/**
 * A band around the baseline, as offsets from it: ±σ is `{ low: -σ, high: σ }`, a central
 * percentile interval is `{ low: q_low, high: q_high }`. Bands are drawn widest first, so nested
 * bands shade darker towards the baseline.
 */
export interface BaselineBand {
  readonly label: string
  readonly low: number
  readonly high: number
}

/** The residual gate's thresholds, in the residual's unit. */
export type GateThresholds =
  | { readonly mode: 'stddev'; readonly sigma: number; readonly k: number }
  | { readonly mode: 'percentile'; readonly low: number; readonly high: number; readonly confidence?: number }

export interface ChartTransaction {
  readonly ts: EpochMs
  readonly kind: 'deposit' | 'withdrawal'
  readonly amountUsd: number
}

/** A density curve computed by the engine (Gaussian KDE on a grid). */
export interface DensityCurve {
  readonly x: readonly number[]
  readonly density: readonly number[]
}

export interface ResidualInput extends TimeSeries {
  readonly thresholds?: GateThresholds
  /** the latest residual, marked on the residual panel and on the distribution */
  readonly rNow?: { readonly ts: EpochMs; readonly value: number }
  readonly kde?: DensityCurve
  /** the predecessor's `hist_samples_per_bin`: bins = clamp(round(n / this), 5, 100); default 10 */
  readonly histogramSamplesPerBin?: number
}

export interface ChartSize {
  readonly width: number
  readonly height: number
}

export interface DiagnosticChartInput {
  /** e.g. "Residual gate diagnostic — DJED" */
  readonly title: string
  /** e.g. "ref=keyword · lookback=48h · stddev k=2.0" */
  readonly subtitle?: string
  /** e.g. "Corrected position (USD)" */
  readonly yLabel: string
  readonly unit: ValueUnit
  /** full resolution; downsampled for drawing only */
  readonly series: LabelledSeries
  readonly baseline?: LabelledSeries
  /** offsets around `baseline`; ignored without one */
  readonly bands?: readonly BaselineBand[]
  readonly trend?: LabelledSeries
  /** a horizontal dashed reference (the predecessor's "Ref Price (fit_first)" line at 100 %) */
  readonly referenceLine?: { readonly value: number; readonly label: string }
  readonly transactions?: readonly ChartTransaction[]
  /** absent: a single main panel */
  readonly residuals?: ResidualInput
  /** true / false: the gate ran and did / did not trigger; absent: the gate did not run */
  readonly gateTriggered?: boolean
  /**
   * the gate's holdout: the baseline and σ were fitted on the points before `from` (the training
   * window), the points after it were judged against them; absent: every point was fitted
   */
  readonly holdout?: { readonly from: EpochMs }
  /** vertical markers across the main panel, e.g. t0 */
  readonly verticalLines?: readonly { readonly ts: EpochMs; readonly label: string }[]
  /** appended to the last value's label, e.g. " · 90.98 DJED" */
  readonly lastLabelSuffix?: string
  readonly size?: ChartSize
  readonly theme?: ChartTheme
  /** larger type for a narrow render that is shown scaled down on a phone */
  readonly compact?: boolean
}

export type ChartTheme = 'light' | 'dark'

export interface PriceSourceSeries extends TimeSeries {
  readonly source: string
}

/** One quote from a live API (a single point in time). */
export interface PriceQuote {
  readonly source: string
  readonly ts: EpochMs
  readonly value: number
}

export interface PriceChartInput {
  readonly title: string
  readonly subtitle?: string
  /** default "Price (USD)" */
  readonly yLabel?: string
  /** default 'rate' (prices of stablecoins need significant digits, not cents) */
  readonly unit?: ValueUnit
  readonly sources: readonly PriceSourceSeries[]
  readonly latest?: readonly PriceQuote[]
  /** prices inside [low, high] agree within the configured tolerance */
  readonly tolerance?: { readonly low: number; readonly high: number; readonly label?: string }
  /** the agreement band around each point of one source over time (instead of a flat `tolerance`) */
  readonly toleranceAround?: { readonly source: string; readonly mode: 'relative' | 'absolute'; readonly epsilon: number; readonly label: string }
  readonly size?: ChartSize
  readonly theme?: ChartTheme
  readonly compact?: boolean
}

/**
 * A replay's decision over time for one asset (views/replay-view.ts): a band of the decision at
 * each instant over a panel of the withdrawable amount and the gain since t0. Arrays are parallel,
 * one entry per replayed instant, ascending.
 */
export interface TimelineChartInput {
  readonly title: string
  readonly subtitle?: string
  readonly ts: readonly EpochMs[]
  /** 1 WITHDRAW_OK, 0 HOLD, −1 ERROR */
  readonly decisions: readonly (-1 | 0 | 1)[]
  readonly withdrawableUsd: readonly number[]
  /** null where the gain was not computed (an ERROR, no reference) */
  readonly gainUsd: readonly (number | null)[]
  readonly size?: ChartSize
  readonly theme?: ChartTheme
  readonly compact?: boolean
}
