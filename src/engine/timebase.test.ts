import { describe, expect, it } from 'bun:test'
import { ALIGNMENT_METHODS, type AlignmentMethod } from './settings.ts'
import { at, deposit, hourly, inUsd, randomInt, seededRandom, withdrawal } from './test-fixtures.ts'
import { correctedGains, finalGain, unifiedTimebase } from './timebase.ts'

const none = { alignment: 'none' as const }
const gains = (values: number[], txs: Parameters<typeof inUsd>[0] = [], alignment: AlignmentMethod = 'none') =>
  correctedGains(hourly(values), inUsd(txs), { alignment })

describe('unified timebase', () => {
  it('is the ascending set union of position and transaction instants', () => {
    expect(unifiedTimebase([at(2), at(0), at(1)], [at(1), at(0.5)])).toEqual([at(0), at(0.5), at(1), at(2)])
  })
})

describe('correctedGains', () => {
  it('is the position change when there are no transactions', () => {
    const result = gains([1000, 1002, 1001])
    expect(result.gains).toEqual([0, 2, 1])
    expect(result.depositCdf).toEqual([0, 0, 0])
  })

  it('keeps a single position constant and reflects only transactions', () => {
    const result = correctedGains(hourly([100]), inUsd([deposit(1, 10)]), none)
    expect(result.positions).toEqual([100, 100])
    expect(result.gains).toEqual([0, -10])
  })

  it('clamps positions before the first and after the last sample', () => {
    const result = gains([1000, 1002], [withdrawal(-0.5, 100), deposit(2, 20)])
    expect(result.timebase).toEqual([at(-0.5), at(0), at(1), at(2)])
    expect(result.positions).toEqual([1000, 1000, 1002, 1002])
    expect(result.isPositionSample).toEqual([false, true, true, false])
    // the withdrawal at index 0 cancels; the late deposit lowers the last point
    expect(result.gains).toEqual([0, 0, 2, -18])
  })

  it('sorts unsorted positions and keeps the last value of a repeated timestamp', () => {
    const series = { ts: [at(2), at(0), at(1), at(0)], values: [1004, 999, 1002, 1000] }
    const result = correctedGains(series, [], none)
    expect(result.timebase).toEqual([at(0), at(1), at(2)])
    expect(result.positions).toEqual([1000, 1002, 1004])
  })

  it('lets a NaN sample poison its neighbouring interpolations but not the gain at exact samples beyond', () => {
    const result = gains([1000, Number.NaN, 1004, 1006], [deposit(0.5, 1), deposit(2.5, 1)])
    const g = result.gains
    expect(g[1]).toBeNaN() // interpolated next to the NaN sample
    expect(g[2]).toBeNaN() // the NaN sample itself
    expect(result.positions[3]).toBe(1004) // exact hit on the finite sample after the NaN
    expect(result.positions[4]).toBe(1005)
  })

  it('adds up same-kind transactions that land on the same timebase index', () => {
    const result = gains([1000, 1000, 1300], [deposit(1, 100), deposit(1, 200)])
    expect(result.depositCdf).toEqual([0, 300, 300])
    expect(finalGain(result)).toBe(0)
  })

  it('adds up transactions snapped onto the same position sample', () => {
    const result = gains([1000, 1000, 1300], [deposit(1.2, 100), deposit(1.8, 200)], 'snap_to_next_pos')
    expect(result.placements).toEqual([4, 4])
    expect(result.depositCdf.at(-1)).toBe(300)
    expect(finalGain(result)).toBe(0)
  })

  it('keeps deposits and withdrawals in separate vectors on the same slot', () => {
    const result = gains([1000, 1000], [deposit(1, 50), withdrawal(1, 50)])
    expect(result.depositCdf).toEqual([0, 50])
    expect(result.withdrawalCdf).toEqual([0, 50])
    expect(finalGain(result)).toBe(0)
  })

  it('places transactions by created_at when asked', () => {
    const result = correctedGains(hourly([1000, 1000, 1200]), inUsd([deposit(1.5, 200, { createdAtHours: 1.9 })]), {
      alignment: 'none',
      txTimestampSource: 'created_at',
    })
    expect(result.timebase).toContain(at(1.9))
    expect(result.timebase).not.toContain(at(1.5))
  })

  it('computes G relative to another reference index and rejects one out of range', () => {
    const result = correctedGains(hourly([1000, 1002, 1004]), [], { alignment: 'none', referenceIndex: 2 })
    expect(result.gains).toEqual([-4, -2, 0])
    expect(() => correctedGains(hourly([1]), [], { alignment: 'none', referenceIndex: 3 })).toThrow('out of bounds')
    expect(() => correctedGains({ ts: [], values: [] }, [], none)).toThrow('no position samples')
  })

  it('leaves the final gain unchanged by a deposit followed by an equal withdrawal (all alignments)', () => {
    const random = seededRandom(11)
    for (let trial = 0; trial < 200; trial++) {
      const n = randomInt(random, 2, 12)
      const values = Array.from({ length: n }, () => randomInt(random, 500, 1500))
      const amount = randomInt(random, 1, 400)
      // after the second sample, so no alignment can place either transaction at index 0
      const depositAt = 1.1 + random() * n
      const withdrawalAt = depositAt + random() * 3
      const alignment = ALIGNMENT_METHODS[trial % ALIGNMENT_METHODS.length]!
      const plain = finalGain(gains(values, [], alignment))
      const roundTrip = finalGain(gains(values, [deposit(depositAt, amount), withdrawal(withdrawalAt, amount)], alignment))
      expect(roundTrip).toBe(plain)
    }
  })
})

