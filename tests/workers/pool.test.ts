/**
 * The worker pool on real threads (the chart renderer's own tests cover crashes and queued
 * deadlines through it): answers, a job's failure with the worker's message, a hung job at its
 * deadline, and an idle worker stopped, then started again by the next job.
 */
import { afterEach, describe, expect, it } from 'bun:test'
import { isAppError } from '../../src/errors.ts'
import { createWorkerPool, type WorkerPool } from '../../src/worker-pool.ts'

const ECHO = new URL('./echo-worker.ts', import.meta.url)
const NAMES = { job: 'echo', worker: 'echo worker', pool: 'echo pool', component: 'test' }
let pool: WorkerPool<{ text: string }, string> | null = null
afterEach(async () => {
  await pool?.close()
  pool = null
})

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

/** Polls `condition` every 20 ms until it holds or `ms` pass; returns whether it held. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(20)) if (condition()) return true
  return condition()
}

describe('createWorkerPool', () => {
  it('answers in a worker and reports a failed job with the worker message', async () => {
    pool = createWorkerPool({ url: ECHO, names: NAMES, timeoutMs: 20_000 })
    expect(await pool.run({ text: 'abc' })).toBe('ABC')
    const error = await rejection(pool.run({ text: 'fail' }))
    expect(isAppError(error, 'internal')).toBe(true)
    expect(error.message).toBe('echo failed: asked to fail')
    expect(await pool.run({ text: 'again' })).toBe('AGAIN')
  }, 30_000)

  it('stops a worker idle for idleMs and starts a fresh one for the next job', async () => {
    pool = createWorkerPool({ url: ECHO, names: NAMES, timeoutMs: 20_000, idleMs: 100 })
    expect(pool.running()).toBe(0)
    expect(await pool.run({ text: 'one' })).toBe('ONE')
    expect(await eventually(() => pool!.running() === 0, 10_000)).toBe(true)
    expect(await pool.run({ text: 'two' })).toBe('TWO')
    expect(pool.running()).toBe(1)
  }, 30_000)

  it('never stops a busy worker for idleness, and fails a hung job at its deadline', async () => {
    pool = createWorkerPool({ url: ECHO, names: NAMES, timeoutMs: 1500, idleMs: 50 })
    expect(await pool.run({ text: 'slow' })).toBe('SLOW')
    const error = await rejection(pool.run({ text: 'hang' }))
    expect(error.message).toBe('echo timed out after 1500 ms')
    expect(await pool.run({ text: 'after' })).toBe('AFTER')
  }, 30_000)
})
