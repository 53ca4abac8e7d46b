/**
 * A chart before rasterisation: a plot layer of SVG shapes (drawn first) and a text layer of
 * satori elements (drawn on top, so labels placed over data stay legible). Also the pieces every
 * chart shares: panels with frame, grid, ticks and axis labels, the header, the "no data" card.
 */

import { estimateTextWidth } from './measure.ts'
import { type Domain, linearScale, numericTicks, type Scale, timeTicks } from './scale.ts'
import { tickFormatter } from './format.ts'
import { rect, segments } from './svg.ts'
import { type SatoriElement, el, textAt, verticalText } from './text.ts'
import { COLORS, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE, TYPE } from './theme.ts'
import type { ChartSize } from './types.ts'

export interface Scene {
  readonly width: number
  readonly height: number
  readonly shapes: string[]
  readonly texts: SatoriElement[]
}

export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

export interface Panel {
  readonly rect: Rect
  readonly x: Scale
  readonly y: Scale
  readonly xDomain: Domain
  readonly yDomain: Domain
}

export function resolveSize(size: ChartSize | undefined): ChartSize {
  const clamp = (value: number | undefined, fallback: number, min: number, max: number): number =>
    value !== undefined && Number.isFinite(value) ? Math.round(Math.min(max, Math.max(min, value))) : fallback
  return {
    width: clamp(size?.width, DEFAULT_SIZE.width, MIN_SIZE.width, MAX_SIZE.width),
    height: clamp(size?.height, DEFAULT_SIZE.height, MIN_SIZE.height, MAX_SIZE.height),
  }
}

export function createScene(size: ChartSize): Scene {
  return { width: size.width, height: size.height, shapes: [rect(0, 0, size.width, size.height, COLORS.background)], texts: [] }
}

export const HEADER_HEIGHT = 62

/** `text`, cut with "…" when wider than `width` at `size` (a narrow render's long subtitle). */
function fitted(text: string, width: number, size: number): string {
  if (estimateTextWidth(text, size) <= width) return text
  let cut = text
  while (cut.length > 1 && estimateTextWidth(`${cut}…`, size) > width) cut = cut.slice(0, -1)
  return `${cut.trimEnd()}…`
}

/** The header's height at the current type sizes (a compact render has larger type). */
export function headerHeight(withSubtitle = true): number {
  return Math.ceil(12 + TYPE.title * 1.35 + (withSubtitle ? 4 + TYPE.subtitle * 1.35 : 0) + 8)
}
export const OUTER_PADDING = 16

/** Title, an optional gate badge beside it, and the subtitle underneath (satori lays out the row). */
export function drawHeader(scene: Scene, title: string, subtitle: string | undefined, badge?: { text: string; color: string }): void {
  subtitle = subtitle === undefined ? undefined : fitted(subtitle, scene.width - 2 * OUTER_PADDING, TYPE.subtitle)
  const titleRow = el('div', { display: 'flex', alignItems: 'center', gap: 12 }, [
    el('div', { display: 'flex', fontSize: TYPE.title, fontWeight: 700, color: COLORS.text, whiteSpace: 'nowrap' }, title),
    ...(badge
      ? [
          el(
            'div',
            {
              display: 'flex',
              fontSize: TYPE.legend,
              fontWeight: 700,
              color: '#ffffff',
              backgroundColor: badge.color,
              padding: '2px 9px',
              borderRadius: 10,
            },
            badge.text,
          ),
        ]
      : []),
  ])
  const children = [titleRow]
  if (subtitle)
    children.push(el('div', { display: 'flex', fontSize: TYPE.subtitle, color: COLORS.mutedText, marginTop: 4, whiteSpace: 'nowrap' }, subtitle))
  scene.texts.push(el('div', { position: 'absolute', left: OUTER_PADDING, top: 12, display: 'flex', flexDirection: 'column' }, children))
}

export interface AxisOptions {
  readonly xDomain: Domain
  readonly yDomain: Domain
  readonly xKind: 'time' | 'linear'
  /** false on a panel that shares its time axis with the panel below */
  readonly xTickLabels: boolean
  readonly xLabel?: string
  readonly yLabel?: string
  /** precomputed by `yTickLabels` when several panels must share a left margin */
  readonly yTicks?: YTickLabels
}

export interface YTickLabels {
  readonly values: readonly number[]
  readonly labels: readonly string[]
  /** the widest label's estimated width, px */
  readonly width: number
}

/** Pixels between horizontal grid lines we aim for, and the least we accept. */
const Y_TICK_SPACING = 60
const Y_TICK_MIN_SPACING = 30
/** Pixels a time or value label needs on the x axis so neighbours never touch. */
const X_TICK_SPACING = 80

