/**
 * Work done once per evaluation and kept until the next one replaces it: chart PNGs, the
 * dashboard's replay. Concurrent requests for the same key share one computation; a failed one is
 * forgotten so the next request tries again. Entries of older evaluations are dropped as soon as
 * a newer evaluation is published or asked for.
 */
import type { LatestEvaluation } from '../evaluation/latest.ts'

export class PerEvaluation<T> {
  #entries = new Map<string, Promise<T>>()
  #sequence = 0

  constructor(latest: LatestEvaluation) {
    latest.subscribe((snapshot) => this.#forgetBefore(snapshot.sequence))
  }

  #forgetBefore(sequence: number): void {
    this.#sequence = sequence
    for (const key of this.#entries.keys()) if (!key.startsWith(`${sequence}|`)) this.#entries.delete(key)
  }

  /** The value of `key` for evaluation `sequence`, computed by `compute` unless it exists. */
  get(sequence: number, key: string, compute: () => Promise<T>): Promise<T> {
    if (sequence > this.#sequence) this.#forgetBefore(sequence)
    const entryKey = `${sequence}|${key}`
    let pending = this.#entries.get(entryKey)
    if (!pending) {
      pending = compute()
      // an older evaluation's request is answered but not kept
      if (sequence === this.#sequence) this.#entries.set(entryKey, pending)
      pending.catch(() => this.#entries.delete(entryKey))
    }
    return pending
  }
}
