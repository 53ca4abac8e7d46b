/**
 * The price comparison chart: one line per price source over time, the latest quote of each
 * source as a dot (live APIs only ever give a single point), and the band of prices that agree
 * within the configured tolerance.
 */

import { downsampleForDrawing, type Points } from './downsample.ts'
import { formatHourMinute, formatValue } from './format.ts'
import { type Domain, paddedDomain } from './scale.ts'
import {
  headerHeight,
  OUTER_PADDING,
  type Scene,
  bottomMargin,
  createScene,
  drawHeader,
  drawPanel,
  leftMargin,
  noDataScene,
  resolveSize,
  yTickLabels,
} from './scene.ts'
import { area, circle, line, polyline, rect } from './svg.ts'
import { type LegendItem, legendRow, textAt } from './text.ts'
import { COLORS, SOURCE_PALETTE, TYPE } from './theme.ts'
import type { PriceChartInput, PriceQuote, ValueUnit } from './types.ts'

const HOUR = 3_600_000
const Y_PADDING = 0.08

interface SourceDrawing {
  readonly source: string
  readonly color: string
  readonly points: Points
  readonly quote: PriceQuote | null
}

/** Sources in input order, each with a stable colour; quotes of sources without a line get their own. */
function sourceDrawings(input: PriceChartInput): SourceDrawing[] {
  const quotes = (input.latest ?? []).filter((q) => Number.isFinite(q.ts) && Number.isFinite(q.value))
  const names = [...new Set([...(input.sources ?? []).map((s) => s.source), ...quotes.map((q) => q.source)])]
  return names.map((source, i) => {
    const series = (input.sources ?? []).filter((s) => s.source === source)
    const points = series.length > 0 ? downsampleForDrawing(series[0]!.ts, series[0]!.values) : { ts: [], values: [] }
    const quote = quotes.filter((q) => q.source === source).sort((a, b) => b.ts - a.ts)[0] ?? null
    return { source, color: SOURCE_PALETTE[i % SOURCE_PALETTE.length]!, points, quote }
  })
}

function timeDomain(drawings: readonly SourceDrawing[]): Domain | null {
  let lo = Infinity
  let hi = -Infinity
  for (const d of drawings) {
    for (const t of [d.points.ts[0], d.points.ts[d.points.ts.length - 1], d.quote?.ts]) {
      if (t === undefined) continue
      lo = Math.min(lo, t)
      hi = Math.max(hi, t)
    }
  }
  if (!Number.isFinite(lo)) return null
  // Quotes alone are one instant: give them an hour either side so the axis has a span.
  return hi > lo ? [lo, hi + (hi - lo) * 0.02] : [lo - HOUR, hi + HOUR]
}

function legendItems(drawings: readonly SourceDrawing[], unit: ValueUnit): LegendItem[] {
  return drawings.map((d) => {
    const quote = d.quote ? `  ${formatValue(d.quote.value, unit)} at ${formatHourMinute(d.quote.ts)}` : ''
    return { label: `${d.source}${quote}`, swatch: d.points.ts.length > 0 ? { kind: 'line', color: d.color } : { kind: 'dot', color: d.color } }
  })
}

/** The difference panel's share of the plot height. */
const DIFFERENCE_SHARE = 0.38
const PANEL_GAP = 12

interface Difference {
  readonly color: string
  readonly ts: number[]
  readonly values: number[]
}

/** Linear interpolation of a sorted series at `t`, held flat outside it. */
function valueAt(ts: readonly number[], values: readonly number[], t: number): number {
  if (t <= ts[0]!) return values[0]!
  if (t >= ts[ts.length - 1]!) return values[values.length - 1]!
  let lo = 0
  let hi = ts.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (ts[mid]! <= t) lo = mid
    else hi = mid
  }
  const span = ts[hi]! - ts[lo]!
  return span === 0 ? values[lo]! : values[lo]! + ((values[hi]! - values[lo]!) * (t - ts[lo]!)) / span
}

/**
 * Each other source against the reference at the same instant: in % of the reference (relative
 * tolerance) or in USD (absolute), the unit the tolerance is given in.
 */
