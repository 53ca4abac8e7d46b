/**
 * The statements of the transaction identity (`tx_id`) and of its in-place migration, per dialect
 * (the column itself is part of sql.ts' transaction tables). Built under sql.ts' rules: checked
 * identifiers, quoted text, instants through `instantLiteral`.
 */

import type { EpochMs } from '../engine/types.ts'
import { type Dialect, instantLiteral, MAX_IDENTIFIER_LENGTH, tableSql, textLiteral } from './sql.ts'
import type { TableRef } from './types.ts'

/** Fails with an undefined-column error on a table written before `tx_id` existed. */
export function txIdProbeStatement(dialect: Dialect, table: TableRef): string {
  return `SELECT tx_id FROM ${tableSql(dialect, table)} LIMIT 1`
}

/**
 * Adds `tx_id` to a table created before it existed. In GreptimeDB the new column joins the
 * primary key (a table's existing tag set cannot be changed), so transactions stop collapsing
 * on ts alone from then on. SQLite has no `ADD COLUMN IF NOT EXISTS`: the probe above guards it.
 */
export function addTxIdColumnStatement(dialect: Dialect, table: TableRef): string {
  const name = tableSql(dialect, table)
  if (dialect === 'greptime') return `ALTER TABLE ${name} ADD COLUMN tx_id STRING PRIMARY KEY`
  return dialect === 'sqlite' ? `ALTER TABLE ${name} ADD COLUMN tx_id TEXT` : `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS tx_id TEXT`
}

/**
 * PostgreSQL's and SQLite's side of the identity: what `ON CONFLICT (wallet_address, tx_id)` needs.
 * NULLs never conflict. Named like the ts index (SQLite's index names are global like its tables).
 */
export function txIdIndexStatements(dialect: Dialect, table: TableRef): string[] {
  if (dialect === 'greptime') return []
  const index = { namespace: dialect === 'sqlite' ? table.namespace : null, name: `${table.name.slice(0, MAX_IDENTIFIER_LENGTH - 7)}_tx_key` }
  return [`CREATE UNIQUE INDEX IF NOT EXISTS ${tableSql(dialect, index)} ON ${tableSql(dialect, table)} (wallet_address, tx_id)`]
}

/** The marker every synced row's notes carry, from the predecessor on: `… Synced from Liqwid (tx: <16 chars>...)`. */
export const SYNCED_NOTES_MARKER = 'Synced from Liqwid (tx:'

/** Rows without an identity whose notes were written by a sync (earlier versions, the predecessor). */
export function legacyTxRowsStatement(dialect: Dialect, table: TableRef): string {
  return `SELECT ts, wallet_address, notes FROM ${tableSql(dialect, table)} WHERE tx_id IS NULL AND notes LIKE ${textLiteral(`%${SYNCED_NOTES_MARKER}%`)}`
}

export function txIdentitiesStatement(dialect: Dialect, table: TableRef): string {
  return `SELECT wallet_address, tx_id FROM ${tableSql(dialect, table)} WHERE tx_id IS NOT NULL`
}

export function storedTxIdsStatement(dialect: Dialect, table: TableRef, wallet: string): string {
  return `SELECT ts, tx_id FROM ${tableSql(dialect, table)} WHERE wallet_address = ${textLiteral(wallet)} AND tx_id IS NOT NULL`
}

export interface TxIdChange {
  readonly wallet: string
  readonly ts: EpochMs
  /** the identity the row has now: null (not backfilled yet) or a stored prefix */
  readonly from: string | null
  readonly to: string
  /** narrows the row further (two legacy rows of one wallet can share a ts) */
  readonly notes?: string
}

/**
 * Gives one row a (longer) identity. PostgreSQL and SQLite update in place. GreptimeDB has no
 * UPDATE: the row is copied with its new key (INSERT … SELECT), then the old key is deleted.
 */
export function setTxIdStatements(dialect: Dialect, table: TableRef, change: TxIdChange): string[] {
  const name = tableSql(dialect, table)
  const current = change.from === null ? 'tx_id IS NULL' : `tx_id = ${textLiteral(change.from)}`
  const notes = change.notes === undefined ? '' : ` AND notes = ${textLiteral(change.notes)}`
  const row = `wallet_address = ${textLiteral(change.wallet)} AND ts = ${instantLiteral(dialect, change.ts)} AND ${current}${notes}`
  if (dialect !== 'greptime') return [`UPDATE ${name} SET tx_id = ${textLiteral(change.to)} WHERE ${row}`]
  return [
    `INSERT INTO ${name} (ts, created_at, wallet_address, market_id, amount, notes, tx_id) ` +
      `SELECT ts, created_at, wallet_address, market_id, amount, notes, ${textLiteral(change.to)} FROM ${name} WHERE ${row}`,
    `DELETE FROM ${name} WHERE ${row}`,
  ]
}
