/**
 * What more than one panel of the diagnostic chart draws or measures: the series as drawn
 * (downsampled once for every panel), the transaction lines, the gate's threshold lines and the
 * current residual. The panels import these from here, never from each other.
 */
import { DEFAULT_MAX_POINTS, downsampleForDrawing, type Points } from './downsample.ts'
import type { Domain } from './scale.ts'
import type { Panel, Scene } from './scene.ts'
import { rect as filledRect, line, polygon, type StrokeStyle } from './svg.ts'
import { textAt } from './text.ts'
import { COLORS, TYPE } from './theme.ts'
import type { ChartTransaction, DiagnosticChartInput, GateThresholds } from './types.ts'

/**
 * Baselines and trends are fits or smoothings, without noise: 400 points draw them as well as
 * 1,000, and the bands built on the baseline become polygons of 800 vertices instead of 2,000.
 */
const SMOOTH_MAX_POINTS = 400

export interface DrawnSeries {
  readonly main: Points
  readonly baseline: Points | null
  readonly trend: Points | null
  readonly residuals: Points | null
}

/** The series as they will be drawn: finite samples only, each reduced to ~1,000 points. */
export function drawnSeries(input: DiagnosticChartInput): DrawnSeries {
  const optional = (s: { ts: readonly number[]; values: readonly number[] } | undefined, maxPoints = DEFAULT_MAX_POINTS): Points | null => {
    if (!s) return null
    const points = downsampleForDrawing(s.ts, s.values, maxPoints)
    return points.ts.length > 0 ? points : null
  }
  return {
    main: downsampleForDrawing(input.series.ts, input.series.values),
    baseline: optional(input.baseline, SMOOTH_MAX_POINTS),
    trend: optional(input.trend, SMOOTH_MAX_POINTS),
    residuals: optional(input.residuals),
  }
}

export function visibleTransactions(transactions: readonly ChartTransaction[] | undefined, domain: Domain): ChartTransaction[] {
  return (transactions ?? []).filter((t) => Number.isFinite(t.ts) && t.ts >= domain[0] && t.ts <= domain[1])
}

/** Dashed vertical lines at each transaction; on the main panel also a triangle at the top edge. */
export function drawTransactions(scene: Scene, panel: Panel, transactions: readonly ChartTransaction[] | undefined, withMarkers: boolean): void {
  const { y: top, height } = panel.rect
  for (const tx of visibleTransactions(transactions, panel.xDomain)) {
    const color = tx.kind === 'deposit' ? COLORS.deposit : COLORS.withdrawal
    const x = panel.x(tx.ts)
    scene.shapes.push(line(x, top, x, top + height, { color, width: 1.2, dash: '5 4', opacity: 0.6 }))
    if (!withMarkers) continue
    // Deposits point up (money in), withdrawals down (money out).
    const ys = tx.kind === 'deposit' ? [top + 10, top + 10, top + 2] : [top + 2, top + 2, top + 10]
    scene.shapes.push(polygon([x - 5, x + 5, x], ys, color, { color: COLORS.halo, width: 0.8 }))
  }
}

export interface ThresholdLine {
  readonly value: number
  readonly label: string
  readonly style: StrokeStyle
}

// functions, not constants: COLORS is the palette of the chart being drawn (light or dark)
const sigmaStyle = (): StrokeStyle => ({ color: COLORS.threshold, width: 1.2, dash: '6 4', opacity: 0.85 })
const kSigmaStyle = (): StrokeStyle => ({ color: COLORS.kSigma, width: 1.3, dash: '2 3' })

function trimNumber(n: number): string {
  return String(Number(n.toFixed(2)))
}

/** The horizontal (residual panel) or vertical (distribution) lines a gate draws. */
export function thresholdLines(thresholds: GateThresholds | undefined): ThresholdLine[] {
  if (!thresholds) return []
  const lines: ThresholdLine[] = []
  const SIGMA_STYLE = sigmaStyle()
  const K_SIGMA_STYLE = kSigmaStyle()
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

/**
 * The gate's held-out stretch, shaded, behind a solid divider: left of it the training window the
 * baseline and σ come from, right of it the points judged against them (the baseline there is an
 * extrapolation). Labelled on the main panel only.
 */
export function drawHoldout(scene: Scene, panel: Panel, input: DiagnosticChartInput, labelled: boolean): void {
  if (!input.holdout) return
  const { rect } = panel
  const right = rect.x + rect.width
  const from = Math.max(rect.x, Math.min(right, panel.x(input.holdout.from)))
  scene.shapes.push(filledRect(from, rect.y, right - from, rect.height, COLORS.lastPoint, ' fill-opacity="0.10"'))
  scene.shapes.push(line(from, rect.y, from, rect.y + rect.height, { color: COLORS.lastPoint, width: 1.2, opacity: 0.8 }))
  if (!labelled) return
  const style = { size: TYPE.annotation, weight: 700 as const, color: COLORS.lastPoint, background: COLORS.haloText }
  // the font has no arrows: the shading says which side is held out
  scene.texts.push(textAt('training window | held out (shaded)', from - 4, rect.y + 4, 'end', 'top', style))
}
