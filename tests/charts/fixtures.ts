/**
 * Realistic chart inputs, deterministic (seeded noise): what the web layer will hand the charts
 * for a supply position, its residual gate and its price sources. Shared by the chart tests and
 * tests/bench/charts.ts.
 */

import type { DensityCurve, DiagnosticChartInput, GateThresholds, PriceChartInput, TimeSeries } from '../../src/charts/types.ts'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
/** 27 Nov 2025 05:00 UTC, a fixed "now". */
export const NOW = Date.UTC(2025, 10, 27, 5, 0, 0)

/** mulberry32: tiny, seeded, good enough for chart noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

export interface PositionOptions {
  readonly days: number
  readonly stepMinutes: number
  readonly startUsd?: number
  /** relative size of the jump over the last `spikeSamples` samples (0: none) */
  readonly spike?: number
  readonly spikeSamples?: number
  readonly seed?: number
}

/** A supply position earning ~8 %/year with noise, optionally jumping at the end. */
export function positionSeries(options: PositionOptions): TimeSeries {
  const random = seededRandom(options.seed ?? 7)
  const n = Math.round((options.days * DAY) / (options.stepMinutes * MINUTE))
  const start = options.startUsd ?? 125_000
  const ts: number[] = []
  const values: number[] = []
  for (let i = 0; i < n; i++) {
    const t = NOW - (n - 1 - i) * options.stepMinutes * MINUTE
    const years = (t - ts[0]!) / (365 * DAY) || 0
    const wave = 0.0006 * Math.sin((2 * Math.PI * (t % DAY)) / DAY)
    let value = start * (1 + 0.08 * years + wave + 0.00025 * gaussian(random))
    if (options.spike && i >= n - (options.spikeSamples ?? 4)) value *= 1 + options.spike
    ts.push(t)
    values.push(value)
  }
  return { ts, values }
}

/** Least-squares straight line through the series (the engine fits a polynomial; a line is enough here). */
export function linearFit(series: TimeSeries): TimeSeries {
  const n = series.ts.length
  const t0 = series.ts[0]!
  const xs = series.ts.map((t) => (t - t0) / HOUR)
  const meanX = xs.reduce((a, b) => a + b, 0) / n
  const meanY = series.values.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - meanX) * (series.values[i]! - meanY)
    sxx += (xs[i]! - meanX) ** 2
  }
  const slope = sxy / sxx
  return { ts: [...series.ts], values: xs.map((x) => meanY + slope * (x - meanX)) }
}

export function residualsOf(series: TimeSeries, fit: TimeSeries): TimeSeries {
  return { ts: [...series.ts], values: series.values.map((v, i) => v - fit.values[i]!) }
}

export function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)
}

/** Gaussian KDE with Silverman's bandwidth on a `points`-point grid, as the engine computes it. */
export function gaussianKde(values: readonly number[], points = 200): DensityCurve {
  const n = values.length
  const sd = standardDeviation(values)
  const bandwidth = 1.06 * sd * n ** (-1 / 5)
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1))
  const norm = 1 / (n * bandwidth * Math.sqrt(2 * Math.PI))
  const density = x.map((xi) => {
    let sum = 0
    for (const v of values) sum += Math.exp(-0.5 * ((xi - v) / bandwidth) ** 2)
    return sum * norm
  })
  return { x, density }
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const fraction = position - below
  return sorted[below]! + (sorted[Math.min(below + 1, sorted.length - 1)]! - sorted[below]!) * fraction
}

export interface DiagnosticOptions extends PositionOptions {
  readonly mode?: 'stddev' | 'percentile'
  readonly k?: number
  readonly confidence?: number
  /** residuals over the last hours only (the gate's lookback); default: the whole series */
  readonly lookbackHours?: number
}

