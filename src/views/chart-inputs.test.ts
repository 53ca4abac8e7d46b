import { GATE_DEFAULTS_BY_ON_TRIGGER } from '../engine/settings.ts'
import { describe, expect, it } from 'bun:test'
import { loadConfigTree } from '../config/load.ts'
import { decideAsset } from '../engine/decision.ts'
import { resolveReference } from '../engine/reference.ts'
import { aggregateOf, at, HOUR, hourly, withdrawal } from '../engine/test-fixtures.ts'
import type { AssetEvaluation } from '../evaluation/result.ts'
import { diagnosticChartInput, plotWindow, priceChartInput } from './chart-inputs.ts'

function configWith(tree: Record<string, unknown> = {}) {
  return loadConfigTree(
    {
      domain: { assets: ['djed'] },
      analysis: {
        decision: { reference: { keyword: 'tag' }, gate: { enabled: true, min_points: 5, method: 'polynomial_fit', polynomial_order: 1 } },
      },
      ...tree,
    },
    {},
    'chart inputs test',
  ).config
}

/** 48 hourly samples of a gently rising position, a jump at the end, a tagged withdrawal at hour 0. */
function evaluation(config: ReturnType<typeof configWith>): AssetEvaluation {
  const values = Array.from({ length: 48 }, (_, i) => 1000 + i * 2 + (i % 3))
  values[47] = 1200
  const series = hourly(values)
  const tagged = withdrawal(0, 10, { notes: 'tag' })
  const now = at(48)
  const settings = config.resolved.assets.djed!.settings
  const reference = resolveReference({ tagged, samplesAroundT0: series, settings: settings.reference, dataRangeStart: null, now })
  const decision = decideAsset({ asset: 'djed', now, settings, reference, series: aggregateOf(series), transactions: [tagged], wallets: [] })
  return {
    asset: 'djed',
    symbol: 'djed',
    alternateName: '',
    decision,
    mismatchStreak: 0,
    warnings: [],
    prices: {
      bySource: { liqwid: { price: 1, provider: 'greptime(liqwid)' }, minswap: { price: 1.02, provider: 'greptime(minswap)' } },
      attempts: [],
    },
    rateUsd: null,
    rateAda: null,
    charts: {
      window: { start: at(0), end: now },
      positions: series,
      prices: hourly(values.map(() => 1)),
      adaRate: hourly([1.5, 1.6]),
      minswapPrices: hourly(values.map(() => 1.02)),
    },
    timings: { fetchMs: 0, engineMs: 0 },
  }
}

describe('chart inputs per view', () => {
  const config = configWith()
  const entry = evaluation(config)

  it("draws the gate's own baseline, bands and trigger on the view of the gate's series", () => {
    const input = diagnosticChartInput(config, entry, 'position', at(48))
    expect(entry.decision.gateApplied).toBe(true)
    expect(input.gateTriggered).toBe(true)
    expect(input.baseline!.values).toEqual(entry.decision.gate!.series.fitted!)
    expect(input.residuals!.rNow!.value).toBe(entry.decision.gate!.rNow!)
    expect(input.bands!.map((band) => band.label)).toEqual([`±${GATE_DEFAULTS_BY_ON_TRIGGER.hold.k_sigma}σ`, '±1σ'])
    // the gate held out its newest samples: the chart shades them apart from the training window
    expect(input.holdout!.from).toBeLessThan(entry.decision.gate!.series.x.at(-1)!)
    expect(input.subtitle).toContain('gate (hold on both tail)')
  })

  it('draws a plain view without any gate diagnostics (those are the Advanced views)', () => {
    const input = diagnosticChartInput(config, entry, 'rate', at(48))
    expect(input.gateTriggered).toBeUndefined()
    expect(input.baseline).toBeUndefined()
    expect(input.residuals).toBeUndefined()
    expect(input.transactions).toBeUndefined()
  })

  it('draws the default view as the gain since t0: 0 at t0, the t0 line, the usual range, the last value in tokens', () => {
    const input = diagnosticChartInput(config, entry, 'gain', at(48))
    const d = entry.decision
    expect(input.series.values).toEqual(d.chart.correctedPosition.values.map((value) => value - d.vRefUsd!))
    expect(input.verticalLines).toEqual([{ ts: d.t0!, label: 't0' }])
    expect(input.referenceLine).toEqual({ value: 0, label: 'no gain' })
    expect(input.residuals).toBeUndefined()
    expect(input.bands!.map((band) => band.label)).toEqual([`Usual range (±${GATE_DEFAULTS_BY_ON_TRIGGER.hold.k_sigma}σ)`])
    expect(input.holdout).toEqual(diagnosticChartInput(config, entry, 'position', at(48)).holdout)
    expect(input.baseline!.values).toEqual(d.gate!.series.fitted!.map((value) => value - d.vRefUsd!))
    expect(input.lastLabelSuffix).toMatch(/^ · [\d,.]+ DJED$/)
  })

  it('expresses the gains view in percent of the first fitted value', () => {
    const input = diagnosticChartInput(config, entry, 'gains', at(48))
    expect(input.unit).toBe('%')
    expect(input.baseline!.values[0]).toBeCloseTo(100, 12)
    expect(input.referenceLine).toEqual({ value: 100, label: 'baseline start' })
  })

  it('compares the stored price series and marks the latest quote of each source', () => {
    const input = priceChartInput(config, entry, at(48))
    expect(input.sources.map((source) => source.source)).toEqual(['Liqwid', 'Minswap'])
    // a quote carries its line's name, so its dot takes the line's colour
    expect(input.latest!.map((quote) => [quote.source, quote.value])).toEqual([
      ['Liqwid', 1],
      ['Minswap', 1.02],
    ])
    expect(input.toleranceAround).toEqual({ source: 'Liqwid', mode: 'relative', epsilon: 0.01, label: 'Agrees with Liqwid (±1.00 %)' })
  })
})

describe('plot range', () => {
  const AT = Date.UTC(2026, 10, 27, 12)
  it('keeps the evaluation window when inherited', () => {
    expect(plotWindow(configWith(), AT)).toBeNull()
  })

  it('shows the last relative_duration before the evaluation', () => {
    const config = configWith({ visualization: { diagnostics: { plot_range: { mode: 'relative', relative_duration: '12h' } } } })
    expect(plotWindow(config, AT)).toEqual({ start: AT - 12 * HOUR, end: Infinity })
    const input = diagnosticChartInput(config, evaluation(config), 'raw', at(48))
    expect(input.series.ts.every((ts) => ts >= at(36))).toBe(true)
  })

  it('reads a custom window in settings.timezone', () => {
    const config = configWith({
      settings: { timezone: 'Asia/Tokyo' },
      visualization: { diagnostics: { plot_range: { mode: 'custom', start: '2026-11-20', end: null } } },
    })
    expect(plotWindow(config, AT)).toEqual({ start: Date.UTC(2026, 10, 19, 15), end: Infinity })
  })
})
