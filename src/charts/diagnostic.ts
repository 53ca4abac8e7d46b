/**
 * The residual-gate diagnostic chart (the predecessor's matplotlib composite, spec-http §7): the
 * position with its baseline, bands, trend and transactions (top left); the residuals with the
 * gate's thresholds and r_now on the same time axis (bottom left); the residuals' distribution
 * (right column). Without residuals the main panel takes the whole width.
 */

import { drawDistributionPanel } from './distribution.ts'
import { drawMainPanel, mainLegend, mainYDomain } from './main-panel.ts'
import { type DrawnSeries, drawnSeries } from './marks.ts'
import { drawResidualPanel, residualYDomain } from './residual-panel.ts'
import type { Domain } from './scale.ts'
import {
  headerHeight,
  OUTER_PADDING,
  type Rect,
  type Scene,
  bottomMargin,
  createScene,
  drawHeader,
  leftMargin,
  noDataScene,
  resolveSize,
  yTickLabels,
} from './scene.ts'
import { legendRow } from './text.ts'
import { COLORS } from './theme.ts'
import type { DiagnosticChartInput } from './types.ts'

/** The residual panel's share of the left column's height (the predecessor used half). */
const RESIDUAL_HEIGHT_SHARE = 0.4
/** The left column's share of the width when the distribution panel is shown (2:1 as before). */
const LEFT_COLUMN_SHARE = 2 / 3
const PANEL_GAP = 12
/** Room for the residual thresholds' labels ("+2.5σ") between the columns. */
const COLUMN_GAP = 46

function timeDomain(drawn: DrawnSeries, input: DiagnosticChartInput): Domain {
  let lo = Infinity
  let hi = -Infinity
  for (const points of [drawn.main, drawn.baseline, drawn.trend, drawn.residuals]) {
    if (!points || points.ts.length === 0) continue
    lo = Math.min(lo, points.ts[0]!)
    hi = Math.max(hi, points.ts[points.ts.length - 1]!)
  }
  // a marker just before the first sample (t0) stays on the chart
  for (const marker of input.verticalLines ?? []) if (Number.isFinite(marker.ts) && marker.ts < lo && lo - marker.ts < (hi - lo) * 0.1) lo = marker.ts
  const rNow = input.residuals?.rNow
  if (rNow && Number.isFinite(rNow.ts) && Number.isFinite(rNow.value)) {
    lo = Math.min(lo, rNow.ts)
    hi = Math.max(hi, rNow.ts)
  }
  return [lo, hi]
}

export function diagnosticScene(input: DiagnosticChartInput): Scene {
  const size = resolveSize(input.size)
  const drawn = drawnSeries(input)
  if (drawn.main.ts.length < 2) {
    const reason = drawn.main.ts.length === 1 ? 'the series has a single finite sample' : 'the series has no finite samples'
    return noDataScene(size, input.title, input.subtitle, reason)
  }

  const scene = createScene(size)
  const badge =
    input.gateTriggered === undefined
      ? undefined
      : input.gateTriggered
        ? { text: 'Gate triggered', color: COLORS.triggered }
        : { text: 'Gate not triggered', color: COLORS.notTriggered }
  const xDomain = timeDomain(drawn, input)
  drawHeader(scene, input.title, input.subtitle, badge)
  const header = headerHeight(input.subtitle !== undefined)
  const key = legendRow(mainLegend(input, drawn, xDomain), OUTER_PADDING, header, size.width - 2 * OUTER_PADDING)
  scene.texts.push(key.element)

  const top = header + key.height + 14
  const bottom = size.height - OUTER_PADDING
  const withResiduals = drawn.residuals !== null
  // a narrow render has no room for a third column: the distribution is left to the wide one
  const withDistribution = withResiduals && !input.compact
  const columnRight = withDistribution
    ? OUTER_PADDING + (size.width - 2 * OUTER_PADDING) * LEFT_COLUMN_SHARE
    : withResiduals
      ? size.width - OUTER_PADDING - COLUMN_GAP
      : size.width - OUTER_PADDING
  const leftHeight = bottom - top - bottomMargin(true, true) - (withResiduals ? PANEL_GAP : 0)
  const mainHeight = withResiduals ? Math.round(leftHeight * (1 - RESIDUAL_HEIGHT_SHARE)) : leftHeight
  const residualHeight = leftHeight - mainHeight

  const mainDomain = mainYDomain(input, drawn)
  const mainTicks = yTickLabels(mainDomain, mainHeight)
  const residualDomain = withResiduals ? residualYDomain(input, drawn) : null
  const residualTicks = residualDomain ? yTickLabels(residualDomain, residualHeight) : null
  // Panels that share the time axis share the left edge, so the widest tick labels set it.
  const left = OUTER_PADDING + Math.max(leftMargin(mainTicks, true), residualTicks ? leftMargin(residualTicks, true) : 0)

  const mainRect: Rect = { x: left, y: top, width: columnRight - left, height: mainHeight }
  drawMainPanel(scene, input, drawn, mainRect, xDomain, mainDomain, mainTicks, !withResiduals)

  if (withResiduals && residualDomain && residualTicks) {
    const residualRect: Rect = { x: left, y: top + mainHeight + PANEL_GAP, width: columnRight - left, height: residualHeight }
    drawResidualPanel(scene, input, drawn, residualRect, xDomain, residualDomain, residualTicks)
  }
  if (withDistribution) {
    const distributionArea: Rect = {
      x: columnRight + COLUMN_GAP,
      y: top,
      width: size.width - OUTER_PADDING - columnRight - COLUMN_GAP,
      height: bottom - top,
    }
    drawDistributionPanel(scene, input, distributionArea)
  }
  return scene
}
