/**
 * Everything the service writes: transactions (sync), and positions and Minswap prices (demo,
 * benchmark workloads, tests). Tables are created on first use with the dialect's DDL.
 *
 * Under `--test-prefix` every write goes to the `test_` twin of its table in the same namespace;
 * readers keep using the normal tables (PRODUCT §4). Inserts are multi-row statements in chunks;
 * they are never retried (a retry after a lost answer could write rows twice), and a failure
 * reports how many rows had been written before it.
 */

import type { EpochMs, TransactionKind } from '../engine/types.ts'
import { AppError } from '../errors.ts'
import type { StoreClient } from './client.ts'
import { StoreReader } from './reader.ts'
import * as sql from './sql.ts'
import { TableNames, type TableNamesOptions } from './tables.ts'
import type { MinswapRow, NewTransaction, PositionRow, TableKind, TableRef, Timespan } from './types.ts'

export interface StoreWriterOptions extends TableNamesOptions {
  /** write to `test_<table>` instead of `<table>` */
  readonly testPrefix?: boolean
  /** rows per INSERT statement */
  readonly chunkRows?: number
  /** INSERT statements in flight at once (each on its own pooled connection) */
  readonly concurrency?: number
  /** the clock for `created_at` */
  readonly now?: () => EpochMs
}

/** ~300 kB of SQL per statement: large enough to amortise round trips, small enough to parse fast. */
const DEFAULT_CHUNK_ROWS = 2_000
const DEFAULT_CONCURRENCY = 4

type DdlBuilder = (dialect: sql.Dialect, table: TableRef) => string[]

const DDL: Record<TableKind, DdlBuilder> = {
  positions: sql.createPositionsTableStatements,
  deposits: sql.createTransactionsTableStatements,
  withdrawals: sql.createTransactionsTableStatements,
  minswap: sql.createMinswapTableStatements,
}

export class StoreWriter {
  readonly names: TableNames
  readonly testPrefix: boolean
  private readonly chunkRows: number
  private readonly concurrency: number
  private readonly now: () => EpochMs
  private readonly reader: StoreReader
  private readonly ensured = new Map<string, Promise<TableRef>>()

