import { DEFAULT_SIZE } from '../../src/charts/theme.ts'
import { beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { diagnosticScene } from '../../src/charts/diagnostic.ts'
import { priceScene } from '../../src/charts/prices.ts'
import { renderDiagnosticPng, renderDiagnosticSvg, renderPricesPng, renderPricesSvg } from '../../src/charts/render.ts'
import { COLORS } from '../../src/charts/theme.ts'
import type { DiagnosticChartInput, PriceChartInput } from '../../src/charts/types.ts'
import { DAY, HOUR, NOW, diagnosticFixture, positionSeries, priceFixture, workloadLDiagnostic } from './fixtures.ts'
import { countColor, decodePng } from './png-decode.ts'

const ARTIFACTS = join(import.meta.dir, '../../test-artifacts/charts')

async function saveArtifact(name: string, png: Uint8Array): Promise<void> {
  await Bun.write(join(ARTIFACTS, name), png)
}

function minimal(overrides: Partial<DiagnosticChartInput> = {}): DiagnosticChartInput {
  const series = positionSeries({ days: 2, stepMinutes: 15 })
  return { title: 'Minimal', yLabel: 'Corrected position (USD)', unit: 'USD', series, ...overrides }
}

function mentions(scene: { texts: unknown[] }, text: string): boolean {
  return JSON.stringify(scene.texts).includes(text)
}

/** Every text of a scene's text layer, in drawing order. */
function sceneTexts(scene: { texts: unknown[] }): string[] {
  const found: string[] = []
  const walk = (node: unknown): void => {
    if (typeof node === 'string') found.push(node)
    else if (Array.isArray(node)) node.forEach(walk)
    else if (node !== null && typeof node === 'object') walk((node as { props?: { children?: unknown } }).props?.children)
  }
  walk(scene.texts)
  return found
}

beforeAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true })
})

