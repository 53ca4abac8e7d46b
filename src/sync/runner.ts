/**
 * One transaction sync at a time. A sync writes to the store and can take minutes (three Liqwid
 * attempts per page per wallet); two at once would read the same "already stored" ids and write
 * the same rows twice. A second request while one runs is a `conflict` (HTTP 409 at the edge).
 */
import { AppError } from '../errors.ts'
import { syncTransactions, type SyncPorts, type SyncProgress, type SyncReport, type SyncRequest } from './sync.ts'

export class SyncRunner {
  #current: AbortController | null = null

  constructor(private readonly ports: SyncPorts) {}

  get running(): boolean {
    return this.#current !== null
  }

  async sync(request: SyncRequest, onProgress?: (progress: SyncProgress) => void): Promise<SyncReport> {
    if (this.#current) throw new AppError('conflict', 'a transaction sync is already running')
    const controller = new AbortController()
    this.#current = controller
    try {
      return await syncTransactions(request, this.ports, controller.signal, onProgress)
    } finally {
      this.#current = null
    }
  }

  /** Asks the running sync to stop after the current request (shutdown); no-op when idle. */
  cancel(reason: string = 'shutting down'): void {
    this.#current?.abort(new DOMException(`transaction sync cancelled: ${reason}`, 'AbortError'))
  }
}
