/**
 * `alert-orchestrator check`: the store doctor. Connects, prints the dialect and the server
 * version, then per configured asset the tables it reads (whether each exists, its rows in the
 * configured range, the newest sample's age, the wallets seen, whether transaction tables carry
 * `tx_id`), then whether the price providers answer (5 s each). It never writes.
 *
 * Exit 0 when every asset can be evaluated (its positions table exists and holds rows in the
 * range), 1 otherwise; a bad configuration exits 2 before this runs.
 */
import type { Config } from '../config/resolve.ts'
import { describeError } from '../errors.ts'
import { createLiqwidClient } from '../sources/liqwid.ts'
import { createMinswapClient } from '../sources/minswap.ts'
import { isMissingColumn, isMissingTable, type StoreClient } from '../store/client.ts'
import * as sql from '../store/sql.ts'
import * as txIdSql from '../store/tx-id-sql.ts'
import { TableNames, type TableNamesOptions } from '../store/tables.ts'
import type { TableKind, TimeRange } from '../store/types.ts'

/** Each price provider gets this long to answer, once. */
const PROVIDER_DEADLINE_MS = 5_000
const KINDS: readonly TableKind[] = ['positions', 'deposits', 'withdrawals', 'minswap']

export interface TableReport {
  readonly kind: TableKind
  readonly table: string
  readonly exists: boolean
  readonly rowsInRange: number | null
  readonly newestAgeSeconds: number | null
  readonly wallets: number | null
  /** transaction tables only: null elsewhere */
  readonly txId: boolean | null
  readonly error: string | null
}

export async function runCheck(
  config: Config,
  client: StoreClient,
  names: TableNamesOptions,
  write: (line: string) => void,
  now = Date.now(),
): Promise<number> {
  const dialect = await client.dialect()
  const [version] = await client.query('version', sql.versionStatement(dialect), { retry: true })
  write(`store: ${client.target} — dialect ${dialect}, server ${String(version?.version ?? 'unknown')}`)
  const tables = new TableNames(names)
  const range = configuredRange(config)
  write(`range: ${describeRange(range)}`)

  let evaluable = true
  for (const [asset, resolved] of Object.entries(config.resolved.assets)) {
    write(`asset ${asset} (table symbol ${resolved.symbol}):`)
    const reports: TableReport[] = []
    for (const kind of KINDS) reports.push(await inspect(client, tables, kind, resolved.symbol, range, now))
    for (const report of reports) write(`  ${describeTable(report)}`)
    const positions = reports[0]!
    const ok = positions.exists && (positions.rowsInRange ?? 0) > 0
    if (!ok) evaluable = false
    write(
      `  → ${ok ? 'can be evaluated' : `cannot be evaluated: ${positions.exists ? `${positions.table} has no rows in the range` : `${positions.table} is missing`}`}`,
    )
  }
  for (const line of await providers(config)) write(line)
  write(evaluable ? 'check: every asset can be evaluated' : 'check: some assets cannot be evaluated')
  return evaluable ? 0 : 1
}

/** `resolved.date_range` holds UTC instants already (the evaluation reads it the same way). */
function configuredRange(config: Config): TimeRange {
  return { start: config.resolved.date_range.start, end: config.resolved.date_range.end }
}

function describeRange(range: TimeRange): string {
  const at = (ms: number | null, open: string) => (ms === null ? open : new Date(ms).toISOString())
  return `${at(range.start, 'the beginning')} … ${at(range.end, 'now')}`
}

async function inspect(
  client: StoreClient,
  tables: TableNames,
  kind: TableKind,
  symbol: string,
  range: TimeRange,
  now: number,
): Promise<TableReport> {
  const ref = tables.table(kind, symbol)
  const table = sql.tableLabel(ref)
  const base = { kind, table, exists: false, rowsInRange: null, newestAgeSeconds: null, wallets: null, txId: null, error: null }
  try {
    const dialect = await client.dialect()
    const [count] = await client.query(`count ${table}`, sql.rowCountStatement(dialect, ref, range), { retry: true })
    const [span] = await client.query(`timespan ${table}`, sql.timespanStatement(dialect, ref), { retry: true })
    const newest = span?.last_ts === null || span?.last_ts === undefined ? null : Number(span.last_ts)
    const wallets =
      kind === 'minswap' ? null : (await client.query(`wallets ${table}`, sql.distinctWalletsStatement(dialect, ref), { retry: true })).length
    const transactions = kind === 'deposits' || kind === 'withdrawals'
    return {
      ...base,
      exists: true,
      rowsInRange: Number(count?.row_count ?? 0),
      newestAgeSeconds: newest === null ? null : Math.round((now - newest) / 1000),
      wallets,
      txId: transactions ? await hasTxId(client, ref) : null,
    }
  } catch (error) {
    if (isMissingTable(error)) return base
    return { ...base, exists: true, error: describeError(error) }
  }
}

async function hasTxId(client: StoreClient, ref: ReturnType<TableNames['table']>): Promise<boolean> {
  try {
    await client.query(`probeTxId ${sql.tableLabel(ref)}`, txIdSql.txIdProbeStatement(await client.dialect(), ref), { retry: true })
    return true
  } catch (error) {
    if (isMissingColumn(error)) return false
    throw error
  }
}

export function describeTable(report: TableReport): string {
  if (!report.exists) return `${report.kind}: ${report.table} — missing`
  if (report.error !== null) return `${report.kind}: ${report.table} — unreadable: ${report.error}`
  const parts = [`${report.rowsInRange} rows in range`]
  parts.push(report.newestAgeSeconds === null ? 'empty' : `newest sample ${formatAge(report.newestAgeSeconds)} old`)
  if (report.wallets !== null) parts.push(`${report.wallets} wallet(s)`)
  if (report.txId !== null) parts.push(report.txId ? 'tx_id present' : 'tx_id missing (the next sync migrates it)')
  return `${report.kind}: ${report.table} — ${parts.join(', ')}`
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`
  return `${Math.round(seconds / 86_400)} d`
}

/** One line per configured live price provider: answered (with what) or why not. */
async function providers(config: Config): Promise<string[]> {
  const lines: string[] = []
  const liqwid = config.prices.endpoints.liqwid_graphql
  if (liqwid === null) lines.push('price provider liqwid: not configured')
  else {
    const client = createLiqwidClient({ endpoint: liqwid, timeoutMs: PROVIDER_DEADLINE_MS, retries: 0 })
    lines.push(
      await client.fetchMarkets().then(
        (markets) => `price provider liqwid: reachable (${markets.length} markets) at ${liqwid}`,
        (error) => `price provider liqwid: unreachable at ${liqwid}: ${describeError(error)}`,
      ),
    )
  }
  const minswap = config.prices.endpoints.minswap_aggregator
  if (minswap === null) lines.push('price provider minswap: not configured')
  else {
    const client = createMinswapClient({ baseUrl: minswap, requestTimeoutSeconds: PROVIDER_DEADLINE_MS / 1000, retries: 0 })
    lines.push(
      await client.adaPrice().then(
        (price) => `price provider minswap: reachable (ADA ${price ?? 'without a price'} USD) at ${minswap}`,
        (error) => `price provider minswap: unreachable at ${minswap}: ${describeError(error)}`,
      ),
    )
  }
  return lines
}
