/**
 * Databases for the store's tests. Every store test runs twice: against PostgreSQL when one is
 * reachable at PG_URL (a fresh `ao_test_<random>` database per test file, dropped afterwards) and
 * against the embedded store always (a temp directory). PostgreSQL being down skips its half with
 * a message instead of failing: the embedded half still covers the SQL.
 */

import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StoreClient, type StoreClientOptions } from '../../src/store/client.ts'
import { startEmbeddedStore } from '../../src/store/embedded.ts'

export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** For beforeAll/afterAll (bun's hook default is 5 s): the first embedded start runs initdb. */
export const SETUP_TIMEOUT_MS = 60_000

export interface TestDatabase {
  readonly url: string
  /** drops the database / stops the embedded store and removes its directory */
  close(): Promise<void>
}

export interface StoreTarget {
  readonly name: 'postgres' | 'embedded'
  /** why this target is skipped; null when it runs */
  readonly skip: string | null
  open(): Promise<TestDatabase>
}

/** Short deadlines: a test must fail fast, not wait for production timeouts. */
export function testClient(url: string, options: Partial<StoreClientOptions> = {}): StoreClient {
  return new StoreClient({ url, connectTimeoutMs: 3_000, queryTimeoutMs: 20_000, retry: { attempts: 1, firstDelayMs: 0, maxDelayMs: 0 }, ...options })
}

let reachability: Promise<string | null> | null = null

/** null when PostgreSQL answers at PG_URL, else why not (checked once per process). */
export function postgresUnavailable(): Promise<string | null> {
  reachability ??= (async () => {
    const client = testClient(PG_URL, { connectTimeoutMs: 1_500 })
    try {
      await client.query('probe', 'SELECT 1 AS ok')
      return null
    } catch (error) {
      return `PostgreSQL at ${client.target} is unreachable (${(error as Error).message}): the postgres half of the store tests is skipped`
    } finally {
      await client.close()
    }
  })()
  return reachability
}

export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `ao_test_${Math.random().toString(36).slice(2, 10)}`
  const admin = testClient(PG_URL)
  try {
    await admin.query('create test database', `CREATE DATABASE ${name}`)
  } finally {
    await admin.close()
  }
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    close: async () => {
      const dropper = testClient(PG_URL)
      try {
        await dropper.query('drop test database', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await dropper.close()
      }
    },
  }
}

let template: Promise<string> | null = null

/**
 * initdb takes seconds, so an initialised, stopped store is kept in the temp directory (one per
 * PGlite version) and every test store starts from a copy. Built under a temp name and renamed,
 * so concurrent test processes never see half of one.
 */
function embeddedTemplate(): Promise<string> {
  template ??= (async () => {
    const manifest = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)
    const { version } = (await Bun.file(manifest).json()) as { version: string }
    const dir = join(tmpdir(), `ao-pglite-template-${version}`)
    if (existsSync(join(dir, 'pgdata', 'PG_VERSION'))) return dir
    const building = mkdtempSync(join(tmpdir(), 'ao-pglite-template-building-'))
    const store = await startEmbeddedStore({ dir: building })
    await store.close()
    try {
      renameSync(building, dir)
    } catch {
      rmSync(building, { recursive: true, force: true }) // another process got there first
    }
    return dir
  })()
  return template
}

/** A temp directory holding an initialised, stopped embedded store; the caller removes it. */
export async function embeddedDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ao-store-'))
  cpSync(join(await embeddedTemplate(), 'pgdata'), join(dir, 'pgdata'), { recursive: true })
  return dir
}

/** A fresh embedded store in a temp directory: `dir` holds `pgdata/` and the lock. */
export async function startTestEmbedded(): Promise<TestDatabase & { readonly dir: string }> {
  const dir = await embeddedDir()
  const store = await startEmbeddedStore({ dir })
  return {
    url: store.url,
    dir,
    close: async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

let warned = false

/** The targets every store test file runs against; call with top-level await. */
export async function storeTargets(): Promise<StoreTarget[]> {
  const skip = await postgresUnavailable()
  if (skip !== null && !warned) {
    warned = true
    console.warn(skip)
  }
  return [
    { name: 'postgres', skip, open: createPostgresDatabase },
    { name: 'embedded', skip: null, open: startTestEmbedded },
  ]
}
