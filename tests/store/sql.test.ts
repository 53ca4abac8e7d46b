import { describe, expect, it } from 'bun:test'
import { AppError } from '../../src/errors.ts'
import { seededRandom } from '../../src/engine/test-fixtures.ts'
import { parseTimestampMs } from '../../src/store/postgres-client.ts'
import * as sql from '../../src/store/sql.ts'
import * as txIdSql from '../../src/store/tx-id-sql.ts'
import { TableNames } from '../../src/store/tables.ts'

function rejection(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a rejection')
}

const squash = (text: string) => text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim()

describe('identifiers', () => {
  it.each(['djed"', "dj'ed", 'dj ed', 'djed;DROP TABLE x', 'dj-ed', '1djed', '', 'dj.ed', 'djéd'])('rejects %p, naming it', (value) => {
    const error = rejection(() => sql.identifier(value, 'asset symbol'))
    expect(error.code).toBe('invalid_identifier')
    expect(error.message).toContain(JSON.stringify(value))
    expect(error.message).toContain('asset symbol')
  })

  it('accepts letters, digits and underscores', () => {
    expect(sql.identifier('liqwid_supply_positions_wanusdc', 'table')).toBe('liqwid_supply_positions_wanusdc')
    expect(sql.identifier('_x9', 'table')).toBe('_x9')
  })

  it('rejects names PostgreSQL would truncate', () => {
    expect(rejection(() => sql.identifier('a'.repeat(64), 'table name')).message).toContain('longer than 63')
  })

  it('rejects a bad prefix or namespace when the table names are built', () => {
    expect(rejection(() => new TableNames({ positionsPrefix: 'positions; --' })).message).toContain('"positions; --"')
    expect(rejection(() => new TableNames({ minswapNamespace: 'min swap' })).message).toContain('"min swap"')
  })

  it('lower-cases and trims symbols, then validates them', () => {
    const names = new TableNames()
    expect(names.table('positions', ' wanUSDC ')).toEqual({ namespace: null, name: 'liqwid_supply_positions_wanusdc' })
    expect(names.table('minswap', 'djed')).toEqual({ namespace: 'minswap', name: 'minswap_prices_djed' })
    expect(names.table('deposits', 'djed', true)).toEqual({ namespace: null, name: 'test_liqwid_deposits_djed' })
    expect(rejection(() => names.table('positions', "djed'")).message).toContain(`"djed'"`)
  })
})

describe('literals', () => {
  it('doubles quotes in text', () => {
    expect(sql.textLiteral("it's")).toBe("'it''s'")
    expect(sql.textLiteral("'); DROP TABLE x; --")).toBe("'''); DROP TABLE x; --'")
  })

  it('rejects a NUL character', () => {
    expect(rejection(() => sql.textLiteral('a\u0000b')).code).toBe('invalid_identifier')
  })

  it('writes finite numbers and rejects the others', () => {
    expect(sql.numberLiteral(-250.5)).toBe('-250.5')
    expect(sql.numberLiteral(1e-7)).toBe('1e-7')
    expect(sql.numberLiteral(-0)).toBe('0')
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(rejection(() => sql.numberLiteral(bad)).code).toBe('invalid_identifier')
  })

  it('writes instants as UTC ISO-8601 with Z, and as integer epoch ms for SQLite', () => {
    const instant = Date.UTC(2025, 10, 3, 15, 0, 0, 7)
    expect(sql.instantLiteral('greptime', instant)).toBe("'2025-11-03T15:00:00.007Z'")
    expect(sql.instantLiteral('postgres', instant)).toBe("'2025-11-03T15:00:00.007Z'")
    expect(sql.instantLiteral('sqlite', instant)).toBe(String(instant))
    expect(sql.instantLiteral('sqlite', instant + 0.6)).toBe(String(instant + 1))
    for (const dialect of ['greptime', 'postgres', 'sqlite'] as const) {
      expect(rejection(() => sql.instantLiteral(dialect, Number.NaN)).code).toBe('invalid_identifier')
      expect(rejection(() => sql.instantLiteral(dialect, 9e15)).code).toBe('invalid_identifier')
    }
  })
})

