/**
 * What the readers and writers need from a database, whichever it is: PostgreSQL or GreptimeDB
 * through postgres.js (postgres-client.ts), or the embedded SQLite file through bun:sqlite
 * (sqlite-client.ts). Statements are whole texts built by sql.ts for the client's dialect; rows
 * come back as plain objects with instants as epoch-ms numbers.
 *
 * Errors are AppErrors: `store_query` (the statement failed; `details.sqlstate` or
 * `details.sqlite_code` says why), `store_timeout`, `store_unreachable`.
 */

import { AppError } from '../errors.ts'
import type { Dialect } from './sql.ts'

export type Row = Record<string, unknown>

export interface QueryOptions {
  /** true for reads and idempotent DDL: retried on connection-level failures */
  readonly retry?: boolean
}

export interface StoreClient {
  /** where the data is, for messages (never credentials) */
  readonly target: string
  dialect(): Promise<Dialect>
  /** Runs one statement; `kind` names it in errors (e.g. `assetAggregate liqwid_supply_positions_djed`). */
  query(kind: string, text: string, options?: QueryOptions): Promise<Row[]>
  /**
   * Runs `work` with a client whose statements form one transaction: committed when `work`
   * resolves, rolled back when it throws. Where the database has none (GreptimeDB), the
   * statements run one by one.
   */
  transaction<T>(work: (client: StoreClient) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** True for the errors the store maps to "no data": a missing table or namespace. */
export function isMissingTable(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'store_query') return false
  const sqlstate = error.details.sqlstate
  // 42P01 undefined table, 3F000 undefined schema (PostgreSQL); GreptimeDB and SQLite word them.
  return sqlstate === '42P01' || sqlstate === '3F000' || /table not found|database not found|no such table/i.test(error.message)
}

/** True for an undefined column (SQLSTATE 42703, or GreptimeDB's planner / SQLite's wording). */
export function isMissingColumn(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'store_query') return false
  return error.details.sqlstate === '42703' || /no field named|column .* not found|no such column/i.test(error.message)
}
