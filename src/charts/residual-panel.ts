/**
 * The diagnostic chart's residual panel: residual = series − baseline over the gate's window, the
 * zero line, the gate's thresholds (red dashed ±σ and grey dotted ±k·σ, or the percentile
 * interval's two quantiles) labelled at their right end, the held-out stretch shaded with its
 * residuals as dots, and r_now as an orange diamond.
 */

import { formatValue } from './format.ts'
import { type DrawnSeries, drawHoldout, drawTransactions, thresholdLines, validRNow } from './marks.ts'
import { type Domain, paddedDomain } from './scale.ts'
import { type Rect, type Scene, type YTickLabels, drawPanel } from './scene.ts'
import { circle, line, polygon, polyline } from './svg.ts'
import { spreadPositions, textAt } from './text.ts'
import { COLORS, TYPE } from './theme.ts'
import type { DiagnosticChartInput } from './types.ts'

const Y_PADDING = 0.08
/** Vertical room one threshold label needs, px. */
const LABEL_SPACING = 13

export function residualYDomain(input: DiagnosticChartInput, drawn: DrawnSeries): Domain {
  const groups: number[][] = [drawn.residuals?.values ?? [], [0], thresholdLines(input.residuals?.thresholds).map((l) => l.value)]
  const rNow = validRNow(input)
  if (rNow) groups.push([rNow.value])
  return paddedDomain(groups, Y_PADDING)
}

export function drawResidualPanel(
  scene: Scene,
  input: DiagnosticChartInput,
  drawn: DrawnSeries,
  rect: Rect,
  xDomain: Domain,
  yDomain: Domain,
  yTicks: YTickLabels,
): void {
  const panel = drawPanel(scene, rect, {
    xDomain,
    yDomain,
    xKind: 'time',
    xTickLabels: true,
    xLabel: 'Time (UTC)',
    yLabel: `Residual (${input.unit})`,
    yTicks,
  })
  const { x, y } = panel
  const right = rect.x + rect.width

  scene.shapes.push(line(rect.x, y(0), right, y(0), { color: COLORS.zero, width: 1, dash: '4 3', opacity: 0.8 }))
  const thresholds = thresholdLines(input.residuals?.thresholds)
  // Labels sit in the margin right of the panel, nudged apart where ±σ and ±k·σ lie close.
  const labelYs = spreadPositions(
    thresholds.map((t) => y(t.value)),
    LABEL_SPACING,
    rect.y,
    rect.y + rect.height,
  )
  thresholds.forEach((threshold, i) => {
    const ty = y(threshold.value)
    scene.shapes.push(line(rect.x, ty, right, ty, threshold.style))
    scene.texts.push(
      textAt(threshold.label, right + 4, labelYs[i]!, 'start', 'middle', { size: TYPE.annotation, weight: 700, color: threshold.style.color }),
    )
  })

  drawTransactions(scene, panel, input.transactions, false)
  drawHoldout(scene, panel, input, false)

  if (drawn.residuals) {
    scene.shapes.push(polyline(drawn.residuals.ts.map(x), drawn.residuals.values.map(y), { color: COLORS.residual, width: 1 }))
    // the held-out residuals, each judged against the training window's σ
    const from = input.holdout?.from
    if (from !== undefined) {
      drawn.residuals.ts.forEach((ts, i) => {
        if (ts >= from) scene.shapes.push(circle(x(ts), y(drawn.residuals!.values[i]!), 2.5, COLORS.lastPoint))
      })
    }
  }

  const rNow = validRNow(input)
  if (rNow) {
    const px = x(rNow.ts)
    const py = y(rNow.value)
    const r = 6
    scene.shapes.push(polygon([px, px + r, px, px - r], [py - r, py, py + r, py], COLORS.lastPoint, { color: COLORS.halo, width: 1.2 }))
    const above = py - rect.y > 24
    scene.texts.push(
      textAt(`r_now ${formatValue(rNow.value, input.unit)}`, px - 10, above ? py - 6 : py + 6, 'end', above ? 'bottom' : 'top', {
        size: TYPE.annotation,
        weight: 700,
        color: COLORS.lastPoint,
        background: COLORS.haloText,
      }),
    )
  }
}