describe('statements (GreptimeDB text; PostgreSQL shares it)', () => {
  const positions = { namespace: null, name: 'liqwid_supply_positions_djed' }
  const range = { start: Date.UTC(2025, 10, 3, 15), end: Date.UTC(2025, 10, 4) }

  it('filters both ends inclusively with instant literals', () => {
    expect(sql.aggregateStatement('greptime', positions, range)).toBe(
      'SELECT ts, SUM(COALESCE(usd_value, underlying_units * price_usd, 0)) AS usd, MAX(price_usd) AS price FROM liqwid_supply_positions_djed ' +
        "WHERE ts >= '2025-11-03T15:00:00.000Z' AND ts <= '2025-11-04T00:00:00.000Z' GROUP BY ts ORDER BY ts",
    )
    expect(sql.aggregateStatement('greptime', positions, { start: null, end: null })).not.toContain('WHERE')
  })

  it('keeps only the first two and the last sample per wallet in one statement', () => {
    const text = sql.walletSamplesStatement('greptime', positions, range)
    expect(text).toStartWith('WITH earliest AS (SELECT MIN(ts) AS start_ts FROM liqwid_supply_positions_djed WHERE')
    expect(text).toContain('JOIN picks AS p ON r.wallet_address = p.wallet_address AND r.ts = p.ts')
    expect(text).not.toContain('OVER (')
    expect(text).not.toContain(';')
    expect(text.match(/wallet_address IS NOT NULL AND wallet_address <> ''/g)).toHaveLength(2)
    expect(text.match(/ts >= '2025-11-03T15:00:00.000Z' AND ts <= '2025-11-04T00:00:00.000Z'/g)).toHaveLength(2)
    // the two reads joined back to the table carry the range too (GreptimeDB prunes only then)
    expect(text).toContain("n.ts >= '2025-11-03T15:00:00.000Z' AND n.ts <= '2025-11-04T00:00:00.000Z'")
    expect(text).toContain("WHERE r.ts >= '2025-11-03T15:00:00.000Z' AND r.ts <= '2025-11-04T00:00:00.000Z' GROUP BY")
    expect(text.match(/FROM liqwid_supply_positions_djed/g)).toHaveLength(4)
  })

  it('escapes the wallet filter of the transaction read', () => {
    const deposits = { namespace: null, name: 'liqwid_deposits_djed' }
    expect(sql.transactionsStatement('greptime', deposits, { start: null, end: null }, "a'b")).toBe(
      "SELECT ts, created_at, wallet_address, market_id, amount, notes FROM liqwid_deposits_djed WHERE wallet_address = 'a''b' ORDER BY ts, wallet_address",
    )
  })

  it('qualifies Minswap tables with their namespace', () => {
    expect(sql.latestPriceStatement('greptime', { namespace: 'minswap', name: 'minswap_prices_djed' })).toContain('FROM minswap.minswap_prices_djed')
  })

  it('creates GreptimeDB transaction tables as spec-data §1.5.3 plus tx_id, keyed by (wallet_address, tx_id)', () => {
    const [ddl, ...rest] = sql.createTransactionsTableStatements('greptime', { namespace: null, name: 'liqwid_withdrawals_wanusdc' })
    expect(rest).toEqual([])
    expect(squash(ddl!)).toBe(
      squash(`CREATE TABLE IF NOT EXISTS liqwid_withdrawals_wanusdc (
        ts TIMESTAMP TIME INDEX, created_at TIMESTAMP, wallet_address STRING, market_id STRING, amount DOUBLE, notes STRING, tx_id STRING,
        PRIMARY KEY (wallet_address, tx_id))`),
    )
  })

  it('dedupes PostgreSQL transaction rows by a unique (wallet_address, tx_id) and counts what landed', () => {
    const deposits = { namespace: null, name: 'liqwid_deposits_djed' }
    expect(txIdSql.txIdIndexStatements('postgres', deposits)).toEqual([
      'CREATE UNIQUE INDEX IF NOT EXISTS liqwid_deposits_djed_tx_key ON liqwid_deposits_djed (wallet_address, tx_id)',
    ])
    const row = { ts: 0, createdAt: 0, wallet: 'addr1q', marketId: 'DJED', amount: 1, notes: null, txId: '0xab' }
    expect(sql.insertTransactionsStatement('postgres', deposits, [row])).toEndWith(
      "('1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', 'addr1q', 'DJED', 1, NULL, '0xab') ON CONFLICT (wallet_address, tx_id) DO NOTHING RETURNING 1 AS written",
    )
    expect(sql.insertTransactionsStatement('greptime', deposits, [row])).not.toContain('ON CONFLICT')
  })

  it('tags wallet and market in GreptimeDB positions tables', () => {
    const [ddl] = sql.createPositionsTableStatements('greptime', positions)
    expect(ddl).toContain('ts TIMESTAMP TIME INDEX')
    expect(ddl).toContain('PRIMARY KEY (wallet_address, market_id)')
  })

  it('uses PostgreSQL types and indexes ts there', () => {
    const statements = sql.createMinswapTableStatements('postgres', { namespace: 'minswap', name: 'minswap_prices_djed' })
    expect(statements).toEqual([
      'CREATE TABLE IF NOT EXISTS minswap.minswap_prices_djed (ts TIMESTAMP(3), price_usd DOUBLE PRECISION, ada_usd DOUBLE PRECISION)',
      'CREATE INDEX IF NOT EXISTS minswap_prices_djed_ts_idx ON minswap.minswap_prices_djed (ts)',
    ])
  })

  it('lists tables and creates namespaces per dialect', () => {
    expect(sql.listTablesStatement('greptime', null)).toBe('SHOW TABLES')
    expect(sql.listTablesStatement('greptime', 'minswap')).toBe('SHOW TABLES FROM minswap')
    expect(sql.listTablesStatement('postgres', null)).toContain('table_schema = current_schema()')
    expect(sql.listTablesStatement('postgres', 'minswap')).toContain("table_schema = 'minswap'")
    expect(sql.createNamespaceStatements('greptime', 'minswap')).toEqual(['CREATE DATABASE IF NOT EXISTS minswap'])
    expect(sql.createNamespaceStatements('postgres', 'minswap')).toEqual(['CREATE SCHEMA IF NOT EXISTS minswap'])
    expect(sql.createNamespaceStatements('sqlite', 'minswap')).toEqual([])
  })

  it('writes NULLs and escaped text in multi-row inserts', () => {
    const text = sql.insertPositionsStatement('greptime', positions, [
      { ts: 0, wallet: null, marketId: 'DJED', marketName: "D'JED", units: 1.5, priceUsd: null, usdValue: null },
      { ts: 1, wallet: 'addr1q', marketId: 'DJED', marketName: 'DJED', units: 2, priceUsd: 1, usdValue: 2 },
    ])
    expect(text).toBe(
      'INSERT INTO liqwid_supply_positions_djed (ts, wallet_address, market_id, market_name, underlying_units, price_usd, usd_value) VALUES ' +
        "('1970-01-01T00:00:00.000Z', NULL, 'DJED', 'D''JED', 1.5, NULL, NULL), ('1970-01-01T00:00:00.001Z', 'addr1q', 'DJED', 'DJED', 2, 1, 2)",
    )
  })
})

