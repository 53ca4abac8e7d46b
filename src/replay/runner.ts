/**
 * Replays run by the server (the dashboard's Replay view) happen in a worker thread: a replay of
 * two weeks is a few hundred evaluations, seconds of CPU that on the event loop would hold
 * `/metrics` and every page. One worker, one replay at a time (the next waits its turn), a
 * deadline per replay, and the worker stops when idle so it costs no memory between evaluations.
 */
import { createWorkerPool } from '../worker-pool.ts'
import { workerScriptUrl } from '../worker-url.ts'
import type { ReplayJob, ReplayJobResult } from './job.ts'

export interface ReplayRunner {
  run(job: ReplayJob): Promise<ReplayJobResult>
  close(): Promise<void>
}

export interface ReplayRunnerOptions {
  /** from the call to its result, waiting included; default 120 s */
  readonly timeoutMs?: number
  /** stop the worker idle this long; default 60 s */
  readonly idleMs?: number
  readonly workerUrl?: string | URL
}

export function createReplayRunner(options: ReplayRunnerOptions = {}): ReplayRunner {
  const pool = createWorkerPool<ReplayJob, ReplayJobResult>({
    url: options.workerUrl ?? workerScriptUrl(import.meta.url, './worker.ts', 'replay/worker.js'),
    names: { job: 'replay', worker: 'replay worker', pool: 'replay runner', component: 'replay' },
    timeoutMs: options.timeoutMs ?? 120_000,
    idleMs: options.idleMs ?? 60_000,
  })
  return { run: (job) => pool.run(job), close: () => pool.close() }
}
