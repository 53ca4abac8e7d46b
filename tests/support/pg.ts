/**
 * Databases for the store's tests. Every store test runs twice: against PostgreSQL when one is
 * reachable at PG_URL (a fresh `ao_test_<random>` database per test file, dropped afterwards) and
 * against SQLite, the embedded store, always (a file in a temp directory). PostgreSQL being down
 * skips its half with a message instead of failing: the SQLite half still covers the SQL.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoreClient } from '../../src/store/client.ts'
import { STORE_FILE } from '../../src/store/embedded.ts'
import { PostgresClient, type PostgresClientOptions } from '../../src/store/postgres-client.ts'
import { SqliteClient } from '../../src/store/sqlite-client.ts'

export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** For beforeAll/afterAll (bun's hook default is 5 s). */
export const SETUP_TIMEOUT_MS = 60_000

export interface TestDatabase {
  /** the PostgreSQL URL; null for SQLite */
  readonly url: string | null
  /** the SQLite file; null for PostgreSQL */
  readonly path: string | null
  /** a new client of this database (short deadlines, no retries unless asked); the caller closes it */
  connect(options?: Partial<PostgresClientOptions>): StoreClient
  /** drops the database / removes the SQLite file's directory */
  close(): Promise<void>
}

export interface StoreTarget {
  readonly name: 'postgres' | 'sqlite'
  /** why this target is skipped; null when it runs */
  readonly skip: string | null
  open(): Promise<TestDatabase>
}

/** Short deadlines: a test must fail fast, not wait for production timeouts. */
export function testClient(url: string, options: Partial<PostgresClientOptions> = {}): PostgresClient {
  return new PostgresClient({
    url,
    connectTimeoutMs: 3_000,
    queryTimeoutMs: 20_000,
    retry: { attempts: 1, firstDelayMs: 0, maxDelayMs: 0 },
    ...options,
  })
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

export async function createPostgresDatabase(): Promise<TestDatabase & { readonly url: string }> {
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
    path: null,
    connect: (options) => testClient(url.toString(), options),
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

/** An empty temp directory for an embedded store; the caller removes it. */
export function embeddedDir(): string {
  return mkdtempSync(join(tmpdir(), 'ao-store-'))
}

/** A SQLite store file in a fresh temp directory (the embedded store's layout). */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = embeddedDir()
  const path = join(dir, STORE_FILE)
  return {
    url: null,
    path,
    connect: () => new SqliteClient({ path, busyTimeoutMs: 3_000 }),
    close: async () => rmSync(dir, { recursive: true, force: true }),
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
    { name: 'sqlite', skip: null, open: createSqliteDatabase },
  ]
}