describe('diagnostic chart', () => {
  it('renders a 30-day 15-minute series with a spike at the end as a decodable PNG of the default size', async () => {
    const png = await renderDiagnosticPng(diagnosticFixture({ days: 30, stepMinutes: 15, spike: 0.004, spikeSamples: 3 }))
    await saveArtifact('diagnostic-30d-spike.png', png)
    const decoded = decodePng(png)
    expect(decoded.width).toBe(DEFAULT_SIZE.width)
    expect(decoded.height).toBe(DEFAULT_SIZE.height)
    expect(countColor(decoded, COLORS.series)).toBeGreaterThan(1000)
    expect(countColor(decoded, COLORS.lastPoint, 12)).toBeGreaterThan(50)
    expect(countColor(decoded, COLORS.histogramFill, 4)).toBeGreaterThan(1000)
  })

  it('renders the percentile band case', async () => {
    const png = await renderDiagnosticPng(diagnosticFixture({ days: 7, stepMinutes: 15, mode: 'percentile', confidence: 0.9, lookbackHours: 48 }))
    await saveArtifact('diagnostic-percentile.png', png)
    expect(decodePng(png).width).toBe(DEFAULT_SIZE.width)
  })

  it('renders workload L (8,640 points per series) with every part present', async () => {
    const png = await renderDiagnosticPng(workloadLDiagnostic())
    await saveArtifact('diagnostic-workload-l.png', png)
    expect(decodePng(png).height).toBe(DEFAULT_SIZE.height)
  })

  it('renders a single main panel when there are no residuals', async () => {
    const input = diagnosticFixture({ days: 30, stepMinutes: 15 })
    const png = await renderDiagnosticPng({ ...input, residuals: undefined, gateTriggered: undefined })
    await saveArtifact('diagnostic-main-only.png', png)
    const decoded = decodePng(png)
    expect(countColor(decoded, COLORS.histogramFill, 4)).toBe(0)
  })

  const full = diagnosticFixture({ days: 3, stepMinutes: 15, lookbackHours: 24 })
  /**
   * What each variant draws, read from the scene before it is rasterised: `shows` / `hides` are
   * texts (legend entries, badges, labels), `paints` / `omits` are SVG colour attributes of the
   * plot layer (bands, trend, histogram, KDE, markers).
   */
  interface Drawn {
    readonly shows?: readonly string[]
    readonly hides?: readonly string[]
    readonly paints?: readonly string[]
    readonly omits?: readonly string[]
  }
  const BAND = `fill="${COLORS.band}"`
  const TREND = `stroke="${COLORS.trend}"`
  const HISTOGRAM = `fill="${COLORS.histogramFill}"`
  const KDE = `stroke="${COLORS.kde}"`
  const DEPOSIT = `stroke="${COLORS.deposit}"`
  const REFERENCE = `stroke="${COLORS.reference}"`
  const BADGES = ['Gate triggered', 'Gate not triggered']
  const variants: [string, DiagnosticChartInput, Drawn][] = [
    [
      'the series alone',
      minimal(),
      { shows: ['Position', 'Last point'], hides: ['Polynomial fit', 'Residual distribution', ...BADGES], omits: [BAND, TREND, HISTOGRAM] },
    ],
    ['a baseline without bands', minimal({ baseline: full.baseline }), { shows: ['Polynomial fit'], hides: ['±2.00σ', '±1σ'], omits: [BAND] }],
    ['bands without a baseline (ignored)', minimal({ bands: full.bands }), { hides: ['±2.00σ', '±1σ'], omits: [BAND] }],
    ['a baseline with nested bands', minimal({ baseline: full.baseline, bands: full.bands }), { shows: ['±2.00σ', '±1σ'], paints: [BAND] }],
    ['a trend', minimal({ trend: { ...full.baseline!, label: 'Trend' } }), { shows: ['Trend'], paints: [TREND], omits: [BAND] }],
    [
      'a reference line',
      minimal({ referenceLine: { value: 125_100, label: 'Ref (fit_first)' } }),
      { shows: ['Ref (fit_first)'], paints: [REFERENCE] },
    ],
    [
      'transactions, some outside the time range',
      minimal({ transactions: [...full.transactions!, { ts: NOW - 90 * DAY, kind: 'deposit', amountUsd: 1 }] }),
      // the deposit 90 days back is outside the chart: not counted
      { shows: ['Deposits (1)', 'Withdrawals (1)'], paints: [DEPOSIT] },
    ],
    [
      'residuals without thresholds, r_now or KDE',
      minimal({ residuals: { ts: full.residuals!.ts, values: full.residuals!.values } }),
      { shows: ['Residual (USD)', 'Residual distribution', 'Histogram'], hides: ['KDE', 'r_now', '+σ', 'q_high'], paints: [HISTOGRAM], omits: [KDE] },
    ],
    [
      'residuals with stddev thresholds',
      minimal({ residuals: { ...full.residuals!, kde: undefined } }),
      { shows: ['+σ', '−σ', '+2σ', '−2σ', 'r_now 71.12 USD'], hides: ['KDE', 'q_high'], omits: [KDE] },
    ],
    [
      'residuals with a percentile interval',
      minimal({ residuals: { ...full.residuals!, thresholds: { mode: 'percentile', low: -40, high: 55, confidence: 0.9 } } }),
      { shows: ['q_high', 'q_low', 'KDE'], hides: ['+σ', '+2σ'], paints: [KDE] },
    ],
    [
      'r_now without residual samples',
      minimal({ residuals: { ts: [], values: [], rNow: { ts: NOW, value: 12 } } }),
      { hides: ['Residual (USD)', 'Residual distribution'], omits: [HISTOGRAM] },
    ],
    ['a triggered gate', minimal({ ...full, gateTriggered: true }), { shows: ['Gate triggered'], hides: ['Gate not triggered'] }],
    ['a gate that did not trigger', minimal({ ...full, gateTriggered: false }), { shows: ['Gate not triggered'], hides: ['Gate triggered'] }],
    [
      'percent units',
      minimal({ unit: '%', yLabel: 'Corrected position (% of base)' }),
      { shows: ['Corrected position (% of base)', '125,162.99 %'] },
    ],
    [
      'rate units',
      minimal({ unit: 'rate', yLabel: 'Price / rate', series: { ts: full.series.ts, values: full.series.values.map((v) => v / 125_000) } }),
      { shows: ['Price / rate'], hides: ['Corrected position (USD)'] },
    ],
    ['a constant series', minimal({ series: { ts: [NOW - HOUR, NOW], values: [100, 100] } }), { shows: ['100.00 USD'], hides: ['No data'] }],
    ['two samples at the same instant', minimal({ series: { ts: [NOW, NOW], values: [100, 101] } }), { shows: ['101.00 USD'], hides: ['No data'] }],
  ]
  for (const [name, input, drawn] of variants) {
    it(`draws ${name}`, async () => {
      const scene = diagnosticScene(input)
      const texts = sceneTexts(scene)
      const shapes = scene.shapes.join('')
      for (const text of drawn.shows ?? []) expect(texts, `shows ${text}`).toContain(text)
      for (const text of drawn.hides ?? []) expect(texts, `hides ${text}`).not.toContain(text)
      for (const colour of drawn.paints ?? []) expect(shapes, `paints ${colour}`).toContain(colour)
      for (const colour of drawn.omits ?? []) expect(shapes, `omits ${colour}`).not.toContain(colour)
      const decoded = decodePng(await renderDiagnosticPng(input))
      expect([decoded.width, decoded.height]).toEqual([DEFAULT_SIZE.width, DEFAULT_SIZE.height])
    })
  }

  it('renders at a configured size', async () => {
    const decoded = decodePng(await renderDiagnosticPng({ ...full, size: { width: 900, height: 480 } }))
    expect([decoded.width, decoded.height]).toEqual([900, 480])
  })

  it('clamps an absurd size instead of allocating gigabytes', async () => {
    const decoded = decodePng(await renderDiagnosticPng({ ...minimal(), size: { width: 100_000, height: 10 } }))
    expect(decoded.width).toBeLessThanOrEqual(4000)
    expect(decoded.height).toBeGreaterThanOrEqual(320)
  })

  it('answers an empty series with a "no data" image of the same size', async () => {
    const input = minimal({ series: { ts: [], values: [] }, residuals: full.residuals })
    expect(mentions(diagnosticScene(input), 'No data')).toBe(true)
    const png = await renderDiagnosticPng(input)
    await saveArtifact('diagnostic-no-data.png', png)
    expect(decodePng(png).width).toBe(DEFAULT_SIZE.width)
  })

  it('answers a one-point series with a "no data" image', async () => {
    const input = minimal({ series: { ts: [NOW], values: [125_000] } })
    expect(mentions(diagnosticScene(input), 'No data')).toBe(true)
    expect(decodePng(await renderDiagnosticPng(input)).height).toBe(DEFAULT_SIZE.height)
  })

  it('answers a series with no finite value with a "no data" image', () => {
    const input = minimal({ series: { ts: [NOW - HOUR, NOW], values: [NaN, Infinity] } })
    expect(mentions(diagnosticScene(input), 'No data')).toBe(true)
  })

  it('skips NaN and infinite values everywhere instead of drawing them', async () => {
    const poison = <T extends { ts: readonly number[]; values: readonly number[] }>(s: T): T => ({
      ...s,
      values: s.values.map((v, i) => (i % 17 === 0 ? NaN : i % 29 === 0 ? Infinity : i % 31 === 0 ? -Infinity : v)),
    })
    const input: DiagnosticChartInput = {
      ...full,
      series: poison(full.series),
      baseline: poison(full.baseline!),
      trend: poison(full.baseline!),
      bands: [{ label: 'bad', low: NaN, high: 3 }, ...full.bands!],
      referenceLine: { value: NaN, label: 'nowhere' },
      transactions: [{ ts: NaN, kind: 'deposit', amountUsd: 5 }, ...full.transactions!],
      residuals: {
        ...poison(full.residuals!),
        thresholds: { mode: 'stddev', sigma: NaN, k: 2 },
        rNow: { ts: NOW, value: Infinity },
        kde: { x: full.residuals!.kde!.x, density: full.residuals!.kde!.density.map((d, i) => (i === 3 ? NaN : d)) },
      },
    }
    const svg = await renderDiagnosticSvg(input)
    expect(svg).not.toMatch(/NaN|Infinity/)
    expect(decodePng(await renderDiagnosticPng(input)).width).toBe(DEFAULT_SIZE.width)
  })
})

