/**
 * Workload L for the benchmark (PRODUCT §7): 4 assets × 25 wallets × 30 days at 5-minute samples
 * = 864,000 position rows in a dedicated PostgreSQL database (default `ao_bench`), written by the
 * colleagues' generator (tests/bench/gen-workload.ts). An existing database is reused when it has
 * exactly that shape and its last sample is recent (the evaluation reads up to "now", so an old
 * workload would be evaluated on stale data); otherwise it is dropped and generated again.
 *
 * Also writes the benchmark's configuration files: the L config (the shipped analysis settings,
 * the store pointed at the bench database, price providers limited to the store's cached prices
 * so no network call is timed) and the demo config used for the HTTP measurements.
 */

import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import YAML from 'yaml'
import { PostgresClient } from '../../../src/store/postgres-client.ts'

export const ROOT = resolve(import.meta.dir, '../../..')
export const WORKLOAD_L = { assets: 4, wallets: 25, days: 30, stepMinutes: 5 } as const
export const WORKLOAD_L_ROWS = WORKLOAD_L.assets * WORKLOAD_L.wallets * ((WORKLOAD_L.days * 24 * 60) / WORKLOAD_L.stepMinutes)
/** The four position tables gen-workload writes for 4 assets. */
const TABLES = ['djed', 'usdm', 'wanusdc', 'wanusdt'].map((symbol) => `liqwid_supply_positions_${symbol}`)
/** A workload whose newest sample is older than this is generated again. */
const MAX_AGE_MS = 6 * 3_600_000

export interface WorkloadStatus {
  readonly action: 'reused' | 'generated'
  readonly rows: number
  readonly seconds: number
}

function databaseName(url: string): string {
  const name = new URL(url).pathname.slice(1)
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name must be a plain identifier, got '${name}'`)
  return name
}

function adminUrl(url: string): string {
  return Object.assign(new URL(url), { pathname: '/postgres' }).toString()
}

/** Row count per table and newest sample, or null when the database or a table is missing. */
async function inspect(url: string): Promise<{ rows: number[]; newest: number } | null> {
  const admin = new PostgresClient({ url: adminUrl(url), dialect: 'postgres' })
  try {
    const found = await admin.query('bench db exists', `SELECT 1 AS found FROM pg_database WHERE datname = '${databaseName(url)}'`)
    if (found.length === 0) return null
  } finally {
    await admin.close()
  }
  const client = new PostgresClient({ url, dialect: 'postgres', queryTimeoutMs: 120_000 })
  try {
    const present = await client.query(
      'bench tables',
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN (${TABLES.map((t) => `'${t}'`).join(', ')})`,
    )
    if (present.length !== TABLES.length) return null
    const counts = await Promise.all(
      TABLES.map((table) => client.query('bench count', `SELECT count(*)::bigint AS n, extract(epoch from max(ts)) * 1000 AS newest FROM ${table}`)),
    )
    return {
      rows: counts.map((rows) => Number(rows[0]?.n ?? 0)),
      newest: Math.min(...counts.map((rows) => Number(rows[0]?.newest ?? 0))),
    }
  } finally {
    await client.close()
  }
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new PostgresClient({ url: adminUrl(url), dialect: 'postgres' })
  try {
    await admin.query('drop bench db', `DROP DATABASE IF EXISTS ${databaseName(url)} WITH (FORCE)`)
  } finally {
    await admin.close()
  }
}

