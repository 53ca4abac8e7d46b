import { describe, expect, it } from 'bun:test'
import { decisionRuns, timelineScene } from './timeline.ts'
import { useLook } from './theme.ts'

const HOUR = 3_600_000
const texts = (scene: ReturnType<typeof timelineScene>) => JSON.stringify(scene.texts)

describe('replay timeline', () => {
  it('groups equal decisions into runs', () => {
    expect(decisionRuns([0, 0, 1, 1, 1, -1, 1])).toEqual([
      { decision: 0, from: 0, to: 1 },
      { decision: 1, from: 2, to: 4 },
      { decision: -1, from: 5, to: 5 },
      { decision: 1, from: 6, to: 6 },
    ])
    expect(decisionRuns([])).toEqual([])
  })

  it('draws one band piece per run in its decision colour, the withdrawable area and the gain broken where unknown', () => {
    useLook({ theme: 'light' })
    const ts = [0, 1, 2, 3, 4, 5].map((i) => Date.UTC(2026, 10, 1) + i * HOUR)
    const scene = timelineScene({
      title: 'USDC: the rule over the last 14 days',
      ts,
      decisions: [0, 0, 1, 1, -1, 1],
      withdrawableUsd: [0, 0, 12, 14, 0, 18],
      gainUsd: [5, 8, 24, 28, null, 36],
    })
    for (const label of ['Withdraw OK', 'Hold', 'Error', 'Withdrawable (USD)', 'Gain since t0 (USD)', 'Decision', '36.00 USD'])
      expect(texts(scene)).toContain(label)
    const svg = scene.shapes.join('')
    // band: OK has two runs (two rectangles in one path), HOLD and ERROR one each
    const bandPath = (color: string) => svg.match(new RegExp(`<path d="([^"]*)" fill="${color}"`))?.[1] ?? ''
    expect(bandPath('#1E8449').match(/M/g)).toHaveLength(2)
    expect(bandPath('#B9770E').match(/M/g)).toHaveLength(1)
    expect(bandPath('#C0392B').match(/M/g)).toHaveLength(1)
    // the gain is two polylines (broken at the ERROR instant): 4 points, then 1
    const gainLines = [...svg.matchAll(/<polyline points="([^"]*)" fill="none" stroke="#2E86AB"/g)].map((m) => m[1]!.split(' ').length)
    expect(gainLines).toEqual([4, 1])
  })

  it('says there is nothing to draw for an empty replay', () => {
    const scene = timelineScene({ title: 'x', ts: [], decisions: [], withdrawableUsd: [], gainUsd: [] })
    expect(texts(scene)).toContain('no replayed instant')
  })
})
