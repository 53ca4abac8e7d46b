/**
 * The embedded store's client: one SQLite file through bun:sqlite, in this process and thread
 * (no server, no socket, no worker). Settings:
 * - WAL journal: readers in other processes (`--once` next to a server) never block the writer
 *   and never see half a transaction; `synchronous = NORMAL`, the WAL setting that loses at most
 *   the last transactions on power loss and never corrupts.
 * - a busy timeout: a write waits this long for another process' write lock, then fails with
 *   `store_timeout`. SQLite allows one writer at a time; this process has one connection.
 * - no statement deadline: statements run synchronously on local data (milliseconds for the demo);
 *   SQLite cannot be interrupted from JavaScript.
 *
 * Statements are prepared, run and finalised one by one (never cached: the multi-row INSERTs are
 * one-off texts). A transaction holds the connection: statements from outside it wait until it
 * ends, so nothing else slips into it across an `await`.
 */

import { Database } from 'bun:sqlite'
import { AppError, describeError } from '../errors.ts'
import type { Row, StoreClient } from './client.ts'
import type { Dialect } from './sql.ts'

export interface SqliteClientOptions {
  /** the database file (created when absent) */
  readonly path: string
  /** how long a write waits for another process' write lock */
  readonly busyTimeoutMs?: number
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000
const STATEMENT_EXCERPT = 300
/** Result codes (and their extended forms, e.g. SQLITE_IOERR_WRITE) that mean "the file itself failed". */
const FILE_FAILURES = ['SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_PERM']

export class SqliteClient implements StoreClient {
  readonly target: string
  private readonly busyTimeoutMs: number
  private db: Database | null
  /** settles when the running transaction ends; null when none runs */
  private running: Promise<void> | null = null

  constructor(options: SqliteClientOptions) {
    this.target = options.path
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
    try {
      this.db = new Database(options.path, { create: true, readwrite: true })
      // busy_timeout first: switching to WAL needs the lock another process may hold.
      this.db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.round(this.busyTimeoutMs))}`)
      this.db.run('PRAGMA journal_mode = WAL')
      this.db.run('PRAGMA synchronous = NORMAL')
    } catch (error) {
      throw this.toAppError('open', 'PRAGMA journal_mode = WAL', error)
    }
  }

  dialect(): Promise<Dialect> {
    return Promise.resolve('sqlite')
  }

  async query(kind: string, text: string): Promise<Row[]> {
    while (this.running !== null) await this.running
    return this.execute(kind, text)
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so the transaction never fails half-way on it. */
  async transaction<T>(work: (client: StoreClient) => Promise<T>): Promise<T> {
    while (this.running !== null) await this.running
    let finished!: () => void
    this.running = new Promise((resolve) => (finished = resolve))
    const bound: StoreClient = {
      target: this.target,
      dialect: () => this.dialect(),
      query: async (kind, text) => this.execute(kind, text),
      transaction: (inner) => inner(bound),
      close: async () => {},
    }
    try {
      this.execute('transaction', 'BEGIN IMMEDIATE')
      let result: T
      try {
        result = await work(bound)
      } catch (error) {
        this.rollback()
        throw error
      }
      this.execute('transaction', 'COMMIT')
      return result
    } finally {
      this.running = null
      finished()
    }
  }

  async close(): Promise<void> {
    while (this.running !== null) await this.running
    const db = this.db
    this.db = null
    // The last connection to close checkpoints the WAL into the file and removes it.
    db?.close(false)
  }

  private execute(kind: string, text: string): Row[] {
    if (this.db === null) throw new AppError('store_unreachable', `${kind}: the store client for ${this.target} is closed`)
    try {
      const statement = this.db.prepare(text)
      try {
        return statement.all() as Row[]
      } finally {
        statement.finalize()
      }
    } catch (error) {
      throw this.toAppError(kind, text, error)
    }
  }

  private rollback(): void {
    try {
      this.db?.run('ROLLBACK')
    } catch {
      // SQLite already rolled back (some errors do that themselves)
    }
  }

  private toAppError(kind: string, text: string, error: unknown): AppError {
    if (error instanceof AppError) return error
    const code = sqliteCode(error)
    const details = { kind, target: this.target, statement: text.slice(0, STATEMENT_EXCERPT), sqlite_code: code }
    if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
      return new AppError('store_timeout', `${kind}: ${this.target} stayed locked by another process for more than ${this.busyTimeoutMs} ms`, {
        cause: error,
        details,
      })
    }
    if (code !== null && FILE_FAILURES.some((failure) => code.startsWith(failure))) {
      return new AppError('store_unreachable', `${kind}: cannot use ${this.target}: ${describeError(error)} [${code}]`, { cause: error, details })
    }
    const suffix = code === null ? '' : ` [${code}]`
    return new AppError('store_query', `${kind} failed: ${describeError(error)}${suffix}`, { cause: error, details })
  }
}

function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null
}
