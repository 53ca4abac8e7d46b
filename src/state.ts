/**
 * The latest evaluation, shared by the scheduler (which writes it) and the web layer (which only
 * reads it): requests never wait for or trigger database work. Each new result gets a sequence
 * number that fragments and chart ETags use to know whether anything changed.
 */
import type { EvaluationResult } from './evaluate.ts'

export interface Snapshot {
  readonly result: EvaluationResult
  /** 1 for the first evaluation, +1 for each next one */
  readonly sequence: number
}

export class LatestEvaluation {
  #snapshot: Snapshot | null = null
  #listeners = new Set<(snapshot: Snapshot) => void>()

  get current(): Snapshot | null {
    return this.#snapshot
  }

  get ready(): boolean {
    return this.#snapshot !== null
  }

  publish(result: EvaluationResult): Snapshot {
    const snapshot = { result, sequence: (this.#snapshot?.sequence ?? 0) + 1 }
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
