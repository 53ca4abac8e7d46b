/**
 * Deadlines, retries and error mapping of the one connection path. Servers started here bind to
 * 127.0.0.1 and are stopped by the test; timeouts are short so a hang fails in well under a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TCPSocketListener } from 'bun'
import type { StoreClient } from '../../src/store/client.ts'
import { PostgresClient, dialectFromVersion } from '../../src/store/postgres-client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { ALL_TIME } from '../../src/store/types.ts'
import { SETUP_TIMEOUT_MS, createPostgresDatabase, postgresUnavailable, storeTargets, type TestDatabase } from '../support/pg.ts'
import { appErrorOf } from '../support/errors.ts'

const failure = appErrorOf

/** Accepts connections and never says a word. */
function silentServer(): { server: TCPSocketListener<undefined>; connections: () => number } {
  let connections = 0
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { open: () => void connections++, data: () => {} } })
  return { server, connections: () => connections }
}

function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data: () => {} } })
  const port = server.port
  server.stop(true)
  return port
}

describe('store client deadlines', () => {
  it('fails a read against a server that never answers by its query deadline, naming it', async () => {
    const { server } = silentServer()
    const client = new PostgresClient({
      url: `postgres://postgres@127.0.0.1:${server.port}/liqwid`,
      dialect: 'postgres',
      connectTimeoutMs: 5_000,
      queryTimeoutMs: 300,
    })
    try {
      const started = performance.now()
      const error = await failure(new StoreReader(client).assetAggregate('djed', ALL_TIME))
      expect(performance.now() - started).toBeLessThan(2_000)
      expect(error.code).toBe('store_timeout')
      expect(error.message).toBe(`assetAggregate liqwid_supply_positions_djed timed out after 300 ms (127.0.0.1:${server.port}/liqwid)`)
    } finally {
      await client.close()
      server.stop(true)
    }
  })

  it('retries a connect that times out, then says so', async () => {
    const { server, connections } = silentServer()
    const client = new PostgresClient({
      url: `postgres://postgres@127.0.0.1:${server.port}/liqwid`,
      dialect: 'postgres',
      connectTimeoutMs: 150,
      queryTimeoutMs: 5_000,
      retry: { attempts: 3, firstDelayMs: 10, maxDelayMs: 40 },
    })
    try {
      const error = await failure(client.query('listTables', 'SELECT 1', { retry: true }))
      expect(error.code).toBe('store_timeout')
      expect(error.message).toContain('connecting to')
      expect(error.message).toContain('timed out after 150 ms after 3 attempts')
      expect(connections()).toBe(3)
    } finally {
      await client.close()
      server.stop(true)
    }
  })

  it('reports a refused connection as unreachable after its retries', async () => {
    const port = freePort()
    const client = new PostgresClient({
      url: `postgres://postgres:secret@127.0.0.1:${port}/liqwid`,
      dialect: 'postgres',
      retry: { attempts: 2, firstDelayMs: 5, maxDelayMs: 5 },
    })
    try {
      const error = await failure(client.query('probe', 'SELECT 1', { retry: true }))
      expect(error.code).toBe('store_unreachable')
      expect(error.message).toBe(`probe: cannot reach 127.0.0.1:${port}/liqwid (ECONNREFUSED) after 2 attempts`)
      expect(error.message).not.toContain('secret')
    } finally {
      await client.close()
    }
  })

  it('does not retry a write', async () => {
    const { server, connections } = silentServer()
    const client = new PostgresClient({
      url: `postgres://postgres@127.0.0.1:${server.port}/liqwid`,
      dialect: 'postgres',
      connectTimeoutMs: 100,
      retry: { attempts: 3, firstDelayMs: 5, maxDelayMs: 5 },
    })
    try {
      expect((await failure(client.query('insertPositions', 'INSERT INTO t VALUES (1)'))).code).toBe('store_timeout')
      expect(connections()).toBe(1)
    } finally {
      await client.close()
      server.stop(true)
    }
  })

  it('rejects a URL that is not postgres://', () => {
    expect(() => new PostgresClient({ url: 'http://localhost:4000' })).toThrow('postgres://')
  })
})

describe('dialect detection', () => {
  it('recognises GreptimeDB and PostgreSQL by their version strings, and nothing else', () => {
    expect(dialectFromVersion('PostgreSQL 16.3 GreptimeDB v1.0.0')).toBe('greptime')
    expect(dialectFromVersion('PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu')).toBe('postgres')
    expect(dialectFromVersion('PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten')).toBe('postgres')
    expect(dialectFromVersion('')).toBeNull()
    expect(dialectFromVersion('CockroachDB CCL v23.1')).toBeNull()
  })
})

