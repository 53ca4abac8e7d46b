/**
 * Chart PNGs, rendered once per evaluation, asset and chart (in the renderer's worker, off the
 * event loop) and kept until the next evaluation replaces them. Concurrent requests for the same
 * chart share one render. The ETag names the evaluation, so a browser revalidates cheaply.
 */
import type { ChartRenderer } from '../charts/index.ts'
import type { Config } from '../config/resolve.ts'
import type { AssetEvaluation } from '../evaluation/result.ts'
import type { LatestEvaluation, SnapshotKey } from '../evaluation/latest.ts'
import { diagnosticChartInput, priceChartInput } from './chart-inputs.ts'
import { CHART_SIZES, type ChartVariant } from './chart-variants.ts'
import type { ChartViewName } from './definitions.ts'
import { PerEvaluation } from './per-evaluation.ts'

export type ChartName = ChartViewName | 'prices'

export const DEFAULT_VARIANT: ChartVariant = { theme: 'light', width: 'wide' }

export interface RenderedChart {
  readonly png: Uint8Array
  readonly etag: string
}

/** The ETag of one render: the evaluation, asset, chart and variant it was drawn for. */
export function chartEtag(snapshot: SnapshotKey, asset: string, chart: string, variant: ChartVariant): string {
  // Asset names are [a-z0-9_-] by the schema; encoded anyway so no name can break the header.
  return `"${snapshot.sequence}-${encodeURIComponent(asset)}-${chart}-${variant.theme}-${variant.width}"`
}

export class ChartCache {
  #renders: PerEvaluation<Uint8Array>

  constructor(
    private readonly renderer: ChartRenderer,
    private readonly config: Config,
    latest: LatestEvaluation,
  ) {
    this.#renders = new PerEvaluation(latest)
  }

  etag(snapshot: SnapshotKey, asset: string, chart: ChartName, variant: ChartVariant = DEFAULT_VARIANT): string {
    return chartEtag(snapshot, asset, chart, variant)
  }

  /** `at`: the evaluation instant (relative plot ranges end there). */
  private render(entry: AssetEvaluation, chart: ChartName, at: number, variant: ChartVariant): Promise<Uint8Array> {
    const look = {
      theme: variant.theme,
      size: CHART_SIZES[chart === 'prices' ? 'prices' : 'main'][variant.width],
      compact: variant.width === 'narrow',
    }
    return chart === 'prices'
      ? this.renderer.renderPrices({ ...priceChartInput(this.config, entry, at), ...look })
      : this.renderer.renderDiagnostic({ ...diagnosticChartInput(this.config, entry, chart, at), ...look })
  }

  get(snapshot: SnapshotKey, entry: AssetEvaluation, chart: ChartName, variant: ChartVariant = DEFAULT_VARIANT): Promise<RenderedChart> {
    const key = `${entry.asset}|${chart}|${variant.theme}|${variant.width}`
    const png = this.#renders.get(snapshot.sequence, key, () => this.render(entry, chart, snapshot.result.at, variant))
    return png.then((bytes) => ({ png: bytes, etag: this.etag(snapshot, entry.asset, chart, variant) }))
  }
}
