/**
 * What happens to each published evaluation after the metrics: its rows are appended to the
 * decision history, then handed to the notifier, which queues messages and returns at once.
 * A history write that fails is logged and the notifier still runs: an outage of the store never
 * silences an alert (after a restart the missing rows can only cause one repeat, never a loss).
 */
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { Notifier } from '../notify/notifier.ts'
import { type EvaluatedAssets, recordsOf } from './record.ts'
import type { RecentHistory } from './recent.ts'
import type { DecisionHistory } from './store.ts'

export interface EvaluationStep {
  /** names the step in the log line of its failure */
  readonly name: string
  run(result: EvaluatedAssets): Promise<void>
}

export function historyAndNotificationsStep(
  history: DecisionHistory | null,
  recent: RecentHistory | null,
  notifier: Notifier | null,
): EvaluationStep {
  return {
    name: 'history and notifications',
    async run(result) {
      const records = recordsOf(result)
      if (history)
        await history
          .append(records)
          .catch((error) => log.error('decision history not written', { rows: records.length, error: describeError(error) }))
      recent?.add(records, result.at)
      if (notifier) await notifier.onEvaluation(records)
    },
  }
}