/** Reuses workload L at `url` when it has the right shape, else drops and regenerates it. */
export async function ensureWorkloadL(url: string, log: (line: string) => void): Promise<WorkloadStatus> {
  const started = performance.now()
  const state = await inspect(url)
  const perTable = WORKLOAD_L_ROWS / TABLES.length
  if (state?.rows.every((rows) => rows === perTable) && Date.now() - state.newest < MAX_AGE_MS)
    return { action: 'reused', rows: WORKLOAD_L_ROWS, seconds: (performance.now() - started) / 1000 }
  log(
    state
      ? `workload: ${databaseName(url)} has the wrong shape or is stale (rows ${state.rows.join('/')}): regenerating`
      : `workload: creating ${databaseName(url)}`,
  )
  await dropDatabase(url)
  const generator = Bun.spawn(
    [
      process.execPath,
      join(ROOT, 'tests/bench/gen-workload.ts'),
      '--url',
      url,
      '--replace',
      '--assets',
      String(WORKLOAD_L.assets),
      '--wallets',
      String(WORKLOAD_L.wallets),
      '--days',
      String(WORKLOAD_L.days),
      '--step',
      String(WORKLOAD_L.stepMinutes),
    ],
    { stdout: 'pipe', stderr: 'inherit' },
  )
  const output = await new Response(generator.stdout).text()
  if ((await generator.exited) !== 0) throw new Error(`gen-workload failed:\n${output}`)
  log(`workload: ${output.trim().split('\n').at(-1)}`)
  return { action: 'generated', rows: WORKLOAD_L_ROWS, seconds: (performance.now() - started) / 1000 }
}

export async function dropWorkload(url: string): Promise<void> {
  await dropDatabase(url)
}

// biome-ignore lint/suspicious/noExplicitAny: a YAML tree patched by key path
type ConfigTree = Record<string, any>

/** The shipped demo configuration (config/orchestrator_config.yaml) as a tree to patch. */
export async function shippedConfig(): Promise<ConfigTree> {
  return YAML.parse(await Bun.file(join(ROOT, 'config/orchestrator_config.yaml')).text())
}

/** Only the store's cached prices: a benchmark must not time a public API (nor depend on one). */
const STORE_PRICES_ONLY = {
  priority_by_logical: { liqwid: ['greptime(liqwid)'], minswap: ['greptime(minswap)'] },
  endpoints: { liqwid_graphql: null, minswap_aggregator: null },
}

export interface ServeOptions {
  readonly port: number
  readonly intervalMinutes: number
}

function telemetry(tree: ConfigTree, serve: ServeOptions | null): void {
  tree.runtime ??= {}
  tree.runtime.telemetry ??= {}
  if (serve === null) {
    tree.runtime.telemetry.enabled = false
    return
  }
  tree.runtime.telemetry.enabled = true
  tree.runtime.telemetry.listen_address = '127.0.0.1'
  tree.runtime.telemetry.listen_port = serve.port
  tree.runtime.schedule = { ...(tree.runtime.schedule ?? {}), interval_minutes: serve.intervalMinutes }
}

/** Workload L: shipped analysis settings, store = the bench database, prices from the store only. */
export async function writeWorkloadConfig(path: string, url: string, serve: ServeOptions | null = null): Promise<string> {
  const target = new URL(url)
  const tree = await shippedConfig()
  tree.data = {
    databases: {
      greptime: {
        host: target.hostname,
        port: Number(target.port || 5432),
        database: databaseName(url),
        user: decodeURIComponent(target.username || 'postgres'),
        dialect: 'postgres',
        timeout: 60,
      },
    },
    datasets: tree.data?.datasets,
  }
  tree.prices = { ...tree.prices, ...STORE_PRICES_ONLY }
  telemetry(tree, serve)
  writeFileSync(path, YAML.stringify(tree))
  return path
}

/** The shipped demo config with its embedded store in `dir`. */
export async function writeDemoConfig(path: string, dir: string, serve: ServeOptions | null = null): Promise<string> {
  const tree = await shippedConfig()
  tree.data = { ...tree.data, embedded: { ...(tree.data?.embedded ?? {}), dir, seed: 'demo' } }
  tree.prices = { ...tree.prices, ...STORE_PRICES_ONLY }
  telemetry(tree, serve)
  writeFileSync(path, YAML.stringify(tree))
  return path
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}