describe.skipIf((await postgresUnavailable()) !== null)('session checks at connect (PostgreSQL standing in for the answers)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>
  let admin: StoreClient

  beforeAll(async () => {
    database = await createPostgresDatabase()
    admin = database.connect()
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await admin?.close()
    await database?.close()
  }, SETUP_TIMEOUT_MS)

  it('refuses to run on the greptime dialect when the session time zone is not UTC, and runs when it is', async () => {
    // GreptimeDB answers `SELECT timezone()`; a zero-argument function of that name plays it here
    await admin.query('fake timezone', "CREATE OR REPLACE FUNCTION public.timezone() RETURNS text LANGUAGE sql AS $$ SELECT 'Asia/Tokyo' $$")
    const tokyo = database.connect({ dialect: 'greptime' })
    try {
      const error = await failure(tokyo.query('first read', 'SELECT 1 AS ok'))
      expect(error.code).toBe('config_invalid')
      expect(error.message).toContain('runs its session in time zone "Asia/Tokyo", not UTC')
      expect(error.message).toContain('default_timezone = "UTC"')
    } finally {
      await tokyo.close()
    }
    await admin.query('fake timezone', "CREATE OR REPLACE FUNCTION public.timezone() RETURNS text LANGUAGE sql AS $$ SELECT 'UTC' $$")
    const utc = database.connect({ dialect: 'greptime' })
    try {
      expect(await utc.query('first read', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }])
    } finally {
      await utc.close()
    }
  })

  it('makes a failed dialect detection fatal, naming the problem, instead of falling back to PostgreSQL', async () => {
    // a version() the detection cannot place (searched before pg_catalog for this database only)
    await admin.query('fake version', "CREATE OR REPLACE FUNCTION public.version() RETURNS text LANGUAGE sql AS $$ SELECT 'SomethingDB 1.0' $$")
    await admin.query('search path', `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET search_path = public, pg_catalog`)
    const auto = database.connect({ dialect: 'auto' })
    try {
      const error = await failure(auto.query('first read', 'SELECT 1 AS ok'))
      expect(error.code).toBe('config_invalid')
      expect(error.message).toContain('dialect: auto does not recognise')
      expect(error.message).toContain('"SomethingDB 1.0"')
      expect(error.message).toContain('set data.databases.greptime.dialect to greptime or postgres')
    } finally {
      await auto.close()
    }
  })
})

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`store client on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient

    beforeAll(async () => {
      database = await target.open()
      client = database.connect({ dialect: 'auto', retry: { attempts: 3, firstDelayMs: 5, maxDelayMs: 5 } })
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('knows its dialect (PostgreSQL detected by asking)', async () => {
      expect(await client.dialect()).toBe(target.name)
    })

    it('reads counts, decimals and big integers as numbers', async () => {
      const text =
        target.name === 'sqlite'
          ? 'SELECT COUNT(*) AS n, CAST(12.5 AS REAL) AS x, CAST(9007199254740 AS INTEGER) AS big'
          : 'SELECT COUNT(*) AS n, CAST(12.5 AS NUMERIC) AS x, CAST(9007199254740 AS BIGINT) AS big'
      expect(await client.query('numbers', text)).toEqual([{ n: 1, x: 12.5, big: 9007199254740 }])
    })

    it('maps a SQL error to store_query with its code, without retrying it', async () => {
      const started = performance.now()
      const error = await failure(client.query('broken', 'SELEC 1', { retry: true }))
      expect(error.code).toBe('store_query')
      expect(error.message).toStartWith('broken failed: ')
      expect(error.message).toContain(target.name === 'sqlite' ? '[SQLITE_ERROR]' : '[SQLSTATE 42601]')
      if (target.name === 'postgres') expect(error.details.attempts).toBe(1)
      expect(performance.now() - started).toBeLessThan(1_000)
    })

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await client.query('create', 'CREATE TABLE tx_probe (n INTEGER)')
      const committed = await client.transaction(async (tx) => {
        await tx.query('insert', 'INSERT INTO tx_probe (n) VALUES (1)')
        await tx.query('insert', 'INSERT INTO tx_probe (n) VALUES (2)')
        return 'done'
      })
      expect(committed).toBe('done')
      const rolledBack = client.transaction(async (tx) => {
        await tx.query('insert', 'INSERT INTO tx_probe (n) VALUES (3)')
        await tx.query('broken', 'INSERT INTO no_such_table (n) VALUES (4)')
      })
      expect((await failure(rolledBack)).message).toStartWith('broken failed: ')
      expect(await client.query('read', 'SELECT n FROM tx_probe ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }])
    })

    it('keeps statements from outside a transaction out of it', async () => {
      await client.query('create', 'CREATE TABLE tx_isolation (n INTEGER)')
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const transaction = client.transaction(async (tx) => {
        await tx.query('insert', 'INSERT INTO tx_isolation (n) VALUES (1)')
        await held
        throw new Error('rolled back on purpose')
      })
      // On SQLite this waits for the transaction; on PostgreSQL it runs on another connection.
      const outside = client.query('insert', 'INSERT INTO tx_isolation (n) VALUES (2)')
      await Bun.sleep(20)
      release()
      await expect(transaction).rejects.toThrow('rolled back on purpose')
      await outside
      expect(await client.query('read', 'SELECT n FROM tx_isolation ORDER BY n')).toEqual([{ n: 2 }])
    })
  })
}

describe.skipIf((await postgresUnavailable()) !== null)('store client on a slow statement (PostgreSQL)', () => {
  it('times a statement out, drops the pool and serves the next query on a fresh one', async () => {
    const database = await createPostgresDatabase()
    const client = database.connect({ queryTimeoutMs: 200 })
    try {
      const started = performance.now()
      const error = await failure(client.query('walletSamples liqwid_supply_positions_djed', 'SELECT pg_sleep(3)', { retry: true }))
      expect(performance.now() - started).toBeLessThan(1_000)
      expect(error.code).toBe('store_timeout')
      expect(error.message).toContain('walletSamples liqwid_supply_positions_djed timed out after 200 ms')
      expect(await client.query('after', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }])
    } finally {
      await client.close()
      await database.close()
    }
  })
})
