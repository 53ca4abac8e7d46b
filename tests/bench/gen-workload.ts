/**
 * Benchmark workloads (PRODUCT §7) from the demo's synthetic market, written through the store's
 * writers into PostgreSQL (or GreptimeDB). Workload L:
 *
 *   bun tests/bench/gen-workload.ts --url postgres://postgres@127.0.0.1:5432/ao_bench \
 *     --assets 4 --wallets 25 --days 30 --step 5 --replace
 *
 * = 4 assets × 25 wallets × 30 days at 5-minute samples = 864,000 position rows, plus deposits,
 * withdrawals (tagged references included) and hourly Minswap prices. A missing database is
 * created. Without --replace, existing workload tables are an error (rows would be doubled).
 * Prints one `key=value` line per asset and a total.
 */

import { parseArgs } from 'node:util'
import { AppError, describeError } from '../../src/errors.ts'
import { PostgresClient } from '../../src/store/postgres-client.ts'
import { type WrittenRows, writeSyntheticAsset } from '../../src/store/demo.ts'
import { DAY_MS, MINUTE_MS, alignDown, workloadAssets } from '../../src/store/synthetic.ts'
import { StoreWriter } from '../../src/store/writer.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    assets: { type: 'string', default: '4' },
    wallets: { type: 'string', default: '25' },
    days: { type: 'string', default: '30' },
    step: { type: 'string', default: '5' },
    now: { type: 'string' },
    seed: { type: 'string', default: 'alert-orchestrator-workload' },
    keyword: { type: 'string', default: 'alert_driven' },
    replace: { type: 'boolean', default: false },
  },
})

function positive(name: string, text: string | undefined): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) usage(`--${name} must be a positive integer (got ${String(text)})`)
  return value
}

function usage(message: string): never {
  console.error(
    `${message}\nusage: bun tests/bench/gen-workload.ts --url postgres://… [--assets 4] [--wallets 25] [--days 30] [--step 5] [--now ISO] [--seed s] [--replace]`,
  )
  process.exit(2)
}

if (!values.url) usage('--url is required')
const assets = workloadAssets(positive('assets', values.assets), positive('wallets', values.wallets))
const stepMs = positive('step', values.step) * MINUTE_MS
const samples = Math.floor((positive('days', values.days) * DAY_MS) / stepMs)
const now = values.now === undefined ? Date.now() : Date.parse(values.now)
if (!Number.isFinite(now)) usage(`--now must be an ISO-8601 instant (got ${values.now})`)
const anchor = alignDown(now, stepMs)

/** Connects, creating the database first when the server says it does not exist. */
async function connect(url: string): Promise<PostgresClient> {
  const client = new PostgresClient({ url, queryTimeoutMs: 300_000 })
  try {
    await client.query('probe', 'SELECT 1 AS ok')
    return client
  } catch (error) {
    await client.close()
    if (!(error instanceof AppError) || (error.cause as { code?: string } | undefined)?.code !== '3D000') throw error
  }
  const target = new URL(url)
  const name = target.pathname.slice(1)
  const admin = new PostgresClient({ url: Object.assign(new URL(url), { pathname: '/postgres' }).toString() })
  try {
    await admin.query('create database', `CREATE DATABASE ${name.replace(/[^A-Za-z0-9_]/g, '')}`)
  } finally {
    await admin.close()
  }
  return new PostgresClient({ url, queryTimeoutMs: 300_000 })
}

const client = await connect(values.url)
const writer = new StoreWriter(client)
try {
  for (const spec of assets) {
    if (values.replace) await writer.dropTables(spec.symbol)
    else if ((await writer.timespan('positions', spec.symbol)) !== null)
      usage(`${writer.target('positions', spec.symbol).name} already has rows: pass --replace`)
  }
  const started = performance.now()
  const total: WrittenRows = { positions: 0, deposits: 0, withdrawals: 0, minswap: 0 }
  for (const spec of assets) {
    const assetStarted = performance.now()
    const window = { seed: values.seed!, stepMs, start: anchor - (samples - 1) * stepMs, anchor, end: anchor, after: null, keyword: values.keyword! }
    const written = await writeSyntheticAsset(writer, spec, window)
    for (const key of Object.keys(total) as (keyof WrittenRows)[]) total[key] += written[key]
    const seconds = (performance.now() - assetStarted) / 1000
    console.log(
      `asset=${spec.symbol} wallets=${spec.walletCount} positions=${written.positions} deposits=${written.deposits} withdrawals=${written.withdrawals} minswap=${written.minswap} seconds=${seconds.toFixed(2)}`,
    )
  }
  if ((await client.dialect()) === 'postgres') await client.query('analyze', 'ANALYZE')
  const seconds = (performance.now() - started) / 1000
  console.log(
    `total positions=${total.positions} deposits=${total.deposits} withdrawals=${total.withdrawals} minswap=${total.minswap} ` +
      `seconds=${seconds.toFixed(2)} position_rows_per_second=${Math.round(total.positions / seconds)} end=${new Date(anchor).toISOString()}`,
  )
} catch (error) {
  console.error(`gen-workload failed: ${describeError(error)}`)
  process.exitCode = 1
} finally {
  await client.close()
}
