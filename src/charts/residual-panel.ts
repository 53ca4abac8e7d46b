/**
 * The diagnostic chart's residual panel: residual = series − baseline over the gate's window, the
 * zero line, the gate's thresholds (red dashed ±σ and grey dotted ±k·σ, or the percentile
 * interval's two quantiles) labelled at their right end, and r_now as an orange diamond.
 */

import type { DrawnSeries } from './diagnostic.ts'
import { formatValue } from './format.ts'
import { drawTransactions } from './main-panel.ts'
import { type Domain, paddedDomain } from './scale.ts'
import { type Rect, type Scene, type YTickLabels, drawPanel } from './scene.ts'
import { type StrokeStyle, line, polygon, polyline } from './svg.ts'
import { spreadPositions, textAt } from './text.ts'
import { COLORS, TYPE } from './theme.ts'
import type { DiagnosticChartInput, GateThresholds } from './types.ts'

const Y_PADDING = 0.08
/** Vertical room one threshold label needs, px. */
const LABEL_SPACING = 13

export interface ThresholdLine {
  readonly value: number
  readonly label: string
  readonly style: StrokeStyle
}

const SIGMA_STYLE: StrokeStyle = { color: COLORS.threshold, width: 1.2, dash: '6 4', opacity: 0.85 }
const K_SIGMA_STYLE: StrokeStyle = { color: COLORS.kSigma, width: 1.3, dash: '2 3' }

function trimNumber(n: number): string {
  return String(Number(n.toFixed(2)))
}

/** The horizontal (residual panel) or vertical (distribution) lines a gate draws. */
export function thresholdLines(thresholds: GateThresholds | undefined): ThresholdLine[] {
  if (!thresholds) return []
  const lines: ThresholdLine[] = []
  if (thresholds.mode === 'stddev') {
    const { sigma, k } = thresholds
    if (!(Number.isFinite(sigma) && sigma > 0)) return []
    lines.push({ value: sigma, label: '+σ', style: SIGMA_STYLE }, { value: -sigma, label: '−σ', style: SIGMA_STYLE })
    if (Number.isFinite(k) && k > 0 && k !== 1) {
      lines.push(
        { value: k * sigma, label: `+${trimNumber(k)}σ`, style: K_SIGMA_STYLE },
        { value: -k * sigma, label: `−${trimNumber(k)}σ`, style: K_SIGMA_STYLE },
      )
    }
  } else {
    const { low, high } = thresholds
    if (Number.isFinite(high)) lines.push({ value: high, label: 'q_high', style: SIGMA_STYLE })
    if (Number.isFinite(low)) lines.push({ value: low, label: 'q_low', style: SIGMA_STYLE })
  }
  return lines
}

export function validRNow(input: DiagnosticChartInput): { ts: number; value: number } | null {
  const rNow = input.residuals?.rNow
  return rNow && Number.isFinite(rNow.ts) && Number.isFinite(rNow.value) ? rNow : null
}

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

  if (drawn.residuals) {
    scene.shapes.push(polyline(drawn.residuals.ts.map(x), drawn.residuals.values.map(y), { color: COLORS.residual, width: 1 }))
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
