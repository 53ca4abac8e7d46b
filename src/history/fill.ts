/**
 * `replay --write-history`: which replayed rows fill the decision history. A replayed instant is
 * written for an asset only where the history has no row of that asset in the slot the instant
 * closes, (instant − every, instant]: a live evaluation in that slot already said what the rule
 * said then, and a second run of the same replay finds its own rows and writes nothing. Instants
 * the periodic cleanup would delete at once (older than the retention) and instants after now are
 * skipped. Pure: the stored instants come in, the records to write and the counts go out.
 */
import { bisectRight } from 'd3-array'
import type { EpochMs } from '../engine/types.ts'
import type { DecisionRecord } from './record.ts'

export interface FillCounts {
  /** rows to write, per asset */
  readonly written: Record<string, number>
  /** asset-instants whose slot already holds a row (live, or from an earlier replay) */
  readonly alreadyRecorded: number
  /** asset-instants older than the retention */
  readonly beforeRetention: number
  /** asset-instants after now */
  readonly inFuture: number
}

export interface HistoryFillOptions {
  /** per asset, the instants of its stored rows (any origin), oldest first */
  readonly stored: ReadonlyMap<string, readonly EpochMs[]>
  readonly everyMs: number
  /** rows older than this are pruned by the retention */
  readonly keepFrom: EpochMs
  readonly now: EpochMs
}

export class HistoryFill {
  private readonly records: DecisionRecord[] = []
  private readonly written: Record<string, number> = {}
  private alreadyRecorded = 0
  private beforeRetention = 0
  private inFuture = 0

  constructor(private readonly options: HistoryFillOptions) {}

  /** Keeps `record` when its slot is empty and it lies within the retention, up to now. */
  offer(record: DecisionRecord): void {
    const { stored, everyMs, keepFrom, now } = this.options
    if (record.ts > now) this.inFuture++
    else if (record.ts < keepFrom) this.beforeRetention++
    else if (hasRowIn(stored.get(record.asset) ?? [], record.ts - everyMs, record.ts)) this.alreadyRecorded++
    else {
      this.records.push(record)
      this.written[record.asset] = (this.written[record.asset] ?? 0) + 1
    }
  }

  result(): { readonly records: readonly DecisionRecord[]; readonly counts: FillCounts } {
    return {
      records: this.records,
      counts: { written: { ...this.written }, alreadyRecorded: this.alreadyRecorded, beforeRetention: this.beforeRetention, inFuture: this.inFuture },
    }
  }
}

/** Whether sorted `instants` hold one in (after, upTo]. */
function hasRowIn(instants: readonly EpochMs[], after: EpochMs, upTo: EpochMs): boolean {
  const firstAfter = bisectRight(instants, after)
  return firstAfter < instants.length && instants[firstAfter]! <= upTo
}
