/**
 * What one evaluation reads from the store (PRODUCT §7), next to its floors, on a workload made
 * by tests/bench/gen-workload.ts:
 *
 *   bun tests/bench/measure-store.ts --url postgres://postgres@127.0.0.1:5432/ao_bench [--runs 5]
 *
 * - store:   per asset, concurrently for all assets, the readers one evaluation calls:
 *            assetAggregate, transactions and walletSamples over the last 30 days;
 * - driver:  the rows those readers are computed from (positions and transactions in the same
 *            range), fetched with a plain SELECT through the same driver and settings;
 * - psql:    the same plain SELECTs, and the readers' own statements, through
 *            `psql -c "\copy (<query>) to /dev/null"`, one psql per asset, in parallel.
 * Each variant runs in its own process (a warm-up, then --runs timed rounds) so its peak RSS is
 * its own. Prints one `key=value` line per variant: median and best wall time, peak RSS.
 */

import { parseArgs } from 'node:util'
import { PostgresClient } from '../../src/store/postgres-client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import * as sql from '../../src/store/sql.ts'
import { TableNames } from '../../src/store/tables.ts'
import type { TimeRange } from '../../src/store/types.ts'

const DAYS = 30
const DAY_MS = 86_400_000

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '5' },
    variant: { type: 'string' },
  },
})
if (!values.url) {
  console.error('usage: bun tests/bench/measure-store.ts --url postgres://… [--runs 5]')
  process.exit(2)
}
const url = values.url
const runs = Math.max(1, Number(values.runs) || 5)

interface Plan {
  readonly symbols: string[]
  readonly range: TimeRange
}

/** Every positions table, over the 30 days that end at its newest sample. */
async function plan(reader: StoreReader): Promise<Plan> {
  const symbols = await reader.listAssetSymbols()
  const spans = await Promise.all(symbols.map((symbol) => reader.timespan('positions', symbol)))
  const end = Math.max(...spans.map((span) => span?.last ?? 0))
  return { symbols, range: { start: end - DAYS * DAY_MS, end } }
}

/** Per asset, the plain SELECTs of the rows the readers aggregate. */
function rawStatements(names: TableNames, plan: Plan): string[][] {
  return plan.symbols.map((symbol) => [
    `SELECT ts, wallet_address, underlying_units, price_usd, usd_value FROM ${sql.tableSql('postgres', names.table('positions', symbol))}` +
      ` WHERE ts >= ${sql.instantLiteral('postgres', plan.range.start!)} AND ts <= ${sql.instantLiteral('postgres', plan.range.end!)}`,
    sql.transactionsStatement('postgres', names.table('deposits', symbol), plan.range, null),
    sql.transactionsStatement('postgres', names.table('withdrawals', symbol), plan.range, null),
  ])
}

/** Per asset, the readers' own statements. */
function readerStatements(names: TableNames, plan: Plan): string[][] {
  return plan.symbols.map((symbol) => [
    sql.aggregateStatement('postgres', names.table('positions', symbol), plan.range),
    sql.walletSamplesStatement('postgres', names.table('positions', symbol), plan.range),
    sql.transactionsStatement('postgres', names.table('deposits', symbol), plan.range, null),
    sql.transactionsStatement('postgres', names.table('withdrawals', symbol), plan.range, null),
  ])
}

async function timed(round: () => Promise<number>): Promise<{ ms: number[]; rows: number }> {
  let rows = await round() // warm-up: connections, caches
  const ms: number[] = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    rows = await round()
    ms.push(performance.now() - started)
  }
  return { ms, rows }
}

/** Child process: one variant, one JSON line. */
async function child(variant: string): Promise<void> {
  const client = new PostgresClient({ url, queryTimeoutMs: 120_000 })
  const reader = new StoreReader(client)
  const names = new TableNames()
  const target = await plan(reader)
  let result: { ms: number[]; rows: number }
  if (variant === 'store') {
    result = await timed(async () => {
      const perAsset = await Promise.all(
        target.symbols.map(async (symbol) => {
          const [aggregate, { transactions }, samples] = await Promise.all([
            reader.assetAggregate(symbol, target.range),
            reader.transactions(symbol, target.range),
            reader.walletSamples(symbol, target.range),
          ])
          return (aggregate?.ts.length ?? 0) + transactions.length + [...samples.values()].reduce((sum, series) => sum + series.ts.length, 0)
        }),
      )
      return perAsset.reduce((sum, rows) => sum + rows, 0)
    })
  } else {
    const statements = rawStatements(names, target).flat()
    result = await timed(async () =>
      (await Promise.all(statements.map((text) => client.query('raw', text)))).reduce((sum, rows) => sum + rows.length, 0),
    )
  }
  await client.close()
  console.log(JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS }))
}

/** One psql process per asset (in parallel), running that asset's statements in turn. */
async function psql(perAsset: string[][]): Promise<{ ms: number[]; rows: number }> {
  const round = async () => {
    await Promise.all(
      perAsset.map(async (statements) => {
        const commands = statements.flatMap((text) => ['-c', `\\copy (${text}) to /dev/null`])
        const process = Bun.spawn(['psql', url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...commands], { stderr: 'pipe' })
        if ((await process.exited) !== 0) throw new Error(`psql failed: ${await new Response(process.stderr).text()}`)
      }),
    )
    return 0
  }
  return timed(round)
}

function line(name: string, result: { ms: number[]; rows: number }, extra = ''): string {
  const sorted = [...result.ms].sort((a, b) => a - b)
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!
  return `variant=${name} runs=${sorted.length} median_ms=${median.toFixed(1)} best_ms=${sorted[0]!.toFixed(1)} rows=${result.rows}${extra}`
}

if (values.variant) {
  await child(values.variant)
} else {
  const client = new PostgresClient({ url })
  const reader = new StoreReader(client)
  const target = await plan(reader)
  const names = new TableNames()
  await client.close()
  console.log(`assets=${target.symbols.join(',')} range=${new Date(target.range.start!).toISOString()}..${new Date(target.range.end!).toISOString()}`)
  for (const variant of ['store', 'driver']) {
    const spawned = Bun.spawn([process.execPath, import.meta.path, '--url', url, '--runs', String(runs), '--variant', variant], { stderr: 'inherit' })
    const output = await new Response(spawned.stdout).text()
    if ((await spawned.exited) !== 0) throw new Error(`variant ${variant} failed`)
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { ms: number[]; rows: number; maxRssKb: number }
    console.log(line(variant, result, ` peak_rss_mb=${(result.maxRssKb / 1024).toFixed(0)}`))
  }
  if (Bun.which('psql') === null) console.log('variant=psql skipped: psql not on PATH')
  else {
    console.log(line('psql-raw', await psql(rawStatements(names, target))))
    console.log(line('psql-reader-sql', await psql(readerStatements(names, target))))
  }
}
