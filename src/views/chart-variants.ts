/**
 * The renders of each chart: light or dark, wide (desktop) or narrow (phones, drawn at a smaller
 * size so its text stays legible when the image is scaled to a 390 px screen). `?theme=` and
 * `?size=` of a chart URL pick one; anything else is the light, wide render.
 */
export type ChartTheme = 'light' | 'dark'
export type ChartWidth = 'wide' | 'narrow'

export interface ChartSize {
  readonly width: number
  readonly height: number
}

export interface ChartVariant {
  readonly theme: ChartTheme
  readonly width: ChartWidth
}

export const CHART_SIZES: Record<'main' | 'prices' | 'timeline', Record<ChartWidth, ChartSize>> = {
  main: { wide: { width: 1200, height: 600 }, narrow: { width: 520, height: 460 } },
  prices: { wide: { width: 1200, height: 520 }, narrow: { width: 520, height: 480 } },
  timeline: { wide: { width: 1200, height: 440 }, narrow: { width: 520, height: 440 } },
}

export function parseVariant(theme: string | undefined, width: string | undefined): ChartVariant {
  return { theme: theme === 'dark' ? 'dark' : 'light', width: width === 'narrow' ? 'narrow' : 'wide' }
}
