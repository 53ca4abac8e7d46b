/**
 * The evaluation cycle over the in-memory reader: the order of its steps, the one snapshot it
 * publishes (result and plot paths together), the state it carries to the next run, and what a
 * failing step costs.
 */
import { describe, expect, it } from 'bun:test'
import { captureLogs } from '../log.ts'
import type { Metrics } from '../web/metrics.ts'
import { type CycleDeps, createEvaluationCycle } from './cycle.ts'
import { LatestEvaluation, type Snapshot } from './latest.ts'
import type { EvaluationResult } from './result.ts'
import { evaluationConfig, memoryReader, NOW, pricesWith } from './test-fixtures.ts'

const config = evaluationConfig(0.01)

function harness(overrides: Partial<CycleDeps> = {}) {
  const steps: string[] = []
  const latest = new LatestEvaluation()
  const metrics: Pick<Metrics, 'update' | 'recordFailure'> = {
    update: async (result: EvaluationResult) => void steps.push(`metrics ${result.assets.length}`),
    recordFailure: async () => void steps.push('failure counted'),
  }
  const deps: CycleDeps = {
    config,
    evaluation: { reader: memoryReader(), prices: pricesWith(config) },
    latest,
    metrics,
    clock: () => NOW,
    prepare: async (now) => void steps.push(`prepare ${now === NOW}`),
    diagnostics: async (next) => {
      steps.push(`diagnostics #${next.sequence}, published #${latest.current?.sequence ?? 0}`)
      return new Map([['djed', `/plots/${next.sequence}.png`]])
    },
    afterPublish: [{ name: 'history', run: async (snapshot) => void steps.push(`history #${snapshot.sequence}`) }],
    ...overrides,
  }
  return { steps, latest, cycle: createEvaluationCycle(deps) }
}

describe('evaluation cycle', () => {
  it('prepares, evaluates, writes diagnostics, then publishes one snapshot with its plot paths, then metrics and later steps', async () => {
    const { steps, latest, cycle } = harness()
    const result = await cycle.run()
    expect(result?.at).toBe(NOW)
    expect(steps).toEqual(['prepare true', 'diagnostics #1, published #0', 'metrics 1', 'history #1'])
    expect(latest.current?.result).toBe(result!)
    expect(latest.current?.plotPaths.get('djed')).toBe('/plots/1.png')
  })

  it('hands each run the previous result: the mismatch streak grows', async () => {
    const { latest, cycle } = harness()
    await cycle.run()
    await cycle.run()
    expect(latest.current?.sequence).toBe(2)
    expect(latest.current!.result.assets[0]!.mismatchStreak).toBe(2)
    expect(latest.current?.plotPaths.get('djed')).toBe('/plots/2.png')
  })
})

describe('evaluation cycle steps', () => {
  it('publishes without plot paths when diagnostics are off', async () => {
    const { latest, cycle } = harness({ diagnostics: null })
    await cycle.run()
    expect(latest.current?.plotPaths.size).toBe(0)
  })

  it('logs a failing after-publish step and still runs the next one', async () => {
    const seen: Snapshot[] = []
    const { cycle } = harness({
      afterPublish: [
        { name: 'notifications', run: async () => Promise.reject(new Error('SMTP refused')) },
        { name: 'history', run: async (snapshot) => void seen.push(snapshot) },
      ],
    })
    const lines: string[] = []
    const restore = captureLogs((line) => lines.push(line))
    try {
      expect(await cycle.run()).not.toBeNull()
    } finally {
      restore()
    }
    expect(seen).toHaveLength(1)
    const failure = lines.find((line) => line.includes('after-evaluation step failed'))
    expect(failure).toContain('step=notifications')
    expect(failure).toContain('SMTP refused')
  })

  it('counts a failure before publishing and publishes nothing', async () => {
    const { steps, latest, cycle } = harness({
      prepare: async () => {
        throw new Error('demo store is read-only')
      },
    })
    const restore = captureLogs(() => {})
    try {
      expect(await cycle.run()).toBeNull()
    } finally {
      restore()
    }
    expect(steps).toEqual(['failure counted'])
    expect(latest.current).toBeNull()
  })
})
