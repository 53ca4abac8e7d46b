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
import type { ViewName } from './definitions.ts'

export type ChartName = ViewName | 'prices'

const DEFAULT_VARIANT: ChartVariant = { theme: 'light', width: 'wide' }

export interface RenderedChart {
  readonly png: Uint8Array
  readonly etag: string
}

export class ChartCache {
  #renders = new Map<string, Promise<Uint8Array>>()
  #sequence = 0

  constructor(
    private readonly renderer: ChartRenderer,
    private readonly config: Config,
    latest: LatestEvaluation,
  ) {
    latest.subscribe((snapshot) => this.#forgetBefore(snapshot.sequence))
  }

  #forgetBefore(sequence: number): void {
    this.#sequence = sequence
    for (const key of this.#renders.keys()) if (!key.startsWith(`${sequence}|`)) this.#renders.delete(key)
  }

  etag(snapshot: SnapshotKey, asset: string, chart: ChartName, variant: ChartVariant = DEFAULT_VARIANT): string {
    // Asset names are [a-z0-9_-] by the schema; encoded anyway so no name can break the header.
    return `"${snapshot.sequence}-${encodeURIComponent(asset)}-${chart}-${variant.theme}-${variant.width}"`
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
    if (snapshot.sequence > this.#sequence) this.#forgetBefore(snapshot.sequence)
    const key = `${snapshot.sequence}|${entry.asset}|${chart}|${variant.theme}|${variant.width}`
    let pending = this.#renders.get(key)
    if (!pending) {
      pending = this.render(entry, chart, snapshot.result.at, variant)
      this.#renders.set(key, pending)
      pending.catch(() => this.#renders.delete(key))
    }
    return pending.then((png) => ({ png, etag: this.etag(snapshot, entry.asset, chart, variant) }))
  }
}