describe('alignment methods', () => {
  const positions = [1000, 1002, 1004, 1206, 1208]
  const placed = (alignment: AlignmentMethod, tx = deposit(2.2, 200)) => gains(positions, [tx], alignment).placements[0]

  it('none keeps the transaction on its own instant', () => {
    expect(placed('none')).toBe(3)
  })

  it('right_open moves to the next point, even from an exact position sample', () => {
    expect(placed('right_open')).toBe(4)
    expect(placed('right_open', deposit(2, 200))).toBe(3)
    expect(placed('right_open', deposit(4, 200))).toBe(4) // already last
  })

  it('snap_to_next_pos goes to the next sample, or the last sample when none follows', () => {
    expect(placed('snap_to_next_pos')).toBe(4)
    expect(placed('snap_to_next_pos', deposit(6, 200))).toBe(4)
  })

  it('snap_to_prev_pos goes to the previous sample, or the first sample when none precedes', () => {
    expect(placed('snap_to_prev_pos')).toBe(2)
    expect(placed('snap_to_prev_pos', deposit(-1, 200))).toBe(1)
  })

  it('snap_to_nearest_pos picks the nearest sample and breaks a tie toward the later one', () => {
    expect(placed('snap_to_nearest_pos')).toBe(2)
    expect(placed('snap_to_nearest_pos', deposit(2.7, 200))).toBe(4)
    expect(placed('snap_to_nearest_pos', deposit(2.5, 200))).toBe(4)
  })

  it('detect_spike moves a deposit to the right edge of the matching position step', () => {
    const steps = [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1506, 1507, 1508, 1509]
    const result = gains(steps, [deposit(4.5, 500)], 'detect_spike')
    expect(result.timebase[result.placements[0]!]).toBe(at(7))
    expect(finalGain(result)).toBe(1509 - 1000 - 500)
  })

  it('detect_spike never moves a transaction placed at index 0', () => {
    const result = gains([1000, 1000, 1500], [deposit(-1, 500)], 'detect_spike')
    expect(result.placements).toEqual([0])
  })

  it('detect_spike leaves a two-point timebase alone', () => {
    const result = correctedGains(hourly([100]), inUsd([deposit(1, 10)]), { alignment: 'detect_spike' })
    expect(result.placements).toEqual([1])
  })
})
