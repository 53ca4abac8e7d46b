/**
 * The dashboard's Replay view: per asset, the rule replayed over the last `days` (every
 * `every_minutes`, ending at the evaluation shown), computed in the replay worker (replay/runner.ts)
 * and drawn as a timeline PNG in the chart worker. Both are kept per evaluation: a new evaluation
 * replaces them, any number of viewers in between share one replay and one render per variant.
 */
import type { ChartRenderer } from '../charts/index.ts'
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import type { LatestEvaluation, SnapshotKey } from '../evaluation/latest.ts'
import type { ReplayRunner } from '../replay/runner.ts'
import type { ReplayRow } from '../replay/replay.ts'
import type { AssetSummary } from '../replay/summary.ts'
import type { OpenStoreOptions } from '../store/index.ts'
import { chartEtag, DEFAULT_VARIANT, type RenderedChart } from './chart-cache.ts'
import { CHART_SIZES, type ChartVariant } from './chart-variants.ts'
import { PerEvaluation } from './per-evaluation.ts'

/** One asset's replay as the view shows it. */
export interface AssetReplay {
  readonly asset: string
  readonly from: EpochMs
  readonly to: EpochMs
  readonly everyMs: number
  readonly rows: readonly ReplayRow[]
  readonly summary: AssetSummary
  readonly durationMs: number
}

export interface ReplayViewDeps {
  readonly config: Config
  readonly latest: LatestEvaluation
  readonly runner: ReplayRunner
  readonly charts: ChartRenderer
  /** how the worker opens the store (the service's own options) */
  readonly store: OpenStoreOptions
}

const HOUR = 3_600_000

export function describeEvery(everyMs: number): string {
  return everyMs % HOUR === 0 ? `${everyMs / HOUR} h` : `${Math.round(everyMs / 60_000)} min`
}

export class ReplayViews {
  readonly #replays: PerEvaluation<AssetReplay>
  readonly #pngs: PerEvaluation<Uint8Array>

  constructor(private readonly deps: ReplayViewDeps) {
    this.#replays = new PerEvaluation(deps.latest)
    this.#pngs = new PerEvaluation(deps.latest)
  }

  /** The span a replay for the evaluation at `at` covers. */
  span(at: EpochMs): { from: EpochMs; to: EpochMs; everyMs: number } {
    const { days, every_minutes } = this.deps.config.visualization.dashboard.replay
    return { from: at - days * 86_400_000, to: at, everyMs: every_minutes * 60_000 }
  }

  replay(snapshot: SnapshotKey, asset: string): Promise<AssetReplay> {
    return this.#replays.get(snapshot.sequence, asset, async () => {
      const span = this.span(snapshot.result.at)
      const result = await this.deps.runner.run({ config: this.deps.config, store: this.deps.store, assets: [asset], ...span })
      const summary = result.summary.find((entry) => entry.asset === asset)
      if (summary === undefined) throw new Error(`the replay of ${asset} returned no row`)
      return { asset, ...span, rows: result.rows, summary, durationMs: result.durationMs }
    })
  }

  etag(snapshot: SnapshotKey, asset: string, variant: ChartVariant = DEFAULT_VARIANT): string {
    return chartEtag(snapshot, asset, 'replay', variant)
  }

  async png(snapshot: SnapshotKey, asset: string, variant: ChartVariant = DEFAULT_VARIANT): Promise<RenderedChart> {
    const png = await this.#pngs.get(snapshot.sequence, `${asset}|${variant.theme}|${variant.width}`, async () => {
      const replayed = await this.replay(snapshot, asset)
      return this.deps.charts.renderTimeline({
        ...timelineInput(replayed),
        theme: variant.theme,
        size: CHART_SIZES.timeline[variant.width],
        compact: variant.width === 'narrow',
      })
    })
    return { png, etag: this.etag(snapshot, asset, variant) }
  }
}

export function timelineInput(replayed: AssetReplay) {
  const { rows, summary } = replayed
  const days = Math.round((replayed.to - replayed.from) / 86_400_000)
  const percent = (share: number) => `${Math.round(share * 100)} %`
  return {
    title: `${replayed.asset.toUpperCase()}: the rule over the last ${days} days`,
    subtitle: `${rows.length} instants, one every ${describeEvery(replayed.everyMs)}; Withdraw OK ${percent(summary.share.withdrawOk)}, Hold ${percent(summary.share.hold)}${summary.share.error > 0 ? `, Error ${percent(summary.share.error)}` : ''}; prices from the store`,
    ts: rows.map((row) => row.at),
    decisions: rows.map((row) => row.decision),
    withdrawableUsd: rows.map((row) => row.withdrawableUsd),
    gainUsd: rows.map((row) => row.gUsd),
  }
}
