/**
 * The diagnostic chart's main panel: the position series, the baseline fit with its bands, the
 * trend, the reference line, the transactions, the gate's held-out stretch and the last point with
 * its value.
 */

import { formatValue } from './format.ts'
import { type DrawnSeries, drawHoldout, drawTransactions, visibleTransactions } from './marks.ts'
import { type Domain, paddedDomain } from './scale.ts'
import { type Panel, type Rect, type Scene, type YTickLabels, drawPanel } from './scene.ts'
import { area, circle, line, polyline } from './svg.ts'
import { type LegendItem, textAt } from './text.ts'
import { BAND_OPACITY, COLORS, TYPE } from './theme.ts'
import type { BaselineBand, DiagnosticChartInput } from './types.ts'

const Y_PADDING = 0.06

function usableBands(input: DiagnosticChartInput, drawn: DrawnSeries): BaselineBand[] {
  if (!drawn.baseline || !input.bands) return []
  return input.bands
    .filter((b) => Number.isFinite(b.low) && Number.isFinite(b.high) && b.high > b.low)
    .sort((a, b) => b.high - b.low - (a.high - a.low))
}

export function mainYDomain(input: DiagnosticChartInput, drawn: DrawnSeries): Domain {
  const groups: number[][] = [drawn.main.values]
  if (drawn.baseline) {
    groups.push(drawn.baseline.values)
    for (const band of usableBands(input, drawn)) {
      groups.push(
        drawn.baseline.values.map((v) => v + band.low),
        drawn.baseline.values.map((v) => v + band.high),
      )
    }
  }
  if (drawn.trend) groups.push(drawn.trend.values)
  if (input.referenceLine && Number.isFinite(input.referenceLine.value)) groups.push([input.referenceLine.value])
  return paddedDomain(groups, Y_PADDING)
}

/** Legend entries for what the main panel draws; transactions are counted inside `xDomain` only. */
export function mainLegend(input: DiagnosticChartInput, drawn: DrawnSeries, xDomain: Domain): LegendItem[] {
  const items: LegendItem[] = [{ label: input.series.label ?? 'Position', swatch: { kind: 'line', color: COLORS.series } }]
  if (drawn.baseline) items.push({ label: input.baseline?.label ?? 'Baseline fit', swatch: { kind: 'line', color: COLORS.fit, dashed: true } })
  // nested bands add up on the plot, so each swatch shows the shade its band really has
  for (const [i, band] of usableBands(input, drawn).entries())
    items.push({ label: band.label, swatch: { kind: 'band', color: COLORS.band, opacity: 1 - (1 - BAND_OPACITY) ** (i + 1) } })
  for (const marker of input.verticalLines ?? []) items.push({ label: marker.label, swatch: { kind: 'line', color: COLORS.t0, width: 2 } })
  if (drawn.trend) items.push({ label: input.trend?.label ?? 'Trend', swatch: { kind: 'line', color: COLORS.trend, width: 3 } })
  items.push({ label: 'Last point', swatch: { kind: 'dot', color: COLORS.lastPoint } })
  const visible = visibleTransactions(input.transactions, xDomain)
  const deposits = visible.filter((t) => t.kind === 'deposit').length
  const withdrawals = visible.length - deposits
  if (deposits > 0) items.push({ label: `Deposits (${deposits})`, swatch: { kind: 'line', color: COLORS.deposit, dashed: true } })
  if (withdrawals > 0) items.push({ label: `Withdrawals (${withdrawals})`, swatch: { kind: 'line', color: COLORS.withdrawal, dashed: true } })
  return items
}

export function drawMainPanel(
  scene: Scene,
  input: DiagnosticChartInput,
  drawn: DrawnSeries,
  rect: Rect,
  xDomain: Domain,
  yDomain: Domain,
  yTicks: YTickLabels,
  xTickLabels: boolean,
): void {
  const panel = drawPanel(scene, rect, {
    xDomain,
    yDomain,
    xKind: 'time',
    xTickLabels,
    ...(xTickLabels ? { xLabel: 'Time (UTC)' } : {}),
    yLabel: input.yLabel,
    yTicks,
  })
  const { x, y } = panel

  if (drawn.baseline) {
    const bx = drawn.baseline.ts.map(x)
    for (const band of usableBands(input, drawn)) {
      const upper = drawn.baseline.values.map((v) => y(v + band.high))
      const lower = drawn.baseline.values.map((v) => y(v + band.low))
      scene.shapes.push(area(bx, upper, lower, COLORS.band, BAND_OPACITY))
    }
  }

  if (input.referenceLine && Number.isFinite(input.referenceLine.value)) {
    const ry = y(input.referenceLine.value)
    scene.shapes.push(line(rect.x, ry, rect.x + rect.width, ry, { color: COLORS.reference, width: 1, dash: '6 4', opacity: 0.6 }))
    scene.texts.push(textAt(input.referenceLine.label, rect.x + 6, ry - 2, 'start', 'bottom', { size: TYPE.annotation, color: COLORS.mutedText }))
  }

  drawTransactions(scene, panel, input.transactions, true)
  drawHoldout(scene, panel, input, true)
  for (const marker of input.verticalLines ?? []) {
    if (!(marker.ts >= xDomain[0] && marker.ts <= xDomain[1])) continue
    const mx = x(marker.ts)
    scene.shapes.push(line(mx, rect.y, mx, rect.y + rect.height, { color: COLORS.t0, width: 2, opacity: 0.8 }))
    scene.texts.push(textAt(marker.label, mx + 4, rect.y + 14, 'start', 'top', { size: TYPE.annotation, weight: 700, color: COLORS.t0 }))
  }

  scene.shapes.push(polyline(drawn.main.ts.map(x), drawn.main.values.map(y), { color: COLORS.series, width: 1.5 }))
  if (drawn.trend) scene.shapes.push(polyline(drawn.trend.ts.map(x), drawn.trend.values.map(y), { color: COLORS.trend, width: 2.2, opacity: 0.9 }))
  if (drawn.baseline) {
    scene.shapes.push(polyline(drawn.baseline.ts.map(x), drawn.baseline.values.map(y), { color: COLORS.fit, width: 1.6, dash: '7 4', opacity: 0.85 }))
  }

  drawLastPoint(scene, panel, drawn, input)
}

function drawLastPoint(scene: Scene, panel: Panel, drawn: DrawnSeries, input: DiagnosticChartInput): void {
  const last = drawn.main.ts.length - 1
  const value = drawn.main.values[last]!
  const px = panel.x(drawn.main.ts[last]!)
  const py = panel.y(value)
  scene.shapes.push(circle(px, py, 4.5, COLORS.lastPoint, { color: COLORS.halo, width: 1.5 }))
  // Above the point unless that would leave the panel; always to its left (it sits on the right edge).
  const above = py - panel.rect.y > 28
  scene.texts.push(
    textAt(`${formatValue(value, input.unit)}${input.lastLabelSuffix ?? ''}`, px - 8, above ? py - 7 : py + 7, 'end', above ? 'bottom' : 'top', {
      size: TYPE.annotation,
      weight: 700,
      color: COLORS.lastPoint,
      background: COLORS.haloText,
    }),
  )
}
