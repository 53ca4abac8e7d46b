import { describe, expect, it } from 'bun:test'
import { createScheduler } from './scheduler.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('scheduler', () => {
  it('runs the task immediately, then every interval', async () => {
    const starts: number[] = []
    const scheduler = createScheduler({ intervalMs: 40, task: async () => void starts.push(Date.now()) })
    scheduler.start()
    expect(starts).toHaveLength(1) // the first run starts synchronously, without waiting an interval
    await sleep(150)
    await scheduler.stop(100)
    expect(starts.length).toBeGreaterThanOrEqual(3)
  })

  it('never runs two tasks at once when a run overruns its interval', async () => {
    let active = 0
    let maxActive = 0
    let runs = 0
    const scheduler = createScheduler({
      intervalMs: 5,
      task: async () => {
        active++
        maxActive = Math.max(maxActive, active)
        await sleep(30)
        active--
        runs++
      },
    })
    scheduler.start()
    scheduler.start() // a second start is ignored
    await sleep(140)
    await scheduler.stop(200)
    expect(maxActive).toBe(1)
    expect(runs).toBeGreaterThanOrEqual(3)
  })

  it('keeps scheduling after a failed run', async () => {
    let runs = 0
    const scheduler = createScheduler({
      intervalMs: 10,
      task: async () => {
        runs++
        throw new Error('database down')
      },
    })
    scheduler.start()
    await sleep(60)
    await scheduler.stop(50)
    expect(runs).toBeGreaterThanOrEqual(3)
  })

  it('lets the running task finish on stop and aborts its signal', async () => {
    let aborted = false
    let finished = false
    const scheduler = createScheduler({
      intervalMs: 1000,
      task: async (signal) => {
        await sleep(50)
        aborted = signal.aborted
        finished = true
      },
    })
    scheduler.start()
    await sleep(10)
    expect(scheduler.isRunning).toBe(true)
    expect(await scheduler.stop(1000)).toBe('finished')
    expect(finished).toBe(true)
    expect(aborted).toBe(true)
  })

  it('gives up waiting after the grace period', async () => {
    const scheduler = createScheduler({ intervalMs: 1000, task: () => sleep(500).then(() => undefined) })
    scheduler.start()
    await sleep(5)
    expect(await scheduler.stop(30)).toBe('abandoned')
  })

  it('does not run again after stop', async () => {
    let runs = 0
    const scheduler = createScheduler({ intervalMs: 10, task: async () => void runs++ })
    scheduler.start()
    await scheduler.nextRun()
    expect(await scheduler.stop(10)).toBe('idle')
    const after = runs
    await sleep(40)
    expect(runs).toBe(after)
  })
})
