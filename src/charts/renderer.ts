/**
 * Charts rendered off the main thread. A render is ~80 ms of pure CPU (layout, text shaping,
 * rasterising, deflate); on the event loop it would hold `/metrics` for as long. Here a worker
 * pool (src/worker-pool.ts: deadlines, crash replacement, idle stop) renders while the main thread
 * only clones inputs and receives PNG bytes.
 *
 * Compiled binaries: list the worker as an additional entrypoint,
 *   bun build --compile src/main.ts src/charts/worker.ts --outfile dist/alert-orchestrator
 * Bun then embeds it at /$bunfs/root/charts/worker.js (paths relative to the entrypoints' common
 * directory), which `defaultWorkerUrl` finds.
 */

import { createWorkerPool } from '../worker-pool.ts'
import { workerScriptUrl } from '../worker-url.ts'
import type { RenderRequest } from './protocol.ts'
import type { DiagnosticChartInput, PriceChartInput, TimelineChartInput } from './types.ts'

export interface ChartRenderer {
  renderDiagnostic(input: DiagnosticChartInput): Promise<Uint8Array>
  renderPrices(input: PriceChartInput): Promise<Uint8Array>
  /** the replay's decision timeline (views/replay-view.ts) */
  renderTimeline(input: TimelineChartInput): Promise<Uint8Array>
  /** Rejects pending renders, stops the workers. */
  close(): Promise<void>
}

export interface ChartRendererOptions {
  /** threads rendering in parallel; default 1 */
  readonly workers?: number
  /** from the call to its PNG, queueing included; default 10 s (a warm render takes ~0.1 s, a cold worker ~1 s) */
  readonly timeoutMs?: number
  /** the worker script; default: worker.ts beside this module, or its embedded copy in a compiled binary */
  readonly workerUrl?: string | URL
  /**
   * stop a worker idle this long (its wasm, fonts and heap are ~45 MB); the next chart starts a
   * fresh one (~1 s). Default: kept.
   */
  readonly idleMs?: number | null
}

export const DEFAULT_RENDER_TIMEOUT_MS = 10_000

/** Where the worker script is: beside this file, or embedded in a compiled binary. */
export function defaultWorkerUrl(): URL {
  return workerScriptUrl(import.meta.url, './worker.ts', 'charts/worker.js')
}

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const pool = createWorkerPool<RenderRequest, Uint8Array>({
    url: options.workerUrl ?? defaultWorkerUrl(),
    names: { job: 'chart render', worker: 'chart worker', pool: 'chart renderer', component: 'charts' },
    workers: options.workers,
    timeoutMs: options.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS,
    idleMs: options.idleMs,
    // fonts and wasm load before the first chart is asked for
    warm: true,
  })
  return {
    renderDiagnostic: (input) => pool.run({ kind: 'diagnostic', input }),
    renderPrices: (input) => pool.run({ kind: 'prices', input }),
    renderTimeline: (input) => pool.run({ kind: 'timeline', input }),
    close: () => pool.close(),
  }
}
