/**
 * SVG fragments for the plot layer, as strings. Coordinates are rounded to 0.1 px (finer is
 * invisible and only lengthens what resvg parses). Callers pass finite coordinates only; the
 * helpers drop anything else rather than emit "NaN" into the document.
 */

export interface StrokeStyle {
  readonly color: string
  readonly width?: number
  readonly dash?: string
  readonly opacity?: number
}

const round = (n: number): number => Math.round(n * 10) / 10

/**
 * Axis-aligned shapes (grid, frames, bars, threshold lines) look the same without anti-aliasing,
 * and resvg rasterises them much faster that way.
 */
export const CRISP = ' shape-rendering="crispEdges"'

function strokeAttributes(style: StrokeStyle): string {
  let attributes = ` stroke="${style.color}" stroke-width="${style.width ?? 1}"`
  if (style.dash) attributes += ` stroke-dasharray="${style.dash}"`
  if (style.opacity !== undefined && style.opacity < 1) attributes += ` stroke-opacity="${style.opacity}"`
  return attributes
}

/** "x,y x,y …" for the pairs whose coordinates are both finite. */
export function pointList(xs: readonly number[], ys: readonly number[]): string {
  const parts: string[] = []
  const n = Math.min(xs.length, ys.length)
  for (let i = 0; i < n; i++) {
    const x = xs[i]!
    const y = ys[i]!
    if (Number.isFinite(x) && Number.isFinite(y)) parts.push(`${round(x)},${round(y)}`)
  }
  return parts.join(' ')
}

export function polyline(xs: readonly number[], ys: readonly number[], style: StrokeStyle): string {
  const points = pointList(xs, ys)
  if (points === '') return ''
  // Bevel joins: round joins cost resvg a third more on a noisy 1,000-point line, and miter joins
  // spike at the sharp turns of noise.
  return `<polyline points="${points}" fill="none"${strokeAttributes(style)} stroke-linejoin="bevel"/>`
}

/** A closed area between an upper and a lower outline sharing the same x positions. */
export function area(xs: readonly number[], upper: readonly number[], lower: readonly number[], fill: string, opacity: number): string {
  const top = pointList(xs, upper)
  const bottom = pointList([...xs].reverse(), [...lower].reverse())
  if (top === '' || bottom === '') return ''
  return `<polygon points="${top} ${bottom}" fill="${fill}" fill-opacity="${opacity}"/>`
}

/** A pixel-grid position for a crisp line of this integer width: odd widths sit on pixel centres. */
function snap(position: number, width: number): number {
  return width % 2 === 1 ? Math.floor(position) + 0.5 : Math.round(position)
}

export function line(x1: number, y1: number, x2: number, y2: number, style: StrokeStyle): string {
  if (![x1, y1, x2, y2].every(Number.isFinite)) return ''
  if (x1 !== x2 && y1 !== y2) return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}"${strokeAttributes(style)}/>`
  // Horizontal or vertical: whole-pixel width on the pixel grid, or crisp edges would draw the
  // same 1.2 px line one or two pixels wide depending on where it falls.
  const width = Math.max(1, Math.round(style.width ?? 1))
  const crispStyle = { ...style, width }
  if (x1 === x2) x1 = x2 = snap(x1, width)
  else y1 = y2 = snap(y1, width)
  return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}"${strokeAttributes(crispStyle)}${CRISP}/>`
}

/**
 * Many straight segments with one style as a single path: resvg's cost is per shape more than per
 * segment, so 40 grid lines as one path render several times faster than 40 `<line>`s.
 */
export function segments(list: readonly (readonly [number, number, number, number])[], style: StrokeStyle): string {
  const d = list
    .filter((s) => s.every(Number.isFinite))
    .map(([x1, y1, x2, y2]) => {
      // grid lines are 1 px: put them on pixel centres (see `line`)
      if (x1 === x2) x1 = x2 = snap(x1, 1)
      if (y1 === y2) y1 = y2 = snap(y1, 1)
      return `M${round(x1)} ${round(y1)}L${round(x2)} ${round(y2)}`
    })
    .join('')
  return d === '' ? '' : `<path d="${d}" fill="none"${strokeAttributes(style)}${CRISP}/>`
}

/** Axis-aligned rectangles (histogram bars) filled as one path. */
export function rects(list: readonly { x: number; y: number; width: number; height: number }[], fill: string, opacity: number): string {
  const d = list
    .filter((r) => [r.x, r.y, r.width, r.height].every(Number.isFinite) && r.width > 0 && r.height > 0)
    .map((r) => `M${round(r.x)} ${round(r.y)}h${round(r.width)}v${round(r.height)}h${-round(r.width)}Z`)
    .join('')
  const alpha = opacity < 1 ? ` fill-opacity="${opacity}"` : ''
  return d === '' ? '' : `<path d="${d}" fill="${fill}"${alpha}${CRISP}/>`
}

export function rect(x: number, y: number, width: number, height: number, fill: string, extra = ''): string {
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return ''
  return `<rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}" fill="${fill}"${extra}${CRISP}/>`
}

export function circle(cx: number, cy: number, r: number, fill: string, stroke?: StrokeStyle): string {
  if (![cx, cy, r].every(Number.isFinite)) return ''
  return `<circle cx="${round(cx)}" cy="${round(cy)}" r="${r}" fill="${fill}"${stroke ? strokeAttributes(stroke) : ''}/>`
}

/** A filled polygon through the given corners (markers: triangles, diamonds). */
export function polygon(xs: readonly number[], ys: readonly number[], fill: string, stroke?: StrokeStyle): string {
  const points = pointList(xs, ys)
  if (points === '') return ''
  return `<polygon points="${points}" fill="${fill}"${stroke ? strokeAttributes(stroke) : ''}/>`
}