describe('price chart', () => {
  it('renders three sources with their latest quotes and the tolerance band', async () => {
    const png = await renderPricesPng(priceFixture())
    await saveArtifact('prices-three-sources.png', png)
    const decoded = decodePng(png)
    expect([decoded.width, decoded.height]).toEqual([DEFAULT_SIZE.width, DEFAULT_SIZE.height])
  })

  it('renders live quotes alone (single points, no history)', async () => {
    const input: PriceChartInput = { title: 'Quotes only', sources: [], latest: priceFixture().latest }
    const png = await renderPricesPng(input)
    await saveArtifact('prices-quotes-only.png', png)
    expect(decodePng(png).width).toBe(DEFAULT_SIZE.width)
  })

  it('renders a source without quotes or tolerance', async () => {
    const { sources } = priceFixture()
    expect(decodePng(await renderPricesPng({ title: 'One source', sources: [sources[0]!] })).height).toBe(DEFAULT_SIZE.height)
  })

  it('answers no finite price at all with a "no data" image', async () => {
    const input: PriceChartInput = {
      title: 'Nothing',
      sources: [{ source: 'liqwid', ts: [NOW], values: [NaN] }],
      latest: [{ source: 'minswap', ts: NOW, value: Infinity }],
    }
    expect(mentions(priceScene(input), 'No data')).toBe(true)
    expect(decodePng(await renderPricesPng(input)).width).toBe(DEFAULT_SIZE.width)
  })

  it('skips non-finite prices', async () => {
    const input = priceFixture()
    const poisoned: PriceChartInput = {
      ...input,
      sources: input.sources.map((s) => ({ ...s, values: s.values.map((v, i) => (i % 13 === 0 ? NaN : v)) })),
      tolerance: { low: NaN, high: 1 },
    }
    expect(await renderPricesSvg(poisoned)).not.toMatch(/NaN|Infinity/)
  })
})