/** A complete diagnostic input: position, baseline, bands, transactions, residuals, r_now, KDE. */
export function diagnosticFixture(options: DiagnosticOptions): DiagnosticChartInput {
  const series = positionSeries(options)
  const baseline = linearFit(series)
  const all = residualsOf(series, baseline)
  const from = options.lookbackHours ? NOW - options.lookbackHours * HOUR : -Infinity
  const keep = all.ts.map((t) => t >= from)
  const residuals = { ts: all.ts.filter((_, i) => keep[i]), values: all.values.filter((_, i) => keep[i]) }
  const sigma = standardDeviation(residuals.values.slice(0, -1))
  const k = options.k ?? 2
  const mode = options.mode ?? 'stddev'
  const sorted = [...residuals.values].sort((a, b) => a - b)
  const confidence = options.confidence ?? 0.9
  const thresholds: GateThresholds =
    mode === 'stddev'
      ? { mode, sigma, k }
      : { mode, low: quantile(sorted, (1 - confidence) / 2), high: quantile(sorted, (1 + confidence) / 2), confidence }
  const rNow = { ts: residuals.ts[residuals.ts.length - 1]!, value: residuals.values[residuals.values.length - 1]! }
  const triggered =
    mode === 'stddev'
      ? Math.abs(rNow.value) > k * sigma
      : rNow.value > (thresholds as { high: number }).high || rNow.value < (thresholds as { low: number }).low
  const span = series.ts[series.ts.length - 1]! - series.ts[0]!
  return {
    title: 'Residual gate diagnostic — DJED',
    subtitle: `ref=keyword · lookback=${options.lookbackHours ?? Math.round(span / HOUR)}h · ${mode === 'stddev' ? `stddev k=${k.toFixed(1)}` : `percentile ${Math.round(confidence * 100)} %`}`,
    yLabel: 'Corrected position (USD)',
    unit: 'USD',
    series: { ...series, label: 'Corrected position' },
    baseline: { ...baseline, label: 'Polynomial fit' },
    bands:
      thresholds.mode === 'stddev'
        ? [
            { label: '±1σ', low: -sigma, high: sigma },
            { label: `±${k.toFixed(2)}σ`, low: -k * sigma, high: k * sigma },
          ]
        : [{ label: `CI ${Math.round(confidence * 100)} %`, low: thresholds.low, high: thresholds.high }],
    transactions: [
      { ts: NOW - 0.8 * span, kind: 'deposit', amountUsd: 5000 },
      { ts: NOW - 0.55 * span, kind: 'withdrawal', amountUsd: 1200 },
      { ts: NOW - 0.3 * span, kind: 'deposit', amountUsd: 800 },
    ],
    residuals: { ...residuals, thresholds, rNow, kde: gaussianKde(residuals.values) },
    gateTriggered: triggered,
  }
}

/** Workload L for one asset: 30 days at 5-minute samples (8,640 points), residuals and a 200-point KDE. */
export function workloadLDiagnostic(): DiagnosticChartInput {
  return diagnosticFixture({ days: 30, stepMinutes: 5, spike: 0.004, spikeSamples: 3 })
}

/** Three sources: two stored histories that drift apart slightly, and one live quote. */
export function priceFixture(): PriceChartInput {
  const random = seededRandom(11)
  const n = 7 * 24 * 4
  const ts = Array.from({ length: n }, (_, i) => NOW - (n - 1 - i) * 15 * MINUTE)
  const liqwid = ts.map((_, i) => 1 + 0.0004 * Math.sin(i / 40) + 0.00015 * gaussian(random))
  const minswap = ts.map((_, i) => liqwid[i]! + 0.0006 + 0.0002 * gaussian(random))
  return {
    title: 'Price sources — DJED',
    subtitle: 'relative tolerance ε = 0.1 % · 7 days',
    sources: [
      { source: 'greptime(liqwid)', ts, values: liqwid },
      { source: 'greptime(minswap)', ts, values: minswap },
    ],
    latest: [
      { source: 'liqwid', ts: NOW, value: 1.00031 },
      { source: 'minswap', ts: NOW, value: 1.00112 },
      { source: 'greptime(liqwid)', ts: ts[n - 1]!, value: liqwid[n - 1]! },
    ],
    tolerance: { low: 1.00112 * (1 - 0.001), high: 1.00112, label: 'within ε of the highest' },
  }
}
