/**
 * The evaluation cycle `--once` and the scheduler both run, in this order:
 *
 *   prepare (the demo feed's new sample) → evaluate (with the previous result: the mismatch
 *   streaks) → diagnostics (PNGs of the result, rendered through the chart cache) → publish one
 *   snapshot (result + plot paths) → metrics → the after-publish steps.
 *
 * Features that act on each published evaluation (history, notifications) are after-publish
 * steps: they get the snapshot, and a failing step is logged without failing the cycle or the
 * steps after it. The cycle never throws: a failure before publishing is logged and counted.
 */
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { Metrics } from '../web/metrics.ts'
import { type EvaluationDeps, evaluate } from './evaluate.ts'
import type { LatestEvaluation, Snapshot, SnapshotKey } from './latest.ts'
import type { EvaluationResult } from './result.ts'

export interface AfterPublishStep {
  /** names the step in the log line of its failure */
  readonly name: string
  run(snapshot: Snapshot, signal?: AbortSignal): Promise<void>
}

export interface CycleDeps {
  readonly config: Config
  readonly evaluation: Omit<EvaluationDeps, 'signal'>
  readonly latest: LatestEvaluation
  readonly metrics: Pick<Metrics, 'update' | 'recordFailure'>
  /** writes the diagnostic PNGs of the snapshot about to be published; null when diagnostics are off */
  readonly diagnostics: ((next: SnapshotKey) => Promise<ReadonlyMap<string, string>>) | null
  /** runs before each evaluation (the demo market's new sample) */
  readonly prepare?: (now: EpochMs) => Promise<void>
  readonly afterPublish?: readonly AfterPublishStep[]
  /** the evaluation instant; injected by tests */
  readonly clock?: () => EpochMs
}

export interface EvaluationCycle {
  /** one evaluation cycle; null when it failed before publishing (logged and counted) */
  run(signal?: AbortSignal): Promise<EvaluationResult | null>
}

export function createEvaluationCycle(deps: CycleDeps): EvaluationCycle {
  const clock = deps.clock ?? Date.now
  return {
    async run(signal) {
      const started = performance.now()
      let snapshot: Snapshot
      try {
        const now = clock()
        await deps.prepare?.(now)
        const result = await evaluate(deps.config, { ...deps.evaluation, signal }, now, deps.latest.current?.result ?? null)
        const plotPaths = deps.diagnostics ? await deps.diagnostics({ result, sequence: deps.latest.nextSequence }) : new Map<string, string>()
        snapshot = deps.latest.publish(result, plotPaths)
        await deps.metrics.update(result)
        logResult(result)
      } catch (error) {
        await deps.metrics.recordFailure(performance.now() - started)
        log.error('evaluation failed', { error: describeError(error) })
        return null
      }
      for (const step of deps.afterPublish ?? [])
        await step.run(snapshot, signal).catch((error) => log.error('after-evaluation step failed', { step: step.name, error: describeError(error) }))
      return snapshot.result
    },
  }
}

function logResult(result: EvaluationResult): void {
  for (const entry of result.assets)
    log.info('decision', {
      asset: entry.asset,
      decision: entry.decision.decision,
      wmax_usd: entry.decision.wmaxUsd.toFixed(2),
      reason: entry.decision.reason ?? '',
    })
  log.info('evaluation finished', {
    assets: result.assets.length,
    errors: result.assets.filter((a) => a.decision.decision === -1).length,
    duration_ms: Math.round(result.durationMs),
  })
}
