/**
 * The latest evaluation, shared by the cycle (which publishes it) and the web layer (which only
 * reads it): requests never wait for or trigger database work. A snapshot is published whole —
 * the result with the diagnostic files written for it — and gets a sequence number that fragments
 * and chart ETags use to know whether anything changed.
 */
import type { EvaluationResult } from './result.ts'

export interface Snapshot {
  readonly result: EvaluationResult
  /** 1 for the first evaluation, +1 for each next one */
  readonly sequence: number
  /** asset → absolute path of the diagnostic PNG written for this result (diagnostics enabled) */
  readonly plotPaths: ReadonlyMap<string, string>
}

/** What a chart is rendered from: a published snapshot, or the next one while it is being prepared. */
export type SnapshotKey = Pick<Snapshot, 'result' | 'sequence'>

export class LatestEvaluation {
  #snapshot: Snapshot | null = null
  #listeners = new Set<(snapshot: Snapshot) => void>()

  get current(): Snapshot | null {
    return this.#snapshot
  }

  get ready(): boolean {
    return this.#snapshot !== null
  }

  /** The sequence number the next published snapshot gets. */
  get nextSequence(): number {
    return (this.#snapshot?.sequence ?? 0) + 1
  }

  publish(result: EvaluationResult, plotPaths: ReadonlyMap<string, string> = new Map()): Snapshot {
    const snapshot = { result, sequence: this.nextSequence, plotPaths }
    this.#snapshot = snapshot
    for (const listener of this.#listeners) listener(snapshot)
    return snapshot
  }

  /** Called after every publish; returns the function that unsubscribes. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