describe('statements (SQLite)', () => {
  const minswap = { namespace: 'minswap', name: 'minswap_prices_djed' }

  it('names a namespaced table as one quoted name and compares integer instants', () => {
    expect(sql.tableSql('sqlite', minswap)).toBe('"minswap.minswap_prices_djed"')
    expect(sql.tableSql('postgres', minswap)).toBe('minswap.minswap_prices_djed')
    expect(sql.tableLabel(minswap)).toBe('minswap.minswap_prices_djed')
    expect(sql.minswapSeriesStatement('sqlite', minswap, { start: 1_000, end: 2_000 })).toBe(
      'SELECT ts, MAX(price_usd) AS price_usd, MAX(ada_usd) AS ada_usd FROM "minswap.minswap_prices_djed" WHERE ts >= 1000 AND ts <= 2000 GROUP BY ts ORDER BY ts',
    )
  })

  it('creates STRICT tables with INTEGER instants and a ts index named after the table', () => {
    expect(sql.createMinswapTableStatements('sqlite', minswap)).toEqual([
      'CREATE TABLE IF NOT EXISTS "minswap.minswap_prices_djed" (ts INTEGER, price_usd REAL, ada_usd REAL) STRICT',
      'CREATE INDEX IF NOT EXISTS "minswap.minswap_prices_djed_ts_idx" ON "minswap.minswap_prices_djed" (ts)',
    ])
    const [transactions] = sql.createTransactionsTableStatements('sqlite', { namespace: null, name: 'liqwid_deposits_djed' })
    expect(transactions).toBe(
      'CREATE TABLE IF NOT EXISTS liqwid_deposits_djed (ts INTEGER, created_at INTEGER, wallet_address TEXT, market_id TEXT, amount REAL, notes TEXT, tx_id TEXT) STRICT',
    )
  })

  it('gives transaction tables their identity: plain ADD COLUMN, a unique index, ON CONFLICT … RETURNING, UPDATE', () => {
    const deposits = { namespace: null, name: 'liqwid_deposits_djed' }
    // no IF NOT EXISTS in SQLite's ADD COLUMN: the writer probes the column first
    expect(txIdSql.addTxIdColumnStatement('sqlite', deposits)).toBe('ALTER TABLE liqwid_deposits_djed ADD COLUMN tx_id TEXT')
    expect(txIdSql.txIdIndexStatements('sqlite', { namespace: 'ns', name: 'liqwid_deposits_djed' })).toEqual([
      'CREATE UNIQUE INDEX IF NOT EXISTS "ns.liqwid_deposits_djed_tx_key" ON "ns.liqwid_deposits_djed" (wallet_address, tx_id)',
    ])
    const T = Date.UTC(2025, 6, 15, 8, 12, 34, 567)
    expect(
      sql.insertTransactionsStatement('sqlite', deposits, [
        { ts: T, createdAt: T, wallet: 'addr1q', marketId: 'DJED', amount: 1, notes: null, txId: 'ab' },
      ]),
    ).toBe(
      `INSERT INTO liqwid_deposits_djed (ts, created_at, wallet_address, market_id, amount, notes, tx_id) VALUES (${T}, ${T}, 'addr1q', 'DJED', 1, NULL, 'ab') ` +
        'ON CONFLICT (wallet_address, tx_id) DO NOTHING RETURNING 1 AS written',
    )
    expect(txIdSql.setTxIdStatements('sqlite', deposits, { wallet: 'addr1q', ts: T, from: 'ab', to: 'abcd' })).toEqual([
      `UPDATE liqwid_deposits_djed SET tx_id = 'abcd' WHERE wallet_address = 'addr1q' AND ts = ${T} AND tx_id = 'ab'`,
    ])
  })

  it('lists the tables of a namespace by their name prefix, and only ours', () => {
    expect(sql.listTablesStatement('sqlite', null)).toBe(
      "SELECT name AS table_name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND instr(name, '.') = 0 ORDER BY name",
    )
    expect(sql.listTablesStatement('sqlite', 'minswap')).toContain('substr(name, 9) AS table_name')
    expect(sql.listTablesStatement('sqlite', 'minswap')).toContain("substr(name, 1, 8) = 'minswap.'")
  })
})

