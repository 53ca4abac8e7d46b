/**
 * Runs one task now, then every interval, never two at once (PRODUCT §3 "process"): the next run
 * is due one interval after the previous one STARTED, and when a run overruns its slot the next
 * starts as soon as it finishes — a slow evaluation delays the next, it never overlaps it.
 * `stop()` cancels what is scheduled and waits, for a bounded time, for the run in progress.
 */
import { describeError } from './errors.ts'
import { log } from './log.ts'

export interface SchedulerOptions {
  intervalMs: number
  /** the work; the signal aborts when the scheduler stops */
  task: (signal: AbortSignal) => Promise<void>
  name?: string
}

export interface Scheduler {
  start(): void
  /** Stops scheduling; resolves when the running task finished or `graceMs` passed. */
  stop(graceMs: number): Promise<'idle' | 'finished' | 'abandoned'>
  readonly isRunning: boolean
  /** resolves after the next run completes (tests and --once use it) */
  nextRun(): Promise<void>
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const name = options.name ?? 'scheduler'
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | null = null
  let current: Promise<void> | null = null
  let stopped = false
  let waiters: (() => void)[] = []

  const runOnce = async () => {
    const startedAt = Date.now()
    try {
      await options.task(controller.signal)
    } catch (error) {
      log.error(`${name} run failed`, { error: describeError(error) })
    } finally {
      current = null
      const done = waiters
      waiters = []
      for (const resolve of done) resolve()
    }
    if (!stopped) {
      const delay = Math.max(0, startedAt + options.intervalMs - Date.now())
      timer = setTimeout(tick, delay)
    }
  }

  const tick = () => {
    timer = null
    if (stopped || current) return
    current = runOnce()
  }

  return {
    start() {
      if (stopped || current || timer) return
      tick()
    },
    async stop(graceMs) {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      const running = current
      if (!running) return 'idle'
      controller.abort()
      let timeout: ReturnType<typeof setTimeout> | undefined
      const outcome = await Promise.race([
        running.then(() => 'finished' as const),
        new Promise<'abandoned'>((resolve) => {
          timeout = setTimeout(() => resolve('abandoned'), graceMs)
        }),
      ])
      clearTimeout(timeout)
      return outcome
    },
    get isRunning() {
      return current !== null
    },
    nextRun() {
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}
