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
import { log } from '../log.ts'
import { type Row, type StoreClient, isMissingColumn } from './client.ts'
import { StoreReader } from './reader.ts'
import * as sql from './sql.ts'
import * as txIdSql from './tx-id-sql.ts'
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
  private readonly backfills: BackfillReport[] = []

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
      txId: row.txId ?? null,
    }))
    // PostgreSQL and SQLite answer one row per row written (ON CONFLICT … RETURNING): a row another
    // sync stored first is not counted. GreptimeDB has no RETURNING: every row sent is written.
    const written = (await this.client.dialect()) === 'greptime' ? undefined : (result: Row[]) => result.length
    return this.insertChunks('insertTransactions', table, tuples, sql.insertTransactionsStatement, written)
  }

  /**
   * The identities stored for `wallet` in the asset's deposit and withdrawal tables (after
   * backfilling rows written by earlier versions, see `backfillTxIds`). Missing tables hold none.
   */
  async storedTxIds(symbol: string, wallet: string): Promise<StoredTxId[]> {
    const stored: StoredTxId[] = []
    for (const kind of TRANSACTION_KINDS) {
      const table = await this.ensure(TABLE_OF_KIND[kind], symbol)
      await this.backfillTxIds(table)
      const statement = txIdSql.storedTxIdsStatement(await this.client.dialect(), table, wallet)
      const rows = await this.client.query(`storedTxIds ${sql.tableLabel(table)}`, statement, { retry: true })
      for (const row of rows) {
        const ts = Number(row.ts)
        if (typeof row.tx_id === 'string' && Number.isFinite(ts)) stored.push({ kind, txId: row.tx_id, ts })
      }
    }
    return stored
  }

  /** Replaces a backfilled id prefix by the full id Liqwid sent for the same wallet and ts. */
  async upgradeTxId(symbol: string, kind: TransactionKind, change: txIdSql.TxIdChange): Promise<void> {
    const table = await this.ensure(TABLE_OF_KIND[kind], symbol)
    const dialect = await this.client.dialect()
    for (const statement of txIdSql.setTxIdStatements(dialect, table, change))
      await this.client.query(`upgradeTxId ${sql.tableLabel(table)}`, statement)
  }

  /**
   * Gives rows without `tx_id` whose notes carry the sync's `(tx: <prefix>...)` that prefix as
   * their identity; the next sync upgrades it to the full id. A row whose prefix is already the
   * identity of another row of the wallet (a duplicate an earlier version wrote) keeps NULL and
   * is counted, never deleted. Idempotent; cheap when there is nothing left to do.
   */
  async backfillTxIds(table: TableRef): Promise<BackfillReport> {
    const name = sql.tableLabel(table)
    const report: BackfillReport = { table: name, backfilled: 0, duplicates: 0 }
    const dialect = await this.client.dialect()
    const rows = await this.client.query(`legacyTxRows ${name}`, txIdSql.legacyTxRowsStatement(dialect, table), { retry: true })
    if (rows.length === 0) return report
    const identities = await this.client.query(`storedTxIds ${name}`, txIdSql.txIdentitiesStatement(dialect, table), { retry: true })
    const taken = new Set(identities.map((row) => `${String(row.wallet_address)}\u0000${String(row.tx_id)}`))
    for (const row of rows) {
      const prefix = legacyTxIdPrefix(typeof row.notes === 'string' ? row.notes : null)
      const ts = Number(row.ts)
      if (prefix === null || typeof row.wallet_address !== 'string' || !Number.isFinite(ts)) continue
      const key = `${row.wallet_address}\u0000${prefix}`
      if (taken.has(key)) {
        report.duplicates++
        continue
      }
      taken.add(key)
      const change = { wallet: row.wallet_address, ts, from: null, to: prefix, notes: row.notes as string }
      try {
        for (const statement of txIdSql.setTxIdStatements(dialect, table, change)) await this.client.query(`backfillTxId ${name}`, statement)
        report.backfilled++
      } catch (error) {
        // two identical legacy rows (same wallet, ts, notes) cannot both take the id: keep both, say so
        if (!isUniqueViolation(error)) throw error
        report.duplicates++
      }
    }
    if (report.backfilled > 0 || report.duplicates > 0) {
      log.info('transaction ids backfilled from notes', { table: name, backfilled: report.backfilled, duplicates_left_without_id: report.duplicates })
      this.backfills.push(report)
    }
    return report
  }

  /** Backfills done by this writer since the last call (the sync reports them). */
  takeBackfillReports(): BackfillReport[] {
    return this.backfills.splice(0)
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
      for (const statement of sql.createNamespaceStatements(dialect, table.namespace)) await this.ddl(`createNamespace ${table.namespace}`, statement)
    }
    // IF NOT EXISTS makes the DDL idempotent, so it may be retried like a read.
    for (const statement of DDL[kind](dialect, table)) await this.ddl(`createTable ${name}`, statement)
    if (kind === 'deposits' || kind === 'withdrawals') await this.migrateTxId(dialect, table)
    return table
  }

  /** A table written before `tx_id` existed gets the column, then (PostgreSQL, SQLite) its unique index. */
  private async migrateTxId(dialect: sql.Dialect, table: TableRef): Promise<void> {
    const name = sql.tableLabel(table)
    const probe = () => this.client.query(`probeTxId ${name}`, txIdSql.txIdProbeStatement(dialect, table), { retry: true })
    try {
      await probe()
    } catch (error) {
      if (!isMissingColumn(error)) throw error
      try {
        await this.client.query(`addTxIdColumn ${name}`, txIdSql.addTxIdColumnStatement(dialect, table))
        log.info('transactions table migrated: tx_id column added', { table: name })
      } catch (addError) {
        // Another process added it between the probe and here (SQLite: "duplicate column name").
        await probe().catch(() => Promise.reject(addError))
      }
    }
    for (const statement of txIdSql.txIdIndexStatements(dialect, table)) await this.ddl(`txIdIndex ${name}`, statement)
  }

  /**
   * PostgreSQL's IF NOT EXISTS is not atomic: two instances creating the same table or index at
   * once can both pass the check, and the second fails on the catalogue's unique key. The object
   * exists then, so running the statement again is a no-op. (SQLite runs DDL under its write
   * lock, so IF NOT EXISTS cannot race there.)
   */
  private async ddl(kind: string, statement: string): Promise<void> {
    try {
      await this.client.query(kind, statement, { retry: true })
    } catch (error) {
      if (!(error instanceof AppError && RACED_DDL_SQLSTATES.has(String(error.details.sqlstate)))) throw error
      await this.client.query(kind, statement, { retry: true })
    }
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
    /** rows a statement wrote, from its result; default: every row it carried */
    countWritten?: (result: Row[]) => number,
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
          const result = await this.client.query(`${kind} ${sql.tableLabel(table)}`, statement.text)
          written += countWritten ? countWritten(result) : statement.rows
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

/** unique_violation (pg_class / pg_type), duplicate_table, duplicate_object */
const RACED_DDL_SQLSTATES = new Set(['23505', '42P07', '42710'])

/** A row that would duplicate a unique key: SQLSTATE 23505, or SQLite's SQLITE_CONSTRAINT_UNIQUE. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof AppError)) return false
  return error.details.sqlstate === '23505' || error.details.sqlite_code === 'SQLITE_CONSTRAINT_UNIQUE'
}
const TRANSACTION_KINDS: readonly TransactionKind[] = ['deposit', 'withdrawal']
const TABLE_OF_KIND: Record<TransactionKind, TableKind> = { deposit: 'deposits', withdrawal: 'withdrawals' }

export interface StoredTxId {
  readonly kind: TransactionKind
  readonly txId: string
  readonly ts: EpochMs
}

export interface BackfillReport {
  /** `namespace.table` */
  readonly table: string
  /** rows that got the id prefix their notes carry */
  backfilled: number
  /** rows left without an id: their prefix already identifies another row of the same wallet */
  duplicates: number
}

/** `… Synced from Liqwid (tx: <prefix>...)` → `<prefix>` verbatim (the last such mention); null otherwise. */
export function legacyTxIdPrefix(notes: string | null): string | null {
  if (notes === null) return null
  const at = notes.lastIndexOf(txIdSql.SYNCED_NOTES_MARKER)
  if (at < 0) return null
  const match = /^\s*(\S+?)\.\.\.\)/.exec(notes.slice(at + txIdSql.SYNCED_NOTES_MARKER.length))
  return match ? match[1]! : null
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
