/**
 * The text layer: satori elements (plain `{ type, props }` objects, no JSX runtime needed),
 * absolutely positioned on the canvas. Satori lays out and shapes the text with the embedded
 * Inter font and turns every glyph into a path, so the PNG looks the same on every machine.
 */

import { estimateTextWidth } from './measure.ts'
import { COLORS, FONT_FAMILY, FONT_FAMILY_GREEK, TYPE } from './theme.ts'

export interface SatoriElement {
  readonly type: string
  readonly props: { readonly style?: Record<string, unknown>; readonly children?: unknown; readonly [key: string]: unknown }
}

export type Anchor = 'start' | 'middle' | 'end'
export type Baseline = 'top' | 'middle' | 'bottom'

export interface TextStyle {
  readonly size?: number
  readonly weight?: 400 | 700
  readonly color?: string
  /** a pill behind the text, for labels drawn over data */
  readonly background?: string
}

/** Wide enough for any label we anchor; the text itself is never this long. */
const ANCHOR_BOX_WIDTH = 480
const LINE_HEIGHT = 1.3

export function el(type: string, style: Record<string, unknown>, children?: unknown): SatoriElement {
  return { type, props: children === undefined ? { style } : { style, children } }
}

function inner(content: string, style: TextStyle): SatoriElement {
  const size = style.size ?? TYPE.tick
  return el(
    'div',
    {
      display: 'flex',
      fontSize: size,
      fontWeight: style.weight ?? 400,
      color: style.color ?? COLORS.tickText,
      whiteSpace: 'nowrap',
      ...(style.background ? { backgroundColor: style.background, padding: '1px 5px', borderRadius: 4 } : {}),
    },
    content,
  )
}

/** Text whose anchor point (left/centre/right × top/middle/bottom) sits at (x, y). */
export function textAt(content: string, x: number, y: number, anchor: Anchor, baseline: Baseline, style: TextStyle = {}): SatoriElement {
  const size = style.size ?? TYPE.tick
  const height = Math.ceil(size * LINE_HEIGHT) + (style.background ? 2 : 0)
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - ANCHOR_BOX_WIDTH / 2 : x - ANCHOR_BOX_WIDTH
  const top = baseline === 'top' ? y : baseline === 'middle' ? y - height / 2 : y - height
  const justify = anchor === 'start' ? 'flex-start' : anchor === 'middle' ? 'center' : 'flex-end'
  const box = { position: 'absolute', left, top, width: ANCHOR_BOX_WIDTH, height, display: 'flex', alignItems: 'center', justifyContent: justify }
  // One element per plain label (satori's cost grows with the node count); a pill needs two.
  if (style.background) return el('div', box, inner(content, style))
  return el('div', { ...box, fontSize: size, fontWeight: style.weight ?? 400, color: style.color ?? COLORS.tickText, whiteSpace: 'nowrap' }, content)
}

/** Text rotated a quarter turn anticlockwise, centred on (cx, cy): a y-axis label. */
export function verticalText(content: string, cx: number, cy: number, length: number, style: TextStyle = {}): SatoriElement {
  const size = style.size ?? TYPE.axisLabel
  const height = Math.ceil(size * LINE_HEIGHT)
  return el(
    'div',
    {
      position: 'absolute',
      left: cx - length / 2,
      top: cy - height / 2,
      width: length,
      height,
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      transform: 'rotate(-90deg)',
    },
    inner(content, { color: COLORS.mutedText, ...style, size }),
  )
}

/**
 * Positions as close as possible to `desired`, at least `gap` apart and inside [lo, hi]: labels
 * of lines that lie close together stack instead of overprinting. Returned in input order.
 */
export function spreadPositions(desired: readonly number[], gap: number, lo: number, hi: number): number[] {
  const order = desired.map((_, i) => i).sort((a, b) => desired[a]! - desired[b]!)
  const placed = order.map((i) => desired[i]!)
  for (let k = 0; k < placed.length; k++) placed[k] = Math.max(placed[k]!, k === 0 ? lo : placed[k - 1]! + gap)
  for (let k = placed.length - 1; k >= 0; k--) placed[k] = Math.min(placed[k]!, k === placed.length - 1 ? hi : placed[k + 1]! - gap)
  const result = new Array<number>(desired.length)
  for (const [k, i] of order.entries()) result[i] = placed[k]!
  return result
}