  constructor(
    private readonly client: StoreClient,
    private readonly options: StoreWriterOptions = {},
  ) {
    this.names = new TableNames(options)
    this.reader = new StoreReader(client, options)
    this.testPrefix = options.testPrefix ?? false
    this.chunkRows = Math.max(1, options.chunkRows ?? DEFAULT_CHUNK_ROWS)
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY)
    this.now = options.now ?? Date.now
  }

  /** The table a write of `kind` for `symbol` goes to (the `test_` twin under the test prefix). */
  target(kind: TableKind, symbol: string): TableRef {
    return this.names.table(kind, symbol, this.testPrefix)
  }

  async ensurePositionsTable(symbol: string): Promise<void> {
    await this.ensure('positions', symbol)
  }

  async ensureTransactionTables(symbol: string): Promise<void> {
    await Promise.all([this.ensure('deposits', symbol), this.ensure('withdrawals', symbol)])
  }

  async ensureMinswapTable(symbol: string): Promise<void> {
    await this.ensure('minswap', symbol)
  }

  /** Returns the number of rows written. */
  /**
   * Runs `work` with a writer whose statements form one transaction on this writer's store
   * (committed when `work` resolves, rolled back when it throws); same options as this one.
   */
  transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.client.transaction((client) => work(new StoreWriter(client, this.options)))
  }

  async insertPositions(symbol: string, rows: readonly PositionRow[]): Promise<number> {
    const table = await this.ensure('positions', symbol)
    return this.insertChunks('insertPositions', table, rows, sql.insertPositionsStatement)
  }

  /** Deposits are stored as +|amount|, withdrawals as −|amount| (spec-data §1.5.3). */
  async insertTransactions(symbol: string, kind: TransactionKind, rows: readonly NewTransaction[]): Promise<number> {
    const table = await this.ensure(kind === 'deposit' ? 'deposits' : 'withdrawals', symbol)
    const createdAt = this.now()
    const tuples = rows.map((row) => ({
      ts: row.ts,
      createdAt: row.createdAt ?? createdAt,
      wallet: row.wallet,
      marketId: row.marketId,
      amount: kind === 'withdrawal' ? -Math.abs(row.amount) : Math.abs(row.amount),
      notes: row.notes,
    }))
    return this.insertChunks('insertTransactions', table, tuples, sql.insertTransactionsStatement)
  }

  async insertMinswapPrices(symbol: string, rows: readonly MinswapRow[]): Promise<number> {
    const table = await this.ensure('minswap', symbol)
    return this.insertChunks('insertMinswapPrices', table, rows, sql.insertMinswapStatement)
  }

  /** MIN/MAX(ts) of the table this writer writes to (for appending after the last sample). */
  timespan(kind: TableKind, symbol: string): Promise<Timespan | null> {
    return this.reader.timespan(kind, symbol, this.testPrefix)
  }

  /** Drops the asset's four target tables (demo reset). */
  async dropTables(symbol: string): Promise<void> {
    for (const kind of Object.keys(DDL) as TableKind[]) {
      const table = this.target(kind, symbol)
      this.ensured.delete(sql.tableLabel(table))
      await this.client.query(`dropTable ${sql.tableLabel(table)}`, sql.dropTableStatement(await this.client.dialect(), table), { retry: true })
    }
  }

  private ensure(kind: TableKind, symbol: string): Promise<TableRef> {
    const table = this.target(kind, symbol)
    const key = sql.tableLabel(table)
    let pending = this.ensured.get(key)
    if (pending === undefined) {
      pending = this.create(kind, table)
      this.ensured.set(key, pending)
      pending.catch(() => this.ensured.delete(key))
    }
    return pending
  }

  private async create(kind: TableKind, table: TableRef): Promise<TableRef> {
    const dialect = await this.client.dialect()
    const name = sql.tableLabel(table)
    if (table.namespace !== null) {
      for (const statement of sql.createNamespaceStatements(dialect, table.namespace))
        await this.client.query(`createNamespace ${table.namespace}`, statement, { retry: true })
    }
    // IF NOT EXISTS makes the DDL idempotent, so it may be retried like a read.
    for (const statement of DDL[kind](dialect, table)) await this.client.query(`createTable ${name}`, statement, { retry: true })
    return table
  }

  /**
   * Builds every statement before sending the first, so bad input (a NaN, a NUL) fails whole
   * and writes nothing; then sends them `concurrency` at a time.
   */
  private async insertChunks<T>(
    kind: string,
    table: TableRef,
    rows: readonly T[],
    build: (dialect: sql.Dialect, table: TableRef, rows: readonly T[]) => string,
  ): Promise<number> {
    const dialect = await this.client.dialect()
    const statements: { text: string; rows: number }[] = []
    for (let start = 0; start < rows.length; start += this.chunkRows) {
      const chunk = rows.slice(start, start + this.chunkRows)
      statements.push({ text: build(dialect, table, chunk), rows: chunk.length })
    }
    let next = 0
    let written = 0
    let failure: unknown = null
    const send = async (): Promise<void> => {
      while (failure === null && next < statements.length) {
        const statement = statements[next++]!
        try {
          await this.client.query(`${kind} ${sql.tableLabel(table)}`, statement.text)
          written += statement.rows
        } catch (error) {
          failure ??= error
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, statements.length) }, send))
    if (failure !== null) throw partialWriteError(failure, written, rows.length)
    return written
  }
}

function partialWriteError(failure: unknown, written: number, total: number): AppError {
  const code = failure instanceof AppError ? failure.code : 'store_query'
  const message = failure instanceof AppError ? failure.message : String(failure)
  const details = failure instanceof AppError ? failure.details : {}
  return new AppError(code, `${message} (${written} of ${total} rows were written before the failure)`, {
    cause: failure,
    details: { ...details, rowsWritten: written, rowsTotal: total },
  })
}
