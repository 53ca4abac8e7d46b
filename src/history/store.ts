/**
 * The decision history in the store: one row per asset and evaluation, appended after every
 * evaluation, read by `/api/history`, the dashboard strip and the notifier's restart, pruned by age.
 * Under `--test-prefix` the rows go to `test_orchestrator_decisions` and are read back from there:
 * unlike the market tables, the history is the service's own output.
 *
 * A row that cannot be read back (unknown decision code, bad timestamp) is skipped and reported;
 * it never hides the others.
 */
import type { DecisionCode, EpochMs } from '../engine/types.ts'
import { log } from '../log.ts'
import { isMissingColumn, isMissingTable, type Row, type StoreClient } from '../store/client.ts'
import * as sql from '../store/history-sql.ts'
import type { Dialect } from '../store/sql.ts'
import type { TableRef } from '../store/types.ts'
import type { DecisionRecord } from './record.ts'

/** Rows per INSERT: one evaluation writes one row per asset, far below this. */
const CHUNK_ROWS = 500
/** The most rows one read returns (90 days of hourly evaluations of 4 assets is 8,640). */
export const MAX_HISTORY_ROWS = 20_000

export interface HistoryRead {
  /** oldest first */
  readonly records: DecisionRecord[]
  /** rows skipped, each with why */
  readonly problems: string[]
}

export class DecisionHistory {
  readonly table: TableRef
  private ensured: Promise<void> | null = null

  constructor(
    private readonly client: StoreClient,
    options: { readonly testPrefix?: boolean } = {},
  ) {
    this.table = sql.historyTable(options.testPrefix ?? false)
  }

  async append(records: readonly DecisionRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.ensureTable()
    const dialect = await this.client.dialect()
    for (let start = 0; start < records.length; start += CHUNK_ROWS)
      await this.client.query(
        `appendHistory ${this.table.name}`,
        sql.insertHistoryStatement(dialect, this.table, records.slice(start, start + CHUNK_ROWS)),
      )
  }

  /** Rows of `asset` (null: every asset) in [from, to], the newest `limit` of them, oldest first. */
  async read(query: Partial<sql.HistoryQuery> = {}): Promise<HistoryRead> {
    const statement = sql.selectHistoryStatement(await this.client.dialect(), this.table, {
      asset: query.asset ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
      limit: Math.min(query.limit ?? MAX_HISTORY_ROWS, MAX_HISTORY_ROWS),
      origin: query.origin ?? null,
    })
    const rows = await this.select('readHistory', statement)
    const records: DecisionRecord[] = []
    const problems: string[] = []
    for (const row of rows.reverse()) {
      const parsed = parseRow(row)
      if (typeof parsed === 'string') problems.push(parsed)
      else records.push(parsed)
    }
    return { records, problems }
  }

  /** The instants of `asset`'s rows (any origin) in [from, to], oldest first. */
  async instants(asset: string, from: EpochMs, to: EpochMs): Promise<EpochMs[]> {
    const rows = await this.select('historyInstants', sql.historyInstantsStatement(await this.client.dialect(), this.table, asset, from, to))
    return rows.map((row) => row.ts).filter((ts): ts is number => typeof ts === 'number' && Number.isFinite(ts))
  }

  /** When `asset` last had `decision` in a live row (e.g. 1: its last WITHDRAW_OK), null if never in the retained rows. */
  async lastWith(asset: string, decision: DecisionCode): Promise<EpochMs | null> {
    const rows = await this.select('lastDecision', sql.lastDecisionStatement(await this.client.dialect(), this.table, asset, decision))
    const ts = rows[0]?.last_ts
    return typeof ts === 'number' && Number.isFinite(ts) ? ts : null
  }

  /** Deletes the rows older than `before`; a missing table is nothing to prune. */
  async prune(before: EpochMs): Promise<void> {
    try {
      await this.client.query(`pruneHistory ${this.table.name}`, sql.pruneHistoryStatement(await this.client.dialect(), this.table, before))
    } catch (error) {
      if (!isMissingTable(error)) throw error
    }
  }

  private ensureTable(): Promise<void> {
    this.ensured ??= (async () => {
      const dialect = await this.client.dialect()
      for (const statement of sql.createHistoryTableStatements(dialect, this.table))
        await this.client.query(`createHistoryTable ${this.table.name}`, statement, { retry: true })
      await this.migrateOrigin(dialect)
    })().catch((error: unknown) => {
      this.ensured = null
      throw error
    })
    return this.ensured
  }

  /** A table created before `origin` existed gets the column (its rows are live rows). */
  private async migrateOrigin(dialect: Dialect): Promise<void> {
    const probe = () => this.client.query(`probeOrigin ${this.table.name}`, sql.originProbeStatement(dialect, this.table), { retry: true })
    try {
      await probe()
    } catch (error) {
      if (!isMissingColumn(error)) throw error
      try {
        await this.client.query(`addOriginColumn ${this.table.name}`, sql.addOriginColumnStatement(dialect, this.table))
        log.info('decision history migrated: origin column added', { table: this.table.name })
      } catch (addError) {
        // Another process added it between the probe and here (SQLite: "duplicate column name").
        await probe().catch(() => Promise.reject(addError))
      }
    }
  }

  private async select(kind: string, statement: string): Promise<Row[]> {
    const query = () => this.client.query(`${kind} ${this.table.name}`, statement, { retry: true })
    try {
      return await query()
    } catch (error) {
      if (isMissingTable(error)) return []
      // A table from before `origin`, read before this version's first write: migrate, then read.
      if (!isMissingColumn(error)) throw error
      await this.ensureTable()
      return await query()
    }
  }
}

const DECISION_CODES = new Set([1, 0, -1])
const ORIGINS = new Set<unknown>(sql.HISTORY_ORIGINS)

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** A record, or why the row cannot be one. */
export function parseRow(row: Row): DecisionRecord | string {
  const ts = row.ts
  const asset = row.asset
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return `history row without a valid ts (asset ${String(asset)})`
  if (typeof asset !== 'string' || asset === '') return `history row at ${new Date(ts).toISOString()} has no asset`
  const decision = Number(row.decision)
  if (!DECISION_CODES.has(decision))
    return `history row ${asset} at ${new Date(ts).toISOString()} has decision ${String(row.decision)} (expected 1, 0 or -1)`
  // NULL: a GreptimeDB row written before the column existed, by the live service
  const origin = row.origin ?? 'live'
  if (!ORIGINS.has(origin))
    return `history row ${asset} at ${new Date(ts).toISOString()} has origin ${JSON.stringify(origin)} (expected live or replay)`
  return {
    ts,
    asset,
    decision: decision as DecisionCode,
    reasonCode: typeof row.reason_code === 'string' ? row.reason_code : '',
    reasonText: typeof row.reason_text === 'string' ? row.reason_text : '',
    withdrawableUsd: optionalNumber(row.withdrawable_usd) ?? 0,
    wmaxUsd: optionalNumber(row.wmax_usd) ?? 0,
    gUsd: optionalNumber(row.g_usd),
    vT1Usd: optionalNumber(row.v_t1_usd),
    priceT1Usd: optionalNumber(row.price_t1_usd),
    gateResidualUsd: optionalNumber(row.gate_residual_usd),
    gateThresholdUsd: optionalNumber(row.gate_threshold_usd),
    priceDeltaRel: optionalNumber(row.price_delta_rel),
    durationMs: optionalNumber(row.duration_ms) ?? 0,
    origin: origin as sql.HistoryOrigin,
    t0: null,
  }
}