export function yTickLabels(domain: Domain, panelHeight: number): YTickLabels {
  // d3's count is a hint (1-2-5 steps may give half as many again): ask for fewer until they fit.
  const most = Math.max(2, Math.floor(panelHeight / Y_TICK_MIN_SPACING))
  let count = Math.max(2, Math.round(panelHeight / Y_TICK_SPACING))
  let ticks = numericTicks(domain, count)
  while (ticks.values.length > most && count > 2) ticks = numericTicks(domain, --count)
  const format = tickFormatter(ticks.step)
  const labels = ticks.values.map(format)
  return { values: ticks.values, labels, width: Math.max(0, ...labels.map((l) => estimateTextWidth(l, TYPE.tick))) }
}

/** Room to the left of a panel for its tick labels and its rotated y label. */
export function leftMargin(ticks: YTickLabels, hasYLabel: boolean): number {
  return Math.ceil(ticks.width) + 10 + (hasYLabel ? 22 : 0)
}

/** Room under a panel for tick labels and an optional x label. */
export function bottomMargin(hasTickLabels: boolean, hasXLabel: boolean): number {
  return (hasTickLabels ? 20 : 0) + (hasXLabel ? 18 : 0)
}

/** Background, grid, frame, ticks and labels of one panel; returns its scales. */
export function drawPanel(scene: Scene, area: Rect, options: AxisOptions): Panel {
  const { x: left, y: top, width, height } = area
  const x = linearScale(options.xDomain, [left, left + width])
  const y = linearScale(options.yDomain, [top + height, top])
  const shapes = scene.shapes
  shapes.push(rect(left, top, width, height, COLORS.plotBackground))

  const grid: [number, number, number, number][] = []
  const tickMarks: [number, number, number, number][] = []
  const yTicks = options.yTicks ?? yTickLabels(options.yDomain, height)
  yTicks.values.forEach((value, i) => {
    const py = y(value)
    if (py < top - 0.5 || py > top + height + 0.5) return
    grid.push([left, py, left + width, py])
    scene.texts.push(textAt(yTicks.labels[i]!, left - 6, py, 'end', 'middle', { size: TYPE.tick }))
  })

  const maxXTicks = Math.max(2, Math.floor(width / X_TICK_SPACING))
  const xTicks =
    options.xKind === 'time'
      ? timeTicks(options.xDomain, maxXTicks)
      : (() => {
          const t = numericTicks(options.xDomain, maxXTicks)
          return { values: t.values, label: tickFormatter(t.step) }
        })()
  for (const value of xTicks.values) {
    const px = x(value)
    if (px < left - 0.5 || px > left + width + 0.5) continue
    grid.push([px, top, px, top + height])
    if (options.xTickLabels) {
      tickMarks.push([px, top + height, px, top + height + 4])
      scene.texts.push(textAt(xTicks.label(value), px, top + height + 5, 'middle', 'top', { size: TYPE.tick }))
    }
  }
  shapes.push(segments(grid, { color: COLORS.grid }), segments(tickMarks, { color: COLORS.frame }))

  shapes.push(rect(left, top, width, height, 'none', ` stroke="${COLORS.frame}" stroke-width="1"`))
  if (options.xLabel) {
    const labelTop = top + height + (options.xTickLabels ? 22 : 6)
    scene.texts.push(textAt(options.xLabel, left + width / 2, labelTop, 'middle', 'top', { size: TYPE.axisLabel, color: COLORS.mutedText }))
  }
  if (options.yLabel) {
    const cx = left - Math.ceil(yTicks.width) - 10 - 8
    scene.texts.push(verticalText(options.yLabel, cx, top + height / 2, Math.max(height, 160)))
  }
  return { rect: area, x, y, xDomain: options.xDomain, yDomain: options.yDomain }
}

/** A chart with nothing to plot still answers with an image that says why. */
export function noDataScene(size: ChartSize, title: string, subtitle: string | undefined, reason: string): Scene {
  const scene = createScene(size)
  drawHeader(scene, title, subtitle)
  const area = {
    x: OUTER_PADDING,
    y: HEADER_HEIGHT + 14,
    width: size.width - 2 * OUTER_PADDING,
    height: size.height - HEADER_HEIGHT - 14 - OUTER_PADDING,
  }
  scene.shapes.push(
    rect(area.x, area.y, area.width, area.height, '#f6f8fa', ` stroke="${COLORS.frame}" stroke-width="1" stroke-dasharray="6 4" rx="8"`),
  )
  const cx = area.x + area.width / 2
  const cy = area.y + area.height / 2
  scene.texts.push(textAt('No data', cx, cy - 4, 'middle', 'bottom', { size: 22, weight: 700, color: COLORS.mutedText }))
  scene.texts.push(textAt(reason, cx, cy + 4, 'middle', 'top', { size: TYPE.subtitle, color: COLORS.mutedText }))
  return scene
}
