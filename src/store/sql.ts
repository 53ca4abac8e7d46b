/**
 * Every statement the store sends, built as plain text (no bind parameters: GreptimeDB's extended
 * protocol is version-sensitive, spec-data §8, so the client uses the simple query protocol only).
 *
 * Safety rests on three rules, applied here and nowhere else:
 * - identifiers (namespaces, table names) must match `^[A-Za-z_][A-Za-z0-9_]*$` and are never
 *   quoted or escaped: anything else is rejected with `invalid_identifier`;
 * - text values become `'...'` with `'` doubled; a NUL character is rejected;
 * - numbers must be finite; instants are ISO-8601 literals with `Z`, which GreptimeDB reads as UTC
 *   and PostgreSQL's `timestamp` columns take as the same wall-clock value, so both store UTC;
 *   SQLite stores them as INTEGER epoch milliseconds (UTC by construction), written as integers.
 *
 * The SQL is the subset GreptimeDB (DataFusion), PostgreSQL and SQLite share; every builder takes
 * the `Dialect` for what differs (instants, DDL, table listing, namespaces). SQLite has no schemas:
 * a namespaced table is one table whose name is `namespace.name`, double-quoted — the only quoted
 * identifier, safe because both parts passed the identifier rule (no quote, no dot).
 */

import { AppError } from '../errors.ts'
import type { EpochMs } from '../engine/types.ts'
import type { MinswapRow, PositionRow, TableRef, TimeRange } from './types.ts'

export type Dialect = 'greptime' | 'postgres' | 'sqlite'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
/** PostgreSQL silently truncates longer names, which could make two tables collide. */
export const MAX_IDENTIFIER_LENGTH = 63

/** Returns `value` if it is a safe SQL identifier; `what` names it in the error. */
export function identifier(value: string, what: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new AppError(
      'invalid_identifier',
      `${what} ${JSON.stringify(value)} is not a valid SQL identifier (letters, digits and _ only, not starting with a digit)`,
      {
        details: { what, value },
      },
    )
  }
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    throw new AppError('invalid_identifier', `${what} ${JSON.stringify(value)} is longer than ${MAX_IDENTIFIER_LENGTH} characters`, {
      details: { what, value },
    })
  }
  return value
}

export function textLiteral(value: string): string {
  if (value.includes('\u0000')) {
    throw new AppError('invalid_identifier', `text value ${JSON.stringify(value.slice(0, 40))} contains a NUL character`, { details: { value } })
  }
  return `'${value.replaceAll("'", "''")}'`
}

export function numberLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AppError('invalid_identifier', `numeric value ${String(value)} is not a finite number`, { details: { value } })
  }
  return Object.is(value, -0) ? '0' : String(value)
}

export function instantLiteral(dialect: Dialect, ms: EpochMs): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new AppError('invalid_identifier', `instant ${String(ms)} is not a finite epoch-ms number`, { details: { value: ms } })
  }
  // Sub-millisecond parts round, as PostgreSQL's TIMESTAMP(3) does.
  return dialect === 'sqlite' ? String(Math.round(ms)) : `'${new Date(ms).toISOString()}'`
}

export function nullableText(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : textLiteral(value)
}

export function nullableNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : numberLiteral(value)
}

/** The table as SQL names it in `dialect`. */
export function tableSql(dialect: Dialect, table: TableRef): string {
  const label = tableLabel(table)
  return dialect === 'sqlite' && table.namespace !== null ? `"${label}"` : label
}

/** `namespace.name` or `name`: the table in messages, whatever the dialect. */
export function tableLabel(table: TableRef): string {
  const name = identifier(table.name, 'table name')
  return table.namespace === null ? name : `${identifier(table.namespace, 'namespace')}.${name}`
}

