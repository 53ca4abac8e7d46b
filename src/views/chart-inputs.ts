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
import { type ChartViewName, showsGateSeries, VIEWS } from './definitions.ts'

function viewSeries(entry: AssetEvaluation, view: ChartViewName): Series {
  switch (view) {
    case 'position':
    case 'gains':
      return entry.decision.chart.correctedPosition
    case 'gain': {
      // G(t) = corrected position − v_ref: 0 at t0
      const { correctedPosition } = entry.decision.chart
      const vRef = entry.decision.vRefUsd ?? 0
      return { ts: correctedPosition.ts, values: correctedPosition.values.map((value) => value - vRef) }
    }
    case 'raw':
      return entry.charts.positions
    case 'rate':
      return entry.charts.prices
    case 'rate_ada':
      return entry.charts.adaRate
  }
}

function isGateView(entry: AssetEvaluation, view: ChartViewName, basis: GateBasis): boolean {
  return entry.decision.gateApplied === true && entry.decision.gate !== null && showsGateSeries(view, basis)
}

function lookbackHours(config: Config, entry: AssetEvaluation): number | null {
  return config.visualization.diagnostics.lookback_hours_override ?? config.resolved.assets[entry.asset]?.settings.gate.lookback_hours ?? null
}

/** The fit drawn on a view: the gate's own when the view is the gate's series, else a display fit. */
function fitFor(config: Config, entry: AssetEvaluation, view: ChartViewName, series: Series): { outcome: GateOutcome; isGate: boolean } {
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

export function diagnosticChartInput(config: Config, entry: AssetEvaluation, view: ChartViewName, at: number): DiagnosticChartInput {
  if (view === 'gain') return gainChartInput(config, entry, at)
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

  if (!definition.advanced)
    return {
      title: `${definition.label} — ${entry.asset.toUpperCase()}`,
      yLabel: definition.yLabel,
      unit: definition.unit,
      series: { ts: series.ts, values: series.values, label: definition.label },
      transactions: definition.transactions ? visibleTransactions(entry, window) : undefined,
    }
  return {
    title: `${view === 'gains' ? 'Residual gate (%)' : 'Residual gate'} — ${entry.asset.toUpperCase()}`,
    subtitle,
    yLabel: definition.yLabel,
    unit: definition.unit,
    series: { ts: series.ts, values: scaled(series.values, factor), label: definition.label },
    baseline: fitted ? { ts: outcome.series.x, values: scaled(fitted, factor), label: isGate ? 'Gate baseline' : 'Baseline fit' } : undefined,
    bands: bands.length > 0 ? bands : undefined,
    trend: trend ? { ts: series.ts, values: scaled(trend, factor), label: 'Trend' } : undefined,
    referenceLine: view === 'gains' ? { value: 100, label: 'baseline start' } : undefined,
    transactions: definition.transactions ? visibleTransactions(entry, window) : undefined,
    residuals,
    gateTriggered: isGate && outcome.triggered !== null ? outcome.triggered === 1 : undefined,
    holdout: holdoutStart(outcome),
  }
}

function visibleTransactions(entry: AssetEvaluation, window: { start: number; end: number } | null) {
  return entry.decision.chart.transactions
    .filter((tx) => window === null || (tx.ts >= window.start && tx.ts <= window.end))
    .map((tx) => ({ ts: tx.ts, kind: tx.kind, amountUsd: tx.amountUsd }))
}

/**
 * The default view: the gain since t0 in USD, from 0 at t0, with the t0 line, the transactions, the
 * gate's usual range (its baseline ± k·σ, shifted like the gain) and the last value in USD and tokens.
 */
function gainChartInput(config: Config, entry: AssetEvaluation, at: number): DiagnosticChartInput {
  const window = plotWindow(config, at)
  const series = clip(viewSeries(entry, 'gain'), window)
  const d = entry.decision
  const vRef = d.vRefUsd ?? 0
  const gate =
    d.gateApplied && d.gate?.series.fitted && config.resolved.assets[entry.asset]!.settings.gate.basis === 'corrected_position' ? d.gate : null
  const k = gate?.k ?? config.resolved.assets[entry.asset]!.settings.gate.k_sigma
  const price = entry.charts.prices.values.at(-1)
  const last = series.values.at(-1)
  // (Inter's Latin subset has no "≈")
  const tokens =
    price && last !== undefined
      ? ` · ${(last / price).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${entry.asset.toUpperCase()}`
      : ''
  return {
    title: `Gain since t0 — ${entry.asset.toUpperCase()}`,
    subtitle: d.t0 === null ? undefined : `t0 ${new Date(d.t0).toISOString().slice(0, 16).replace('T', ' ')} UTC (${d.refMode ?? 'no reference'})`,
    yLabel: 'Gain since t0 (USD)',
    unit: 'USD',
    series: { ts: series.ts, values: series.values, label: 'Gain since t0' },
    baseline: gate ? { ts: gate.series.x, values: gate.series.fitted!.map((value) => value - vRef), label: 'Expected (trend)' } : undefined,
    bands:
      gate && gate.sigma !== null && gate.thresholds?.mode === 'stddev'
        ? [{ label: `Usual range (±${k}σ)`, low: -k * gate.sigma, high: k * gate.sigma }]
        : gate?.thresholds
          ? [{ label: 'Usual range', low: gate.thresholds.lower, high: gate.thresholds.upper }]
          : undefined,
    referenceLine: { value: 0, label: 'no gain' },
    verticalLines: d.t0 === null ? undefined : [{ ts: d.t0, label: 't0' }],
    lastLabelSuffix: tokens,
    transactions: visibleTransactions(entry, window),
    holdout: gate ? holdoutStart(gate) : undefined,
  }
}

/** Plain names for the stored price series (the legend says "Liqwid", not "greptime(liqwid)"). */
const STORED_SOURCES = [
  { provider: 'greptime(liqwid)', logical: 'liqwid' },
  { provider: 'greptime(minswap)', logical: 'minswap' },
] as const

const plainName = (source: string) => source.charAt(0).toUpperCase() + source.slice(1)

export function priceChartInput(config: Config, entry: AssetEvaluation, at: number): PriceChartInput {
  const window = plotWindow(config, at)
  const stored = { 'greptime(liqwid)': entry.charts.prices, 'greptime(minswap)': entry.charts.minswapPrices }
  const sources = STORED_SOURCES.map(({ provider, logical }) => ({ source: plainName(logical), ...clip(stored[provider], window) })).filter(
    (series) => series.ts.length > 0,
  )
  // A live quote is drawn as a dot in its source's colour: same name as the stored series.
  const latest = Object.entries(entry.prices?.bySource ?? {}).flatMap(([source, quote]) =>
    quote === null ? [] : [{ source: plainName(source), ts: entry.decision.t1 ?? at, value: quote.price }],
  )
  const compare = config.resolved.assets[entry.asset]!.settings.price_compare
  const reference = plainName(compare.sources[0] ?? 'liqwid')
  const epsilon = compare.tolerance_epsilon
  const label =
    compare.epsilon_mode === 'absolute' ? `Agrees with ${reference} (±${epsilon} USD)` : `Agrees with ${reference} (±${(epsilon * 100).toFixed(2)} %)`
  return {
    title: `Price sources — ${entry.asset.toUpperCase()}`,
    subtitle: compare.enabled
      ? `a mismatch beyond the band ${compare.action_on_mismatch === 'hold' ? 'holds withdrawals' : 'is flagged'}`
      : 'price compare disabled',
    sources,
    latest,
    toleranceAround: { source: reference, mode: compare.epsilon_mode === 'absolute' ? 'absolute' : 'relative', epsilon, label },
  }
}

/** Halfway between the last training point and the first held-out one; undefined without a holdout. */
function holdoutStart(outcome: GateOutcome): { from: number } | undefined {
  const { x } = outcome.series
  if (outcome.trainingCount >= x.length || outcome.trainingCount === 0) return undefined
  return { from: ((x[outcome.trainingCount - 1] as number) + (x[outcome.trainingCount] as number)) / 2 }
}