function differenceSeries(drawings: readonly SourceDrawing[], spec: NonNullable<PriceChartInput['toleranceAround']>): Difference[] {
  const reference = drawings.find((d) => d.source === spec.source)
  if (!reference || reference.points.ts.length < 2) return []
  const { ts: refTs, values: refValues } = reference.points
  return drawings
    .filter((d) => d !== reference && d.points.ts.length > 0)
    .map((d) => {
      const ts: number[] = []
      const values: number[] = []
      d.points.ts.forEach((t, i) => {
        const base = valueAt(refTs, refValues, t)
        const value = spec.mode === 'relative' ? (base > 0 ? (d.points.values[i]! / base - 1) * 100 : Number.NaN) : d.points.values[i]! - base
        if (Number.isFinite(value)) {
          ts.push(t)
          values.push(value)
        }
      })
      return { color: d.color, ts, values }
    })
    .filter((d) => d.ts.length > 0)
}

/** The tolerance in the difference panel's unit: % for a relative tolerance, USD for an absolute one. */
function toleranceLimit(spec: NonNullable<PriceChartInput['toleranceAround']>): number {
  return spec.mode === 'relative' ? spec.epsilon * 100 : spec.epsilon
}

/** The other sources' difference from the reference over time, inside or outside the ±tolerance band. */
function drawDifferencePanel(
  scene: Scene,
  bounds: { x: number; y: number; width: number; height: number },
  xDomain: Domain,
  yDomain: Domain,
  yTicks: ReturnType<typeof yTickLabels>,
  differences: readonly Difference[],
  spec: NonNullable<PriceChartInput['toleranceAround']>,
): void {
  const unit = spec.mode === 'relative' ? '%' : 'USD'
  const panel = drawPanel(scene, bounds, {
    xDomain,
    yDomain,
    xKind: 'time',
    xTickLabels: true,
    xLabel: 'Time (UTC)',
    yLabel: `vs ${spec.source} (${unit})`,
    yTicks,
  })
  const { x, y } = panel
  const limit = toleranceLimit(spec)
  const yHigh = y(limit)
  const yLow = y(-limit)
  scene.shapes.push(rect(bounds.x, yHigh, bounds.width, Math.max(1, yLow - yHigh), COLORS.band, ` fill-opacity="0.22"`))
  scene.shapes.push(line(bounds.x, y(0), bounds.x + bounds.width, y(0), { color: COLORS.zero, width: 1 }))
  for (const d of differences) scene.shapes.push(polyline(d.ts.map(x), d.values.map(y), { color: d.color, width: 1.6 }))
  scene.texts.push(
    textAt(`±${spec.mode === 'relative' ? `${limit.toFixed(2)} %` : `${limit} USD`} agrees`, bounds.x + 6, yHigh - 2, 'start', 'bottom', {
      size: TYPE.annotation,
      color: COLORS.mutedText,
    }),
  )
}

/** The agreement band around each point of one source: prices inside it agree with that source. */
function bandAround(
  drawings: readonly SourceDrawing[],
  spec: NonNullable<PriceChartInput['toleranceAround']>,
): { ts: number[]; low: number[]; high: number[]; label: string } | null {
  const reference = drawings.find((d) => d.source === spec.source)
  if (!reference || reference.points.ts.length < 2) return null
  const values = reference.points.values
  const low = values.map((v) => (spec.mode === 'relative' ? v * (1 - spec.epsilon) : v - spec.epsilon))
  const high = values.map((v) => (spec.mode === 'relative' ? v * (1 + spec.epsilon) : v + spec.epsilon))
  return { ts: [...reference.points.ts], low, high, label: spec.label }
}