function where(conditions: string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`
}

/** `alias` qualifies `ts` when the statement joins tables (`n.ts`). */
function rangeConditions(dialect: Dialect, range: TimeRange, alias: string | null = null): string[] {
  const ts = alias === null ? 'ts' : `${alias}.ts`
  const conditions: string[] = []
  if (range.start !== null) conditions.push(`${ts} >= ${instantLiteral(dialect, range.start)}`)
  if (range.end !== null) conditions.push(`${ts} <= ${instantLiteral(dialect, range.end)}`)
  return conditions
}

const USD_VALUE = 'SUM(COALESCE(usd_value, underlying_units * price_usd, 0))'
const HAS_WALLET = "wallet_address IS NOT NULL AND wallet_address <> ''"

// ---- readers -------------------------------------------------------------------------------

/** The server's version text (SQLite has no `version()`: its library version, named). */
export function versionStatement(dialect: Dialect): string {
  return dialect === 'sqlite' ? "SELECT 'SQLite ' || sqlite_version() AS version" : 'SELECT version() AS version'
}

/** GreptimeDB's session time zone (a function there; PostgreSQL has none of that name). */
export function timeZoneStatement(): string {
  return 'SELECT timezone() AS time_zone'
}

export function aggregateStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  return `SELECT ts, ${USD_VALUE} AS usd, MAX(price_usd) AS price FROM ${tableSql(dialect, table)}${where(rangeConditions(dialect, range))} GROUP BY ts ORDER BY ts`
}

export function walletSeriesStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  return `SELECT ts, wallet_address, ${USD_VALUE} AS usd FROM ${tableSql(dialect, table)}${where([HAS_WALLET, ...rangeConditions(dialect, range)])} GROUP BY ts, wallet_address ORDER BY wallet_address, ts`
}

/**
 * Each wallet's first two samples and its last one in the range (PRODUCT §7), in one statement
 * that never sorts or ranks the whole range (ROW_NUMBER over ~100-character wallet addresses
 * spills to disk in PostgreSQL: 1.8 s against 0.1 s on 216,000 rows of workload L):
 * - `bounds`: per wallet, first and last ts, and the first ts after `earliest` (the first ts of
 *   any wallet) — which is the wallet's second ts whenever it starts then, the usual case;
 * - `late`: the second ts of wallets that start later (usually none, so the join reads nothing);
 * - `picks`: the (wallet, ts) pairs to sum, read back through the ts index.
 * `earliest` is a scalar subquery in a projection, not in an aggregate's argument: older
 * DataFusion (GreptimeDB) plans only the former. Every read of the table carries the time range,
 * also the two joined back to it: GreptimeDB prunes by the time index only when told (issue
 * GreptimeTeam/greptimedb#6874: a CTE joined back to its table, 0.3 s → 40 s without the range).
 */
export function walletSamplesStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  const source = tableSql(dialect, table)
  const rows = `${source}${where([HAS_WALLET, ...rangeConditions(dialect, range)])}`
  return [
    `WITH earliest AS (SELECT MIN(ts) AS start_ts FROM ${rows}),`,
    'bounds AS (SELECT wallet_address, MIN(ts) AS first_ts, MAX(ts) AS last_ts, MIN(later_ts) AS after_start FROM',
    `(SELECT wallet_address, ts, CASE WHEN ts > (SELECT start_ts FROM earliest) THEN ts END AS later_ts FROM ${rows}) AS flagged GROUP BY wallet_address),`,
    `late AS (SELECT n.wallet_address, MIN(n.ts) AS second_ts FROM ${source} AS n JOIN bounds AS b ON n.wallet_address = b.wallet_address`,
    `WHERE ${['b.after_start = b.first_ts AND n.ts > b.first_ts AND n.ts <= b.last_ts', ...rangeConditions(dialect, range, 'n')].join(' AND ')} GROUP BY n.wallet_address),`,
    'picks AS (SELECT wallet_address, first_ts AS ts FROM bounds UNION SELECT wallet_address, last_ts FROM bounds',
    'UNION SELECT wallet_address, after_start FROM bounds WHERE after_start > first_ts UNION SELECT wallet_address, second_ts FROM late)',
    `SELECT r.ts, r.wallet_address, SUM(COALESCE(r.usd_value, r.underlying_units * r.price_usd, 0)) AS usd FROM ${source} AS r`,
    `JOIN picks AS p ON r.wallet_address = p.wallet_address AND r.ts = p.ts${where(rangeConditions(dialect, range, 'r'))}`,
    'GROUP BY r.ts, r.wallet_address ORDER BY r.wallet_address, r.ts',
  ].join(' ')
}

export function transactionsStatement(dialect: Dialect, table: TableRef, range: TimeRange, wallet: string | null): string {
  const conditions = rangeConditions(dialect, range)
  if (wallet !== null) conditions.push(`wallet_address = ${textLiteral(wallet)}`)
  return `SELECT ts, created_at, wallet_address, market_id, amount, notes FROM ${tableSql(dialect, table)}${where(conditions)} ORDER BY ts, wallet_address`
}

/** One price per timestamp (positions tables repeat it once per wallet). */
export function priceSeriesStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  return `SELECT ts, MAX(price_usd) AS price_usd FROM ${tableSql(dialect, table)}${where(['price_usd IS NOT NULL', ...rangeConditions(dialect, range)])} GROUP BY ts ORDER BY ts`
}

/**
 * The newest price at or before `asOf` (null: the newest of all), one per timestamp as in
 * priceSeriesStatement, so the newest point of a price series read earlier is the same price.
 */
export function latestPriceStatement(dialect: Dialect, table: TableRef, asOf: EpochMs | null = null): string {
  const conditions = ['price_usd IS NOT NULL', 'ts IS NOT NULL', ...rangeConditions(dialect, { start: null, end: asOf })]
  return `SELECT ts, MAX(price_usd) AS price_usd FROM ${tableSql(dialect, table)}${where(conditions)} GROUP BY ts ORDER BY ts DESC LIMIT 1`
}

/** Each wallet's USD at exactly these instants (a replay's last samples, read once for every instant). */
export function walletValuesAtStatement(dialect: Dialect, table: TableRef, instants: readonly EpochMs[]): string {
  const at = `ts IN (${instants.map((instant) => instantLiteral(dialect, instant)).join(', ')})`
  return `SELECT ts, wallet_address, ${USD_VALUE} AS usd FROM ${tableSql(dialect, table)}${where([HAS_WALLET, at])} GROUP BY ts, wallet_address ORDER BY wallet_address, ts`
}

export function minswapSeriesStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  return `SELECT ts, MAX(price_usd) AS price_usd, MAX(ada_usd) AS ada_usd FROM ${tableSql(dialect, table)}${where(rangeConditions(dialect, range))} GROUP BY ts ORDER BY ts`
}

export function distinctWalletsStatement(dialect: Dialect, table: TableRef): string {
  return `SELECT DISTINCT wallet_address FROM ${tableSql(dialect, table)} WHERE wallet_address IS NOT NULL`
}

export function marketStatement(dialect: Dialect, table: TableRef, withName: boolean): string {
  return withName
    ? `SELECT market_id, market_name FROM ${tableSql(dialect, table)} WHERE market_id IS NOT NULL OR market_name IS NOT NULL LIMIT 1`
    : `SELECT market_id FROM ${tableSql(dialect, table)} WHERE market_id IS NOT NULL LIMIT 1`
}

export function timespanStatement(dialect: Dialect, table: TableRef, range: TimeRange = { start: null, end: null }): string {
  return `SELECT MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM ${tableSql(dialect, table)}${where(rangeConditions(dialect, range))}`
}

/** Rows in the range (the store doctor's count). */
export function rowCountStatement(dialect: Dialect, table: TableRef, range: TimeRange): string {
  return `SELECT COUNT(*) AS row_count FROM ${tableSql(dialect, table)}${where(rangeConditions(dialect, range))}`
}

/** One column of table names; `namespace` null = the connection's database / current schema. */
export function listTablesStatement(dialect: Dialect, namespace: string | null): string {
  if (dialect === 'greptime') return namespace === null ? 'SHOW TABLES' : `SHOW TABLES FROM ${identifier(namespace, 'namespace')}`
  if (dialect === 'sqlite') {
    // SQLite's own tables (sqlite_sequence, sqlite_stat1) are not ours; a `.` marks a namespace.
    const ours = "type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    if (namespace === null) return `SELECT name AS table_name FROM sqlite_master WHERE ${ours} AND instr(name, '.') = 0 ORDER BY name`
    const qualifier = `${identifier(namespace, 'namespace')}.`
    return (
      `SELECT substr(name, ${qualifier.length + 1}) AS table_name FROM sqlite_master WHERE ${ours} ` +
      `AND substr(name, 1, ${qualifier.length}) = ${textLiteral(qualifier)} ORDER BY name`
    )
  }
  const schema = namespace === null ? 'current_schema()' : textLiteral(identifier(namespace, 'namespace'))
  return `SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`
}

// ---- writers -------------------------------------------------------------------------------

/** None in SQLite, where the namespace is part of the table's name. */
export function createNamespaceStatements(dialect: Dialect, namespace: string): string[] {
  const name = identifier(namespace, 'namespace')
  if (dialect === 'sqlite') return []
  return [dialect === 'greptime' ? `CREATE DATABASE IF NOT EXISTS ${name}` : `CREATE SCHEMA IF NOT EXISTS ${name}`]
}

type Column = readonly [name: string, greptimeType: string, postgresType: string]

const POSITION_COLUMNS: readonly Column[] = [
  ['ts', 'TIMESTAMP TIME INDEX', 'TIMESTAMP(3)'],
  ['wallet_address', 'STRING', 'TEXT'],
  ['market_id', 'STRING', 'TEXT'],
  ['market_name', 'STRING', 'TEXT'],
  ['underlying_units', 'DOUBLE', 'DOUBLE PRECISION'],
  ['price_usd', 'DOUBLE', 'DOUBLE PRECISION'],
  ['usd_value', 'DOUBLE', 'DOUBLE PRECISION'],
]
/**
 * spec-data §1.5.3 plus `tx_id`, the Liqwid transaction id verbatim: the row's identity with the
 * wallet. In GreptimeDB (wallet_address, tx_id) is the PRIMARY KEY next to the TIME INDEX (ts), so
 * two transactions in one millisecond stay two rows and a re-insert of one replaces itself.
 */
const TRANSACTION_COLUMNS: readonly Column[] = [
  ['ts', 'TIMESTAMP TIME INDEX', 'TIMESTAMP(3)'],
  ['created_at', 'TIMESTAMP', 'TIMESTAMP(3)'],
  ['wallet_address', 'STRING', 'TEXT'],
  ['market_id', 'STRING', 'TEXT'],
  ['amount', 'DOUBLE', 'DOUBLE PRECISION'],
  ['notes', 'STRING', 'TEXT'],
  ['tx_id', 'STRING', 'TEXT'],
]
const MINSWAP_COLUMNS: readonly Column[] = [
  ['ts', 'TIMESTAMP TIME INDEX', 'TIMESTAMP(3)'],
  ['price_usd', 'DOUBLE', 'DOUBLE PRECISION'],
  ['ada_usd', 'DOUBLE', 'DOUBLE PRECISION'],
]

/** SQLite's STRICT types for the PostgreSQL ones: instants are INTEGER epoch milliseconds. */
const SQLITE_TYPES: Record<string, string> = { 'TIMESTAMP(3)': 'INTEGER', TEXT: 'TEXT', 'DOUBLE PRECISION': 'REAL' }

function columnType(dialect: Dialect, [name, greptimeType, postgresType]: Column): string {
  if (dialect === 'greptime') return greptimeType
  if (dialect === 'postgres') return postgresType
  const type = SQLITE_TYPES[postgresType]
  if (type === undefined) throw new AppError('internal', `column ${name}: no SQLite type for ${postgresType}`)
  return type
}

function createTable(dialect: Dialect, table: TableRef, columns: readonly Column[], greptimeKey: string | null): string[] {
  const definitions = columns.map((column) => `${column[0]} ${columnType(dialect, column)}`)
  if (dialect === 'greptime' && greptimeKey !== null) definitions.push(`PRIMARY KEY (${greptimeKey})`)
  // STRICT: SQLite otherwise stores whatever a value looks like (text in a REAL column).
  const create = `CREATE TABLE IF NOT EXISTS ${tableSql(dialect, table)} (${definitions.join(', ')})${dialect === 'sqlite' ? ' STRICT' : ''}`
  if (dialect === 'greptime') return [create]
  // GreptimeDB's time index needs no help; PostgreSQL and SQLite read by ts range, so index it.
  // A PostgreSQL index lives in its table's schema; SQLite's index names are global like its tables.
  const index = { namespace: dialect === 'sqlite' ? table.namespace : null, name: `${table.name.slice(0, MAX_IDENTIFIER_LENGTH - 7)}_ts_idx` }
  return [create, `CREATE INDEX IF NOT EXISTS ${tableSql(dialect, index)} ON ${tableSql(dialect, table)} (ts)`]
}

/** Wallet and market are tags in GreptimeDB, otherwise wallets sampled at one ts would collapse. */
export function createPositionsTableStatements(dialect: Dialect, table: TableRef): string[] {
  return createTable(dialect, table, POSITION_COLUMNS, 'wallet_address, market_id')
}

export function createTransactionsTableStatements(dialect: Dialect, table: TableRef): string[] {
  return createTable(dialect, table, TRANSACTION_COLUMNS, 'wallet_address, tx_id')
}

export function createMinswapTableStatements(dialect: Dialect, table: TableRef): string[] {
  return createTable(dialect, table, MINSWAP_COLUMNS, null)
}

export function dropTableStatement(dialect: Dialect, table: TableRef): string {
  return `DROP TABLE IF EXISTS ${tableSql(dialect, table)}`
}

function insert(dialect: Dialect, table: TableRef, columns: readonly Column[], tuples: string[]): string {
  return `INSERT INTO ${tableSql(dialect, table)} (${columns.map(([name]) => name).join(', ')}) VALUES ${tuples.join(', ')}`
}

export function insertPositionsStatement(dialect: Dialect, table: TableRef, rows: readonly PositionRow[]): string {
  const tuples = rows.map(
    (row) =>
      `(${instantLiteral(dialect, row.ts)}, ${nullableText(row.wallet)}, ${nullableText(row.marketId)}, ${nullableText(row.marketName)}, ` +
      `${nullableNumber(row.units)}, ${nullableNumber(row.priceUsd)}, ${nullableNumber(row.usdValue)})`,
  )
  return insert(dialect, table, POSITION_COLUMNS, tuples)
}

/** Rows whose amounts already carry the stored sign. */
export interface TransactionTuple {
  readonly ts: EpochMs
  readonly createdAt: EpochMs
  readonly wallet: string
  readonly marketId: string
  readonly amount: number
  readonly notes: string | null
  /** null only for rows that have no Liqwid transaction (manual entries) */
  readonly txId: string | null
}

/**
 * PostgreSQL and SQLite (3.35+ for RETURNING) skip a row whose (wallet_address, tx_id) is stored
 * already and return one row per row written, so a sync racing another one counts only its own.
 * GreptimeDB keeps the last of two identical keys, so a re-insert is harmless there (and it has
 * no RETURNING).
 */
export function insertTransactionsStatement(dialect: Dialect, table: TableRef, rows: readonly TransactionTuple[]): string {
  const tuples = rows.map(
    (row) =>
      `(${instantLiteral(dialect, row.ts)}, ${instantLiteral(dialect, row.createdAt)}, ${textLiteral(row.wallet)}, ${textLiteral(row.marketId)}, ` +
      `${numberLiteral(row.amount)}, ${nullableText(row.notes)}, ${nullableText(row.txId)})`,
  )
  const statement = insert(dialect, table, TRANSACTION_COLUMNS, tuples)
  return dialect === 'greptime' ? statement : `${statement} ON CONFLICT (wallet_address, tx_id) DO NOTHING RETURNING 1 AS written`
}

export function insertMinswapStatement(dialect: Dialect, table: TableRef, rows: readonly MinswapRow[]): string {
  const tuples = rows.map((row) => `(${instantLiteral(dialect, row.ts)}, ${nullableNumber(row.priceUsd)}, ${nullableNumber(row.adaUsd)})`)
  return insert(dialect, table, MINSWAP_COLUMNS, tuples)
}
