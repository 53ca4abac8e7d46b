/**
 * One replay as a job a worker can run: plain values in (the configuration, how to open the
 * store, the span), plain values out (rows and summary). The store is opened for the job and
 * closed after it, so an idle worker holds no connection; the embedded store is opened shared,
 * beside the server that owns it (the way `--once` and `replay` read beside a running server).
 */
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import { type OpenStoreOptions, openStore } from '../store/index.ts'
import { onlyAssets, type ReplayRow, replay } from './replay.ts'
import { type AssetSummary, summarize } from './summary.ts'

export interface ReplayJob {
  readonly config: Config
  readonly store: OpenStoreOptions
  /** the assets to replay (each must be configured) */
  readonly assets: readonly string[]
  readonly from: EpochMs
  readonly to: EpochMs
  readonly everyMs: number
}

export interface ReplayJobResult {
  readonly instants: readonly EpochMs[]
  readonly rows: readonly ReplayRow[]
  readonly summary: readonly AssetSummary[]
  readonly durationMs: number
}

export async function runReplayJob(job: ReplayJob): Promise<ReplayJobResult> {
  const store = await openStore({ ...job.store, sharedEmbedded: true })
  try {
    const result = await replay(onlyAssets(job.config, job.assets), store.reader, { from: job.from, to: job.to, everyMs: job.everyMs })
    return { instants: result.instants, rows: result.rows, summary: summarize(result.rows), durationMs: result.durationMs }
  } finally {
    await store.close()
  }
}