export function priceScene(input: PriceChartInput): Scene {
  const size = resolveSize(input.size)
  const unit = input.unit ?? 'rate'
  const drawings = sourceDrawings(input)
  const xDomain = timeDomain(drawings)
  if (!xDomain) return noDataScene(size, input.title, input.subtitle, 'no price source has a finite sample')

  const scene = createScene(size)
  drawHeader(scene, input.title, input.subtitle)
  const around = input.toleranceAround ? bandAround(drawings, input.toleranceAround) : null
  const tolerance =
    around === null && input.tolerance && Number.isFinite(input.tolerance.low) && Number.isFinite(input.tolerance.high) ? input.tolerance : null
  const items = legendItems(drawings, unit)
  if (tolerance || around)
    items.push({ label: around?.label ?? tolerance?.label ?? 'Tolerance', swatch: { kind: 'band', color: COLORS.band, opacity: 0.35 } })
  const header = headerHeight(input.subtitle !== undefined)
  const key = legendRow(items, OUTER_PADDING, header, size.width - 2 * OUTER_PADDING)
  scene.texts.push(key.element)

  const yDomain = paddedDomain(
    [
      ...drawings.map((d) => d.points.values),
      drawings.flatMap((d) => (d.quote ? [d.quote.value] : [])),
      tolerance ? [tolerance.low, tolerance.high] : [],
      around ? [...around.low, ...around.high] : [],
    ],
    Y_PADDING,
  )
  const top = header + key.height + 14
  const differences = around && input.toleranceAround ? differenceSeries(drawings, input.toleranceAround) : []
  const withDifference = differences.length > 0
  const total = size.height - OUTER_PADDING - top - bottomMargin(true, true) - (withDifference ? PANEL_GAP : 0)
  const height = withDifference ? Math.round(total * (1 - DIFFERENCE_SHARE)) : total
  const yTicks = yTickLabels(yDomain, height)
  const spec = input.toleranceAround
  const differenceDomain =
    withDifference && spec ? paddedDomain([...differences.map((d) => d.values), [-toleranceLimit(spec), toleranceLimit(spec)]], Y_PADDING) : null
  const differenceTicks = differenceDomain ? yTickLabels(differenceDomain, total - height) : null
  const left = OUTER_PADDING + Math.max(leftMargin(yTicks, true), differenceTicks ? leftMargin(differenceTicks, true) : 0)
  const panel = drawPanel(
    scene,
    { x: left, y: top, width: size.width - OUTER_PADDING - left, height },
    withDifference
      ? { xDomain, yDomain, xKind: 'time', xTickLabels: false, yLabel: input.yLabel ?? 'Price (USD)', yTicks }
      : { xDomain, yDomain, xKind: 'time', xTickLabels: true, xLabel: 'Time (UTC)', yLabel: input.yLabel ?? 'Price (USD)', yTicks },
  )
  if (differenceDomain && differenceTicks && spec) {
    const rect = { x: left, y: top + height + PANEL_GAP, width: size.width - OUTER_PADDING - left, height: total - height }
    drawDifferencePanel(scene, rect, xDomain, differenceDomain, differenceTicks, differences, spec)
  }
  const { x, y } = panel

  if (tolerance) {
    const yHigh = y(Math.max(tolerance.low, tolerance.high))
    const yLow = y(Math.min(tolerance.low, tolerance.high))
    scene.shapes.push(rect(panel.rect.x, yHigh, panel.rect.width, Math.max(1, yLow - yHigh), COLORS.band, ` fill-opacity="0.16"`))
    scene.shapes.push(line(panel.rect.x, yHigh, panel.rect.x + panel.rect.width, yHigh, { color: COLORS.band, width: 1, dash: '4 3' }))
    scene.shapes.push(line(panel.rect.x, yLow, panel.rect.x + panel.rect.width, yLow, { color: COLORS.band, width: 1, dash: '4 3' }))
  }
  if (around) scene.shapes.push(area(around.ts.map(x), around.high.map(y), around.low.map(y), COLORS.band, 0.22))
  for (const d of drawings) {
    scene.shapes.push(polyline(d.points.ts.map(x), d.points.values.map(y), { color: d.color, width: 1.6 }))
  }
  for (const d of drawings) {
    if (!d.quote) continue
    scene.shapes.push(circle(x(d.quote.ts), y(d.quote.value), 5.5, d.color, { color: COLORS.halo, width: 1.5 }))
  }
  if (drawings.every((d) => d.points.ts.length === 0)) {
    scene.texts.push(
      textAt('latest quotes only: no stored history', panel.rect.x + 8, panel.rect.y + 6, 'start', 'top', {
        size: TYPE.annotation,
        color: COLORS.mutedText,
      }),
    )
  }
  return scene
}
