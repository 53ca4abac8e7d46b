/**
 * The statements of the decision history table (`orchestrator_decisions`, PRODUCT issue 17), built
 * with the same literal rules as every other statement (sql.ts). GreptimeDB keys rows on
 * `TIME INDEX (ts)` + `PRIMARY KEY (asset)`: one row per asset and evaluation instant, and a row
 * written twice for the same instant replaces the first. PostgreSQL and the embedded SQLite store
 * get a table keyed on (asset, ts) (SQLite: STRICT, instants as INTEGER epoch milliseconds) and an
 * index on ts.
 *
 * `origin` tells a row the service wrote after a live evaluation ('live') from one written by
 * `replay --write-history` ('replay'). Tables created before it existed get it in place (an
 * `ALTER TABLE … ADD COLUMN` guarded by a probe, like `tx_id`); their rows read back as 'live',
 * which they are. GreptimeDB's column has no DEFAULT: a NULL origin reads as 'live' everywhere.
 */
import type { EpochMs } from '../engine/types.ts'
import { type Dialect, identifier, instantLiteral, nullableNumber, numberLiteral, tableSql, textLiteral } from './sql.ts'
import type { TableRef } from './types.ts'

export const HISTORY_TABLE = 'orchestrator_decisions'

/** [name, GreptimeDB type, PostgreSQL type, SQLite type] in insert order. */
const HISTORY_COLUMNS: readonly (readonly [string, string, string, string])[] = [
  ['ts', 'TIMESTAMP(3) TIME INDEX', 'TIMESTAMP(3) NOT NULL', 'INTEGER NOT NULL'],
  ['asset', 'STRING', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['decision', 'INT', 'INTEGER NOT NULL', 'INTEGER NOT NULL'],
  ['reason_code', 'STRING', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['reason_text', 'STRING', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['withdrawable_usd', 'DOUBLE', 'DOUBLE PRECISION NOT NULL', 'REAL NOT NULL'],
  ['wmax_usd', 'DOUBLE', 'DOUBLE PRECISION NOT NULL', 'REAL NOT NULL'],
  ['g_usd', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['v_t1_usd', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['price_t1_usd', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['gate_residual_usd', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['gate_threshold_usd', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['price_delta_rel', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
  ['duration_ms', 'DOUBLE', 'DOUBLE PRECISION NOT NULL', 'REAL NOT NULL'],
  ['origin', 'STRING', `TEXT NOT NULL DEFAULT 'live'`, `TEXT NOT NULL DEFAULT 'live'`],
]
export const HISTORY_COLUMN_NAMES = HISTORY_COLUMNS.map(([name]) => name)

/** A row as the statements take it: already validated plain values. */
export interface HistoryTuple {
  readonly ts: EpochMs
  readonly asset: string
  readonly decision: number
  readonly reasonCode: string
  readonly reasonText: string
  readonly withdrawableUsd: number
  readonly wmaxUsd: number
  readonly gUsd: number | null
  readonly vT1Usd: number | null
  readonly priceT1Usd: number | null
  readonly gateResidualUsd: number | null
  readonly gateThresholdUsd: number | null
  readonly priceDeltaRel: number | null
  readonly durationMs: number
  readonly origin: HistoryOrigin
}

/** Who wrote a history row: the service after a live evaluation, or `replay --write-history`. */
export type HistoryOrigin = 'live' | 'replay'
export const HISTORY_ORIGINS: readonly HistoryOrigin[] = ['live', 'replay']

export interface HistoryQuery {
  readonly asset: string | null
  readonly from: EpochMs | null
  readonly to: EpochMs | null
  /** only rows of this origin (null: both) */
  readonly origin: HistoryOrigin | null
  /** the newest `limit` rows of the range */
  readonly limit: number
}

export function historyTable(testPrefix: boolean): TableRef {
  return { namespace: null, name: identifier(`${testPrefix ? 'test_' : ''}${HISTORY_TABLE}`, 'history table') }
}

export function createHistoryTableStatements(dialect: Dialect, table: TableRef): string[] {
  const type = { greptime: 1, postgres: 2, sqlite: 3 }[dialect]
  const definitions = HISTORY_COLUMNS.map((column) => `${column[0]} ${column[type]}`)
  if (dialect === 'greptime')
    return [`CREATE TABLE IF NOT EXISTS ${tableSql(dialect, table)} (${[...definitions, 'PRIMARY KEY (asset)'].join(', ')})`]
  const strict = dialect === 'sqlite' ? ' STRICT' : ''
  return [
    `CREATE TABLE IF NOT EXISTS ${tableSql(dialect, table)} (${[...definitions, 'PRIMARY KEY (asset, ts)'].join(', ')})${strict}`,
    `CREATE INDEX IF NOT EXISTS ${identifier(`${table.name}_ts_idx`, 'index name')} ON ${tableSql(dialect, table)} (ts)`,
  ]
}

/**
 * PostgreSQL refuses a second row for the same (asset, ts) like GreptimeDB replaces it: both keep
 * one row per asset and instant, so a retried write never doubles an evaluation.
 */
export function insertHistoryStatement(dialect: Dialect, table: TableRef, rows: readonly HistoryTuple[]): string {
  const tuples = rows.map(
    (row) =>
      `(${instantLiteral(dialect, row.ts)}, ${textLiteral(row.asset)}, ${numberLiteral(row.decision)}, ${textLiteral(row.reasonCode)}, ` +
      `${textLiteral(row.reasonText)}, ${numberLiteral(row.withdrawableUsd)}, ${numberLiteral(row.wmaxUsd)}, ${nullableNumber(row.gUsd)}, ` +
      `${nullableNumber(row.vT1Usd)}, ${nullableNumber(row.priceT1Usd)}, ${nullableNumber(row.gateResidualUsd)}, ` +
      `${nullableNumber(row.gateThresholdUsd)}, ${nullableNumber(row.priceDeltaRel)}, ${numberLiteral(row.durationMs)}, ${textLiteral(row.origin)})`,
  )
  const insert = `INSERT INTO ${tableSql(dialect, table)} (${HISTORY_COLUMN_NAMES.join(', ')}) VALUES ${tuples.join(', ')}`
  return dialect === 'greptime' ? insert : `${insert} ON CONFLICT (asset, ts) DO NOTHING`
}

/** Rows written before `origin` existed hold NULL on GreptimeDB: they are live rows. */
function originCondition(origin: HistoryOrigin): string {
  return origin === 'live' ? `(origin = 'live' OR origin IS NULL)` : `origin = ${textLiteral(origin)}`
}

function conditions(dialect: Dialect, query: Pick<HistoryQuery, 'asset' | 'from' | 'to' | 'origin'>): string {
  const parts: string[] = []
  if (query.asset !== null) parts.push(`asset = ${textLiteral(query.asset)}`)
  if (query.from !== null) parts.push(`ts >= ${instantLiteral(dialect, query.from)}`)
  if (query.to !== null) parts.push(`ts <= ${instantLiteral(dialect, query.to)}`)
  if (query.origin !== null) parts.push(originCondition(query.origin))
  return parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`
}

/** Newest first (the caller reverses): LIMIT keeps the most recent rows of a long range. */
export function selectHistoryStatement(dialect: Dialect, table: TableRef, query: HistoryQuery): string {
  return `SELECT ${HISTORY_COLUMN_NAMES.join(', ')} FROM ${tableSql(dialect, table)}${conditions(dialect, query)} ORDER BY ts DESC, asset DESC LIMIT ${numberLiteral(Math.max(1, Math.floor(query.limit)))}`
}

/** The instants of an asset's rows in [from, to], of any origin: which slots a replay may fill. */
export function historyInstantsStatement(dialect: Dialect, table: TableRef, asset: string, from: EpochMs, to: EpochMs): string {
  return `SELECT ts FROM ${tableSql(dialect, table)}${conditions(dialect, { asset, from, to, origin: null })} ORDER BY ts`
}

/** The instant of an asset's last live row with `decision`, e.g. the last WITHDRAW_OK the service said. */
export function lastDecisionStatement(dialect: Dialect, table: TableRef, asset: string, decision: number): string {
  return `SELECT MAX(ts) AS last_ts FROM ${tableSql(dialect, table)} WHERE asset = ${textLiteral(asset)} AND decision = ${numberLiteral(decision)} AND ${originCondition('live')}`
}

/** Fails with an undefined-column error on a table created before `origin` existed. */
export function originProbeStatement(dialect: Dialect, table: TableRef): string {
  return `SELECT origin FROM ${tableSql(dialect, table)} LIMIT 1`
}

/**
 * Adds `origin` to an older table. SQLite has no `ADD COLUMN IF NOT EXISTS` (the probe guards it);
 * GreptimeDB's sqlness cases add plain columns to tables with data (`ALTER TABLE … ADD COLUMN m
 * INTEGER`, tests/cases/standalone/common/alter/alter_table.sql), without a default here.
 */
export function addOriginColumnStatement(dialect: Dialect, table: TableRef): string {
  const name = tableSql(dialect, table)
  if (dialect === 'greptime') return `ALTER TABLE ${name} ADD COLUMN origin STRING`
  const column = `origin TEXT NOT NULL DEFAULT 'live'`
  return dialect === 'sqlite' ? `ALTER TABLE ${name} ADD COLUMN ${column}` : `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${column}`
}

export function pruneHistoryStatement(dialect: Dialect, table: TableRef, before: EpochMs): string {
  return `DELETE FROM ${tableSql(dialect, table)} WHERE ts < ${instantLiteral(dialect, before)}`
}
