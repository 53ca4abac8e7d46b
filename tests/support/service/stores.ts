/**
 * Where a service under test keeps its data: a fresh PostgreSQL database when one is reachable
 * (skipped with a message otherwise) and a fresh embedded store always — both as the `data:`
 * section of a configuration, so the service opens them through its own code path.
 *
 * `demoStoreDir()` hands out a copy of an embedded store already filled with the demo market.
 * The seeded store is built once and kept in the temp directory for half an hour, so the runs of
 * one `make test` share it while the next run (CI's included) seeds its own: the service appends
 * the samples since the last one, which keeps the four demo states, but the USDC anomaly ages
 * into the gate's baseline and its margin falls from ~25 to ~4 within three hours (README,
 * "the residual gate"), and tests assert the margin of a fresh demo.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedDemo } from '../../../src/store/demo.ts'
import { STORE_FILE } from '../../../src/store/embedded.ts'
import { openStore } from '../../../src/store/index.ts'
import { createPostgresDatabase, embeddedDir, PG_URL, postgresUnavailable } from '../pg.ts'
import type { ConfigTree } from './config.ts'
import { REFERENCE_KEYWORD } from './config.ts'

export interface OpenedData {
  /** the `data:` section pointing at this store */
  readonly data: ConfigTree
  /** the database URL (for a test's own connection) */
  readonly url: string | null
  /** the embedded store's directory, null for PostgreSQL */
  readonly dir: string | null
  close(): Promise<void>
}

export interface StoreBackend {
  readonly name: 'postgres' | 'embedded'
  /** why this backend is skipped; null when it runs */
  readonly skip: string | null
  open(): Promise<OpenedData>
}

/** The `data:` section of a PostgreSQL database URL. */
export function postgresData(url: string): ConfigTree {
  const parsed = new URL(url)
  return {
    databases: {
      greptime: {
        host: parsed.hostname,
        port: Number(parsed.port || 5432),
        database: parsed.pathname.slice(1),
        user: decodeURIComponent(parsed.username) || 'postgres',
        dialect: 'postgres',
        timeout: 30,
      },
    },
  }
}

export async function openPostgres(): Promise<OpenedData> {
  const database = await createPostgresDatabase()
  return { data: postgresData(database.url), url: database.url, dir: null, close: () => database.close() }
}

export async function openEmbedded(): Promise<OpenedData> {
  const dir = embeddedDir()
  return { data: { embedded: { dir } }, url: null, dir, close: async () => rmSync(dir, { recursive: true, force: true }) }
}

export async function storeBackends(): Promise<StoreBackend[]> {
  const skip = await postgresUnavailable()
  return [
    { name: 'postgres', skip, open: openPostgres },
    { name: 'embedded', skip: null, open: openEmbedded },
  ]
}

export { PG_URL, postgresUnavailable }

/** A seeded demo store older than this is rebuilt. */
const DEMO_TEMPLATE_MAX_AGE_MS = 30 * 60_000
let demoTemplate: Promise<string> | null = null

function demoTemplateDir(): Promise<string> {
  demoTemplate ??= (async () => {
    const dir = join(tmpdir(), `ao-demo-template-${demoCodeHash()}`)
    const stamp = join(dir, 'seeded-at')
    if (existsSync(stamp) && Date.now() - Number(readFileSync(stamp, 'utf8')) < DEMO_TEMPLATE_MAX_AGE_MS) return dir
    const building = embeddedDir()
    const store = await openStore({ embeddedDir: building })
    const seededAt = Date.now()
    try {
      await seedDemo(store.writer, { now: seededAt, keyword: REFERENCE_KEYWORD, replace: true })
    } finally {
      await store.close()
    }
    writeFileSync(join(building, 'seeded-at'), String(seededAt))
    rmSync(dir, { recursive: true, force: true })
    try {
      renameSync(building, dir)
    } catch {
      rmSync(building, { recursive: true, force: true }) // another process got there first
    }
    return dir
  })()
  return demoTemplate
}

/** Changes to the demo generator must not reuse a store seeded by the old one. */
function demoCodeHash(): string {
  const hasher = new Bun.CryptoHasher('sha256')
  for (const file of ['demo.ts', 'synthetic.ts', 'writer.ts', 'sql.ts'])
    hasher.update(readFileSync(new URL(`../../../src/store/${file}`, import.meta.url)))
  return hasher.digest('hex').slice(0, 12)
}

/** A temp directory holding a stopped embedded store with the demo market; the caller removes it. */
export async function demoStoreDir(): Promise<string> {
  const template = await demoTemplateDir()
  const dir = mkdtempSync(join(tmpdir(), 'ao-demo-'))
  cpSync(join(template, STORE_FILE), join(dir, STORE_FILE))
  return dir
}