export type Swatch =
  | { readonly kind: 'line'; readonly color: string; readonly dashed?: boolean; readonly width?: number }
  | { readonly kind: 'band'; readonly color: string; readonly opacity: number }
  | { readonly kind: 'dot'; readonly color: string }
  | { readonly kind: 'bar'; readonly color: string }

export interface LegendItem {
  readonly label: string
  readonly swatch: Swatch
}

function swatchElement(swatch: Swatch): SatoriElement {
  switch (swatch.kind) {
    // Filled boxes rather than borders: satori draws borders through clip paths, and every clip
    // path costs resvg an extra mask.
    case 'line': {
      const thickness = swatch.width ?? 2
      if (!swatch.dashed) return el('div', { width: 22, height: thickness, backgroundColor: swatch.color })
      const dash = el('div', { width: 6, height: thickness, backgroundColor: swatch.color })
      return el('div', { display: 'flex', width: 22, justifyContent: 'space-between' }, [dash, dash, dash])
    }
    case 'band':
      return el('div', { width: 22, height: 11, backgroundColor: swatch.color, opacity: swatch.opacity, borderRadius: 2 })
    case 'dot':
      return el('div', { width: 9, height: 9, borderRadius: 5, backgroundColor: swatch.color, margin: '0 6px' })
    case 'bar':
      return el('div', { width: 14, height: 11, backgroundColor: swatch.color, margin: '0 4px' })
  }
}

/** A wrapping row of legend entries whose top-right corner is at (right, top). */
export function legend(items: readonly LegendItem[], right: number, top: number, maxWidth: number): SatoriElement {
  return el(
    'div',
    {
      position: 'absolute',
      left: right - maxWidth,
      top,
      width: maxWidth,
      display: 'flex',
      flexWrap: 'wrap',
      justifyContent: 'flex-end',
      columnGap: 14,
      rowGap: 4,
    },
    items.map((item) =>
      el('div', { display: 'flex', alignItems: 'center', gap: 5 }, [
        swatchElement(item.swatch),
        inner(item.label, { size: TYPE.legend, color: COLORS.text }),
      ]),
    ),
  )
}

const LEGEND_SWATCH_WIDTH = 22 + 5
const LEGEND_COLUMN_GAP = 14
const LEGEND_ROW_GAP = 4

/** How many rows `legendRow` wraps `items` into within `width`. */
function legendRows(items: readonly LegendItem[], width: number): number {
  let rows = items.length > 0 ? 1 : 0
  let used = 0
  for (const item of items) {
    const w = LEGEND_SWATCH_WIDTH + estimateTextWidth(item.label, TYPE.legend)
    if (used > 0 && used + LEGEND_COLUMN_GAP + w > width) {
      rows++
      used = w
    } else used += (used > 0 ? LEGEND_COLUMN_GAP : 0) + w
  }
  return rows
}

/**
 * A legend in its own band under the header, left-aligned and wrapped to `width`, with the height
 * it takes: the plot starts below it, so no entry can overlap a label or the data.
 */
export function legendRow(items: readonly LegendItem[], left: number, top: number, width: number): { element: SatoriElement; height: number } {
  const rows = legendRows(items, width)
  const rowHeight = Math.ceil(TYPE.legend * 1.3)
  const height = rows === 0 ? 0 : rows * rowHeight + (rows - 1) * LEGEND_ROW_GAP
  const element = el(
    'div',
    { position: 'absolute', left, top, width, display: 'flex', flexWrap: 'wrap', columnGap: LEGEND_COLUMN_GAP, rowGap: LEGEND_ROW_GAP },
    items.map((item) =>
      el('div', { display: 'flex', alignItems: 'center', gap: 5 }, [
        swatchElement(item.swatch),
        inner(item.label, { size: TYPE.legend, color: COLORS.text }),
      ]),
    ),
  )
  return { element, height }
}

/** The canvas-sized, transparent root holding every text element. */
export function textLayer(width: number, height: number, children: readonly SatoriElement[]): SatoriElement {
  return el('div', { position: 'relative', display: 'flex', width, height, fontFamily: `${FONT_FAMILY}, ${FONT_FAMILY_GREEK}` }, children)
}
