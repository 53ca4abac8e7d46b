/**
 * Colours, type sizes and default dimensions, in one place. Series colours follow the
 * predecessor's matplotlib charts so users of both recognise the same lines.
 */

export const COLORS = {
  background: '#ffffff',
  plotBackground: '#ffffff',
  frame: '#c9d1d9',
  grid: '#eef1f4',
  zero: '#57606a',
  text: '#1f2328',
  mutedText: '#57606a',
  tickText: '#424a53',

  series: '#2E86AB',
  residual: '#346083',
  fit: '#C0392B',
  trend: '#8E44AD',
  band: '#8c959f',
  lastPoint: '#D35400',
  deposit: '#1E8449',
  withdrawal: '#C0392B',
  threshold: '#C0392B',
  kSigma: '#6e7781',
  histogram: '#3498DB',
  /** #3498DB at 60 % over white, opaque: resvg fills opaque paths several ms faster */
  histogramFill: '#85C1E9',
  kde: '#1B4F72',
  reference: '#24292f',

  triggered: '#C0392B',
  notTriggered: '#1E8449',
} as const

/** Distinct, colour-blind-friendly enough line colours for price sources, in priority order. */
export const SOURCE_PALETTE = ['#2E86AB', '#E67E22', '#8E44AD', '#27AE60', '#C0392B', '#16A085', '#7F8C8D'] as const

/** Opacity of one baseline band; nested bands add up, so the inner band reads darker. */
export const BAND_OPACITY = 0.16

export const FONT_FAMILY = 'Inter'
/** Inter's Latin subset lacks σ; satori falls back to this family glyph by glyph. */
export const FONT_FAMILY_GREEK = 'Inter Greek'

export const TYPE = {
  title: 18,
  subtitle: 13,
  legend: 12,
  tick: 11,
  axisLabel: 12,
  panelTitle: 12,
  annotation: 11,
} as const

export const DEFAULT_SIZE = { width: 1200, height: 600 } as const
/** Below this the panels have no room for their tick labels. */
export const MIN_SIZE = { width: 480, height: 320 } as const
/** Above this a render would take seconds and hundreds of MB; nobody needs a bigger chart. */
export const MAX_SIZE = { width: 4000, height: 3000 } as const
