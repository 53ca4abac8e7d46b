/**
 * Charts to PNG. The web layer builds a `DiagnosticChartInput` / `PriceChartInput` from an
 * evaluation and asks a `ChartRenderer` (worker threads) for the bytes; the in-process functions
 * are for tests, scripts and one-off renders.
 */

export type {
  BaselineBand,
  ChartSize,
  ChartTransaction,
  DensityCurve,
  DiagnosticChartInput,
  EpochMs,
  GateThresholds,
  LabelledSeries,
  PriceChartInput,
  PriceQuote,
  TimelineChartInput,
  PriceSourceSeries,
  ResidualInput,
  TimeSeries,
  ValueUnit,
} from './types.ts'
export { type ChartRenderer, type ChartRendererOptions, DEFAULT_RENDER_TIMEOUT_MS, createChartRenderer } from './renderer.ts'
export { renderDiagnosticPng, renderDiagnosticSvg, renderPricesPng, renderPricesSvg, renderTimelinePng, renderTimelineSvg } from './render.ts'
export { DEFAULT_MAX_POINTS, downsampleForDrawing, lttbIndices } from './downsample.ts'
