/**
 * Colours, type sizes and default dimensions, in one place. Series colours follow the
 * predecessor's matplotlib charts so users of both recognise the same lines.
 */

const LIGHT = {
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
  fit: '#7D3C98',
  trend: '#6E7781',
  band: '#8c959f',
  lastPoint: '#D35400',
  deposit: '#1E8449',
  withdrawal: '#C0392B',
  threshold: '#B9770E',
  kSigma: '#6e7781',
  histogram: '#3498DB',
  /** #3498DB at 60 % over white, opaque: resvg fills opaque paths several ms faster */
  histogramFill: '#85C1E9',
  kde: '#1B4F72',
  reference: '#24292f',

  triggered: '#C0392B',
  notTriggered: '#1E8449',
  /** the halo around dots and labels drawn over data */
  halo: '#ffffff',
  haloText: 'rgba(255,255,255,0.85)',
  t0: '#24292f',
}

type Palette = { [K in keyof typeof LIGHT]: string }

/** Dark variant: same roles, colours lightened to keep 4.5:1 against the dark background. */
const DARK: Palette = {
  background: '#0d1117',
  plotBackground: '#0d1117',
  frame: '#3d444d',
  grid: '#21262d',
  zero: '#9198a1',
  text: '#e6edf3',
  mutedText: '#9198a1',
  tickText: '#c9d1d9',
  series: '#58a6ff',
  residual: '#79c0ff',
  fit: '#d2a8ff',
  trend: '#bc8cff',
  band: '#8b949e',
  lastPoint: '#ffa657',
  deposit: '#3fb950',
  withdrawal: '#ff7b72',
  threshold: '#f0883e',
  kSigma: '#8b949e',
  histogram: '#388bfd',
  histogramFill: '#1f4b80',
  kde: '#a5d6ff',
  reference: '#c9d1d9',
  triggered: '#ff7b72',
  notTriggered: '#3fb950',
  halo: '#0d1117',
  haloText: 'rgba(13,17,23,0.85)',
  t0: '#e6edf3',
}

/**
 * The palette of the chart being drawn. Scenes are built synchronously, one at a time per thread
 * (worker or caller), so `useLook` before building a scene selects its colours and type sizes
 * without threading them through every drawing function.
 */
export let COLORS: Palette = { ...LIGHT }

/** Distinct, colour-blind-friendly enough line colours for price sources, in priority order. */
export const SOURCE_PALETTE = ['#2E86AB', '#E67E22', '#8E44AD', '#27AE60', '#C0392B', '#16A085', '#7F8C8D'] as const

/** Opacity of one baseline band; nested bands add up, so the inner band reads darker. */
export const BAND_OPACITY = 0.16

export const FONT_FAMILY = 'Inter'
/** Inter's Latin subset lacks σ; satori falls back to this family glyph by glyph. */
export const FONT_FAMILY_GREEK = 'Inter Greek'

const BASE_TYPE = {
  title: 18,
  subtitle: 13,
  legend: 12,
  tick: 11,
  axisLabel: 12,
  panelTitle: 12,
  annotation: 11,
}

export let TYPE: Readonly<typeof BASE_TYPE> = BASE_TYPE
/** A compact (narrow) render is shown at ~70 % on a phone: its type is this much larger. */
const COMPACT_TYPE_SCALE = 1.4

export function useLook(look: { theme?: 'light' | 'dark'; compact?: boolean }): void {
  COLORS = look.theme === 'dark' ? DARK : LIGHT
  const scale = look.compact ? COMPACT_TYPE_SCALE : 1
  TYPE = Object.fromEntries(Object.entries(BASE_TYPE).map(([key, size]) => [key, Math.round(size * scale)])) as typeof BASE_TYPE
}

export const DEFAULT_SIZE = { width: 1200, height: 600 } as const
/** Below this the panels have no room for their tick labels. */
export const MIN_SIZE = { width: 480, height: 320 } as const
/** Above this a render would take seconds and hundreds of MB; nobody needs a bigger chart. */
export const MAX_SIZE = { width: 4000, height: 3000 } as const
