/**
 * From an asset's evaluation to what the charts draw, per view. The view whose series IS the
 * gate's (position/gains for `corrected_position`, rate for `change_rate_usd`) shows the gate's own
 * baseline, bands, residuals and trigger; every other view shows the same kind of fit computed on
 * its own series for reading the chart ("diagnostic fit"), which never affects a decision.
 */
import type { BaselineBand, DiagnosticChartInput, GateThresholds, PriceChartInput, ResidualInput } from '../charts/types.ts'
import type { Config } from '../config/resolve.ts'
import { evaluateGate, type GateOutcome } from '../engine/gate.ts'
import type { GateBasis } from '../engine/settings.ts'
import { gaussianKde } from '../engine/kde.ts'
import { trendLine } from '../engine/trend.ts'
import type { Series } from '../engine/types.ts'
import type { AssetEvaluation } from '../evaluation/result.ts'
import { showsGateSeries, VIEWS, type ViewName } from './definitions.ts'

function viewSeries(entry: AssetEvaluation, view: ViewName): Series {
  switch (view) {
    case 'position':
    case 'gains':
      return entry.decision.chart.correctedPosition
    case 'raw':
      return entry.charts.positions
    case 'rate':
      return entry.charts.prices
    case 'rate_ada':
      return entry.charts.adaRate
  }
}

function isGateView(entry: AssetEvaluation, view: ViewName, basis: GateBasis): boolean {
  return entry.decision.gateApplied === true && entry.decision.gate !== null && showsGateSeries(view, basis)
}

function lookbackHours(config: Config, entry: AssetEvaluation): number | null {
  return config.visualization.diagnostics.lookback_hours_override ?? config.resolved.assets[entry.asset]?.settings.gate.lookback_hours ?? null
}

/** The fit drawn on a view: the gate's own when the view is the gate's series, else a display fit. */
function fitFor(config: Config, entry: AssetEvaluation, view: ViewName, series: Series): { outcome: GateOutcome; isGate: boolean } {
  const settings = config.resolved.assets[entry.asset]!.settings.gate
  if (isGateView(entry, view, settings.basis)) return { outcome: entry.decision.gate!, isGate: true }
  const hours = lookbackHours(config, entry)
  const last = series.ts.at(-1)
  const keep = series.ts.map((ts) => hours === null || last === undefined || ts >= last - hours * 3_600_000)
  const x = series.ts.filter((_, i) => keep[i])
  const y = series.values.filter((_, i) => keep[i])
  return { outcome: evaluateGate({ x, y }, { ...settings, enabled: true }), isGate: false }
}

/**
 * `visualization.diagnostics.plot_range`: the time window the charts show. `inherit` keeps the
 * evaluation window; `custom` uses start/end (naive = settings.timezone); `relative` the last
 * N hours/days/weeks before the evaluation.
 */
export function plotWindow(config: Config, at: number): { start: number; end: number } | null {
  const range = config.resolved.plot_range
  if (range.mode === 'custom') return { start: range.start ?? -Infinity, end: range.end ?? Infinity }
  if (range.mode === 'relative') return { start: at - range.duration_ms, end: Infinity }
  return null
}

function clip(series: Series, window: { start: number; end: number } | null): Series {
  if (window === null) return series
  const keep = series.ts.map((ts) => ts >= window.start && ts <= window.end)
  return { ts: series.ts.filter((_, i) => keep[i]), values: series.values.filter((_, i) => keep[i]) }
}

function scaled(values: readonly number[], factor: number): number[] {
  return values.map((value) => value * factor)
}

