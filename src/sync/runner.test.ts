import { afterEach, beforeEach, describe, expect, it } from 'bun:test'
import { isAppError } from '../errors.ts'
import { captureLogs } from '../log.ts'
import type { TransactionHistory } from '../sources/liqwid.ts'
import { SyncRunner } from './runner.ts'
import type { SyncPorts, SyncRequest } from './sync.ts'

const REQUEST: SyncRequest = { wallets: ['addr1qa', 'addr1qb'], assets: ['djed'], start: '2025-07-01', end: '2025-07-31', keyword: 'k' }

/** Ports whose Liqwid call waits until the test releases it, recording each call. */
function blockingPorts() {
  const calls: string[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const ports: SyncPorts = {
    fetchTransactions: async (wallet, startTime, endTime, signal) => {
      calls.push(wallet)
      await Promise.race([gate, new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }))])
      const window = { startTime: startTime ?? '', endTime: endTime ?? '' }
      const history: TransactionHistory = { wallet, window, transactions: [], rejected: [], totalCount: 0, requests: 1 }
      return history
    },
    resolveAsset: () => ({ symbol: 'djed', marketId: 'DJED' }),
    storedTxIds: async () => [],
    upgradeTxId: async () => {},
    insertTransactions: async (_symbol, _kind, rows) => rows.length,
  }
  return { ports, calls, release: () => release() }
}

describe('SyncRunner', () => {
  let restoreLogs: () => void
  beforeEach(() => {
    restoreLogs = captureLogs(() => {})
  })
  afterEach(() => restoreLogs())

  it('refuses a second sync while one runs, with a conflict', async () => {
    const { ports, release } = blockingPorts()
    const runner = new SyncRunner(ports)
    const first = runner.sync(REQUEST)
    expect(runner.running).toBe(true)

    let conflict: unknown
    try {
      await runner.sync(REQUEST)
    } catch (error) {
      conflict = error
    }
    expect(isAppError(conflict, 'conflict')).toBe(true)
    expect((conflict as Error).message).toBe('a transaction sync is already running')

    release()
    expect((await first).success).toBe(true)
    expect(runner.running).toBe(false)
  })

  it('accepts the next sync once the previous one has finished, even if it failed', async () => {
    const { ports, release } = blockingPorts()
    let storeDown = true
    const runner = new SyncRunner({
      ...ports,
      resolveAsset: (name) => (storeDown ? Promise.reject(new Error('store down')) : ports.resolveAsset(name)),
    })
    await expect(runner.sync(REQUEST)).rejects.toThrow('store down')
    expect(runner.running).toBe(false)

    storeDown = false
    const pending = runner.sync(REQUEST)
    release()
    expect((await pending).wallets_synced).toBe(2)
  })

  it('stops between wallets when cancelled and reports the wallets left out', async () => {
    const { ports, calls } = blockingPorts()
    const runner = new SyncRunner(ports)
    const pending = runner.sync(REQUEST)
    await Bun.sleep(5)
    runner.cancel('SIGTERM')
    const report = await pending
    expect(calls).toEqual(['addr1qa'])
    expect(report.success).toBe(false)
    expect(report.errors).toEqual(['addr1qa: Liqwid API error: transaction sync cancelled: SIGTERM', 'addr1qb: sync cancelled before this wallet'])
    expect(runner.running).toBe(false)
  })
})