describe('timestamp text', () => {
  it.each([
    ['2025-11-03 15:00:00', Date.UTC(2025, 10, 3, 15)],
    ['2025-11-03 15:00:00.123', Date.UTC(2025, 10, 3, 15, 0, 0, 123)],
    ['2025-11-03 15:00:00.123456', Date.UTC(2025, 10, 3, 15, 0, 0, 123)],
    ['2025-11-03 15:00:00.5', Date.UTC(2025, 10, 3, 15, 0, 0, 500)],
    ['2025-11-03 15:00:00+00', Date.UTC(2025, 10, 3, 15)],
    ['2025-11-04 00:00:00.25+09', Date.UTC(2025, 10, 3, 15, 0, 0, 250)],
    ['2025-11-03 09:30:00-05:30', Date.UTC(2025, 10, 3, 15)],
    ['2025-11-03T15:00:00', Date.UTC(2025, 10, 3, 15)],
    ['0042-01-01 00:00:00', new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(42)],
    ['2025-11-03 15:00:00.12', Date.UTC(2025, 10, 3, 15, 0, 0, 120)],
    ['2025-11-03 15:00:00.1234', Date.UTC(2025, 10, 3, 15, 0, 0, 123)],
    ['2024-02-29 23:59:59.999', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['12025-11-03 15:00:00', Date.UTC(12025, 10, 3, 15)],
  ])('reads %p as UTC', (text, expected) => {
    expect(parseTimestampMs(text)).toBe(expected)
  })

  it('reads every plain timestamp a UTC session sends to the millisecond, whatever its fraction digits', () => {
    const random = seededRandom(7)
    for (let i = 0; i < 2_000; i++) {
      const ms = Date.UTC(1970, 0, 1) + Math.floor(random() * 100 * 365 * 86_400_000)
      const micros = String(Math.floor(random() * 1_000_000)).padStart(6, '0')
      const digits = i % 7 // 0: no fraction, 1–6 fraction digits
      const text = `${new Date(ms - (ms % 1000)).toISOString().slice(0, 19).replace('T', ' ')}${digits === 0 ? '' : `.${micros.slice(0, digits)}`}`
      const expected = ms - (ms % 1000) + (digits === 0 ? 0 : Number(micros.slice(0, digits).padEnd(3, '0').slice(0, 3)))
      expect(parseTimestampMs(text), text).toBe(expected)
    }
  })

  it('maps infinities and rejects what it cannot read', () => {
    expect(parseTimestampMs('infinity')).toBe(Number.POSITIVE_INFINITY)
    expect(parseTimestampMs('-infinity')).toBe(Number.NEGATIVE_INFINITY)
    expect(parseTimestampMs('0001-01-01 00:00:00 BC')).toBeNaN()
    for (const text of ['2025-11-03 15:00:0x', '2025-11-03 15:00:00.', '2025-1a-03 15:00:00', '2025-11-03 15:00:00.12x'])
      expect(parseTimestampMs(text), text).toBeNaN()
  })
})
