/** `replay --write-history`: which replayed rows fill the history (src/history/fill.ts), on plain values. */
import { describe, expect, it } from 'bun:test'
import { historyRecord } from '../support/history.ts'
import { HistoryFill } from '../../src/history/fill.ts'

const HOUR = 3_600_000
const T = Date.UTC(2026, 10, 20, 0, 0, 0)

describe('filling the decision history from a replay', () => {
  it('writes an instant only where its slot (instant − every, instant] holds no row of that asset', () => {
    const fill = new HistoryFill({
      // djed: a live row 20 min before T+1h, one exactly at T+3h, one just after T+4h
      stored: new Map([
        ['djed', [T + HOUR - 20 * 60_000, T + 3 * HOUR, T + 4 * HOUR + 1]],
        ['usdc', []],
      ]),
      everyMs: HOUR,
      keepFrom: T - 10 * HOUR,
      now: T + 10 * HOUR,
    })
    for (let hour = 0; hour <= 4; hour++)
      for (const asset of ['djed', 'usdc']) fill.offer(historyRecord({ ts: T + hour * HOUR, asset, origin: 'replay' }))
    const { records, counts } = fill.result()
    expect(records.filter((r) => r.asset === 'djed').map((r) => (r.ts - T) / HOUR)).toEqual([0, 2, 4])
    expect(records.filter((r) => r.asset === 'usdc')).toHaveLength(5)
    expect(counts).toEqual({ written: { djed: 3, usdc: 5 }, alreadyRecorded: 2, beforeRetention: 0, inFuture: 0 })
  })

  it('skips instants the retention would delete and instants after now', () => {
    const fill = new HistoryFill({ stored: new Map(), everyMs: HOUR, keepFrom: T, now: T + 2 * HOUR })
    for (let hour = -2; hour <= 4; hour++) fill.offer(historyRecord({ ts: T + hour * HOUR, origin: 'replay' }))
    const { records, counts } = fill.result()
    expect(records.map((r) => (r.ts - T) / HOUR)).toEqual([0, 1, 2])
    expect(counts).toEqual({ written: { djed: 3 }, alreadyRecorded: 0, beforeRetention: 2, inFuture: 2 })
  })
})
