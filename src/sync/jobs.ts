/**
 * Sync as a job: `start` returns at once with the job's id, the sync runs in the background and
 * its state is read by id (the HTTP status route, the dashboard's poll). A sync takes minutes
 * when Liqwid is slow; answering the POST only at the end lost the answer to the server's idle
 * timeout. One job runs at a time: starting another is a `conflict` naming the running one.
 */
import { AppError, describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { SyncProgress, SyncReport } from './sync.ts'

export type SyncJobState = 'running' | 'done' | 'failed'

/** The status route's answer (snake_case, like the report). */
export interface SyncJobView {
  job_id: string
  state: SyncJobState
  started_at: string
  finished_at: string | null
  progress: SyncProgress
  /** the sync report once done */
  report: SyncReport | null
  /** why the job failed (state failed) */
  error: string | null
}

/** Finished jobs kept for their status route; older ones are forgotten. */
const KEPT_JOBS = 20

export type SyncJobRun = (onProgress: (progress: SyncProgress) => void) => Promise<SyncReport>

export class SyncJobs {
  readonly #jobs = new Map<string, SyncJobView>()
  #running: SyncJobView | null = null
  #finished: Promise<void> = Promise.resolve()

  constructor(private readonly now: () => number = Date.now) {}

  get running(): SyncJobView | null {
    return this.#running
  }

  start(run: SyncJobRun): SyncJobView {
    if (this.#running) {
      throw new AppError('conflict', `a transaction sync is already running (job ${this.#running.job_id})`, {
        details: { job_id: this.#running.job_id },
      })
    }
    const job: SyncJobView = {
      job_id: crypto.randomUUID(),
      state: 'running',
      started_at: new Date(this.now()).toISOString(),
      finished_at: null,
      progress: { wallets_done: 0, wallets_total: 0, current_wallet: null },
      report: null,
      error: null,
    }
    this.#running = job
    this.#jobs.set(job.job_id, job)
    this.#forgetOld()
    const finish = (state: SyncJobState) => {
      job.state = state
      job.finished_at = new Date(this.now()).toISOString()
      if (this.#running === job) this.#running = null
    }
    // Started on the next tick, so the caller holds the id before any progress is reported.
    const { promise, resolve } = Promise.withResolvers<void>()
    this.#finished = promise
    queueMicrotask(() => {
      run((progress) => {
        job.progress = { ...progress }
      })
        .then(
          (report) => {
            job.report = report
            finish('done')
          },
          (error: unknown) => {
            job.error = describeError(error)
            finish('failed')
            log.warn('transaction sync job failed', { job_id: job.job_id, error: job.error })
          },
        )
        .finally(resolve)
    })
    return job
  }

  /** Resolves when no job runs (shutdown waits for a cancelled one to write its last rows). */
  idle(): Promise<void> {
    return this.#finished
  }

  get(id: string): SyncJobView | null {
    return this.#jobs.get(id) ?? null
  }

  /** Resolves once the job is no longer running (the CLI and tests). */
  async settled(id: string, pollMs = 50): Promise<SyncJobView | null> {
    for (;;) {
      const job = this.get(id)
      if (job === null || job.state !== 'running') return job
      await Bun.sleep(pollMs)
    }
  }

  #forgetOld(): void {
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= KEPT_JOBS) break
      if (job.state !== 'running') this.#jobs.delete(id)
    }
  }
}
