/**
 * The residual distribution panel: a density histogram of every finite residual (d3-array's
 * `bin` over equal-width bins, counts scaled so the bars integrate to 1), the KDE curve the engine
 * computed, and vertical lines at 0, at the gate's thresholds and at r_now.
 */

import { bin, extent } from 'd3-array'
import { finitePoints } from './downsample.ts'
import { thresholdLines, validRNow } from './marks.ts'
import { type Domain, paddedDomain } from './scale.ts'
import { type Rect, type Scene, bottomMargin, drawPanel, leftMargin, yTickLabels } from './scene.ts'
import { line, polyline, rects } from './svg.ts'
import { type LegendItem, legend, textAt } from './text.ts'
import { COLORS, TYPE } from './theme.ts'
import type { DensityCurve, DiagnosticChartInput } from './types.ts'

const DEFAULT_SAMPLES_PER_BIN = 10
const MIN_BINS = 5
const MAX_BINS = 100
const TITLE_HEIGHT = 22

export interface HistogramBar {
  readonly x0: number
  readonly x1: number
  readonly density: number
}

/** The predecessor's rule: clamp(round(n / samplesPerBin), 5, 100) equal-width bins over [min, max]. */
export function densityHistogram(values: readonly number[], samplesPerBin = DEFAULT_SAMPLES_PER_BIN): HistogramBar[] {
  const finite = values.filter(Number.isFinite)
  const [lo, hi] = extent(finite)
  if (lo === undefined || hi === undefined || hi === lo) return []
  const perBin = samplesPerBin > 0 ? samplesPerBin : DEFAULT_SAMPLES_PER_BIN
  const count = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.round(finite.length / perBin)))
  const width = (hi - lo) / count
  const thresholds = Array.from({ length: count - 1 }, (_, i) => lo + (i + 1) * width)
  const bins = bin().domain([lo, hi]).thresholds(thresholds)(finite)
  return bins.map((b) => ({ x0: b.x0 ?? lo, x1: b.x1 ?? hi, density: b.length / (finite.length * width) }))
}

function finiteCurve(kde: DensityCurve | undefined): { x: number[]; density: number[] } {
  const points = finitePoints(kde?.x ?? [], kde?.density ?? [])
  return { x: points.ts, density: points.values }
}

export function drawDistributionPanel(scene: Scene, input: DiagnosticChartInput, area: Rect): void {
  const residuals = input.residuals
  const values = finitePoints(residuals?.ts ?? [], residuals?.values ?? []).values
  const bars = densityHistogram(values, residuals?.histogramSamplesPerBin)
  const kde = finiteCurve(residuals?.kde)
  const thresholds = thresholdLines(residuals?.thresholds)
  const rNow = validRNow(input)

  const xDomain: Domain = paddedDomain([values, kde.x, thresholds.map((t) => t.value), rNow ? [rNow.value, 0] : [0]], 0.04)
  const maxDensity = Math.max(0, ...bars.map((b) => b.density), ...kde.density)
  const yDomain: Domain = [0, maxDensity > 0 ? maxDensity * 1.12 : 1]

  const plotTop = area.y + TITLE_HEIGHT
  const plotHeight = area.height - TITLE_HEIGHT - bottomMargin(true, true)
  const yTicks = yTickLabels(yDomain, plotHeight)
  const left = area.x + leftMargin(yTicks, true)
  const plotRect: Rect = { x: left, y: plotTop, width: area.x + area.width - left, height: plotHeight }
  const panel = drawPanel(scene, plotRect, {
    xDomain,
    yDomain,
    xKind: 'linear',
    xTickLabels: true,
    xLabel: `Residual (${input.unit})`,
    yLabel: 'Density',
    yTicks,
  })
  const { x, y } = panel

  scene.texts.push(textAt('Residual distribution', area.x, area.y, 'start', 'top', { size: TYPE.panelTitle, weight: 700, color: COLORS.text }))
  const items: LegendItem[] = []
  if (bars.length > 0) items.push({ label: 'Histogram', swatch: { kind: 'bar', color: COLORS.histogramFill } })
  if (kde.x.length > 1) items.push({ label: 'KDE', swatch: { kind: 'line', color: COLORS.kde } })
  if (rNow) items.push({ label: 'r_now', swatch: { kind: 'line', color: COLORS.lastPoint } })
  scene.texts.push(legend(items, plotRect.x + plotRect.width, area.y, plotRect.width * 0.7))

  const baseY = y(0)
  // A hairline gap between bars stands in for matplotlib's white bar edges.
  const gap = bars.length > 1 && x(bars[0]!.x1) - x(bars[0]!.x0) > 3 ? 0.4 : 0
  const barRects = bars.map((bar) => {
    const x0 = x(bar.x0) + gap
    const top = y(bar.density)
    return { x: x0, y: top, width: x(bar.x1) - gap - x0, height: baseY - top }
  })
  scene.shapes.push(rects(barRects, COLORS.histogramFill, 1))
  if (kde.x.length > 1) scene.shapes.push(polyline(kde.x.map(x), kde.density.map(y), { color: COLORS.kde, width: 2 }))

  const top = plotRect.y
  const bottom = plotRect.y + plotRect.height
  scene.shapes.push(line(x(0), top, x(0), bottom, { color: COLORS.reference, width: 1 }))
  for (const threshold of thresholds) {
    const tx = x(threshold.value)
    scene.shapes.push(line(tx, top, tx, bottom, threshold.style))
  }
  if (rNow) {
    const rx = x(rNow.value)
    scene.shapes.push(line(rx, top, rx, bottom, { color: COLORS.lastPoint, width: 2 }))
    const nearRight = rx > plotRect.x + plotRect.width - 60
    scene.texts.push(
      textAt('r_now', nearRight ? rx - 4 : rx + 4, top + 4, nearRight ? 'end' : 'start', 'top', {
        size: TYPE.annotation,
        weight: 700,
        color: COLORS.lastPoint,
        background: COLORS.haloText,
      }),
    )
  }
}