export function diagnosticChartInput(config: Config, entry: AssetEvaluation, view: ViewName, at: number): DiagnosticChartInput {
  const definition = VIEWS[view]
  const window = plotWindow(config, at)
  const series = clip(viewSeries(entry, view), window)
  const { outcome, isGate } = fitFor(config, entry, view, series)
  const fitted = outcome.series.fitted
  // Gains: everything in percent of the first fitted value (the predecessor's `fit_first`).
  const base = view === 'gains' ? (fitted?.find((value) => Number.isFinite(value) && value !== 0) ?? series.values.find((v) => v !== 0) ?? 1) : null
  const factor = base === null ? 1 : 100 / base
  const gateSettings = config.resolved.assets[entry.asset]!.settings.gate
  const hours = lookbackHours(config, entry)

  const bands: BaselineBand[] = []
  let thresholds: GateThresholds | undefined
  const t = outcome.thresholds
  if (t && outcome.sigma !== null) {
    if (t.mode === 'percentile') {
      bands.push({ label: `central ${Math.round(gateSettings.central_confidence * 100)}%`, low: t.lower * factor, high: t.upper * factor })
      thresholds = { mode: 'percentile', low: t.lower * factor, high: t.upper * factor, confidence: gateSettings.central_confidence }
    } else {
      const sigma = outcome.sigma * factor
      const k = outcome.k ?? gateSettings.k_sigma
      if (config.visualization.diagnostics.include_k_sigma_band) bands.push({ label: `±${Number(k.toFixed(2))}σ`, low: -k * sigma, high: k * sigma })
      if (config.visualization.diagnostics.include_sigma_band) bands.push({ label: '±1σ', low: -sigma, high: sigma })
      thresholds = { mode: 'stddev', sigma, k }
    }
  }

  const residualValues = outcome.series.residuals ? scaled(outcome.series.residuals, factor) : null
  let residuals: ResidualInput | undefined
  if (residualValues && residualValues.length > 0) {
    const lastTs = outcome.series.x.at(-1)!
    residuals = {
      ts: outcome.series.x,
      values: residualValues,
      thresholds,
      rNow: { ts: lastTs, value: residualValues.at(-1)! },
      kde: gaussianKde(residualValues) ?? undefined,
      histogramSamplesPerBin: config.visualization.diagnostics.hist_samples_per_bin,
    }
  }
  const trendSettings = config.resolved.assets[entry.asset]!.settings.trend
  const trend = trendLine(series.ts, series.values, trendSettings)
  const subtitle = [
    `ref=${entry.decision.refMode ?? 'none'}`,
    hours === null ? null : `lookback=${hours}h`,
    `${gateSettings.threshold_mode === 'percentile' ? `percentile ${gateSettings.central_confidence}` : `stddev k=${gateSettings.k_sigma}`}`,
    isGate ? `gate (${gateSettings.on_trigger} on ${gateSettings.tail} tail)` : 'diagnostic fit (not the gate’s series)',
  ]
    .filter((part) => part !== null)
    .join(' · ')

  return {
    title: `${definition.label} — ${entry.asset.toUpperCase()}`,
    subtitle,
    yLabel: definition.yLabel,
    unit: definition.unit,
    series: { ts: series.ts, values: scaled(series.values, factor), label: definition.label },
    baseline: fitted ? { ts: outcome.series.x, values: scaled(fitted, factor), label: isGate ? 'Gate baseline' : 'Baseline fit' } : undefined,
    bands: bands.length > 0 ? bands : undefined,
    trend: trend ? { ts: series.ts, values: scaled(trend, factor), label: 'Trend' } : undefined,
    referenceLine: view === 'gains' ? { value: 100, label: 'baseline start' } : undefined,
    transactions: definition.transactions
      ? entry.decision.chart.transactions
          .filter((tx) => window === null || (tx.ts >= window.start && tx.ts <= window.end))
          .map((tx) => ({ ts: tx.ts, kind: tx.kind, amountUsd: tx.amountUsd }))
      : undefined,
    residuals,
    gateTriggered: isGate && outcome.triggered !== null ? outcome.triggered === 1 : undefined,
    holdout: holdoutStart(outcome),
  }
}

export function priceChartInput(config: Config, entry: AssetEvaluation, at: number): PriceChartInput {
  const window = plotWindow(config, at)
  const sources = [
    { source: 'greptime(liqwid)', ...clip(entry.charts.prices, window) },
    { source: 'greptime(minswap)', ...clip(entry.charts.minswapPrices, window) },
  ].filter((series) => series.ts.length > 0)
  const latest = Object.entries(entry.prices?.bySource ?? {}).flatMap(([source, quote]) =>
    quote === null ? [] : [{ source: `${source} (${quote.provider})`, ts: entry.decision.t1 ?? Date.now(), value: quote.price }],
  )
  const compare = config.resolved.assets[entry.asset]!.settings.price_compare
  const reference = entry.prices?.bySource[compare.sources[0] ?? '']?.price
  const tolerance =
    reference === undefined
      ? undefined
      : compare.epsilon_mode === 'absolute'
        ? { low: reference - compare.tolerance_epsilon, high: reference + compare.tolerance_epsilon, label: `±${compare.tolerance_epsilon} USD` }
        : {
            low: reference * (1 - compare.tolerance_epsilon),
            high: reference * (1 + compare.tolerance_epsilon),
            label: `±${(compare.tolerance_epsilon * 100).toFixed(2)}%`,
          }
  return {
    title: `Price comparison — ${entry.asset.toUpperCase()}`,
    subtitle: compare.enabled
      ? `tolerance ${compare.epsilon_mode} ${compare.tolerance_epsilon}, action ${compare.action_on_mismatch}`
      : 'price compare disabled',
    sources,
    latest,
    tolerance,
  }
}

/** Halfway between the last training point and the first held-out one; undefined without a holdout. */
function holdoutStart(outcome: GateOutcome): { from: number } | undefined {
  const { x } = outcome.series
  if (outcome.trainingCount >= x.length || outcome.trainingCount === 0) return undefined
  return { from: ((x[outcome.trainingCount - 1] as number) + (x[outcome.trainingCount] as number)) / 2 }
}
