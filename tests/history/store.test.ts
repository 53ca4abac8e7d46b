/**
 * The decision history table against PostgreSQL and the embedded store: append, read back in
 * order with filters, one row per asset and instant, the test prefix, pruning by age, a bad row
 * that is skipped without hiding the others, the origin of a row (live or replay) and the in-place
 * migration of a table created before it. The GreptimeDB DDL is checked as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { DecisionHistory } from '../../src/history/store.ts'
import type { StoreClient } from '../../src/store/client.ts'
import {
  addOriginColumnStatement,
  createHistoryTableStatements,
  historyTable,
  insertHistoryStatement,
  originProbeStatement,
} from '../../src/store/history-sql.ts'
import { historyRecord } from '../support/history.ts'
import { instantLiteral } from '../../src/store/sql.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

import { HISTORY_T as T } from '../support/history.ts'

const HOUR = 3_600_000

describe('history SQL', () => {
  it('keys GreptimeDB rows on TIME INDEX (ts) and PRIMARY KEY (asset)', () => {
    const [ddl, ...rest] = createHistoryTableStatements('greptime', historyTable(false))
    expect(rest).toEqual([])
    expect(ddl).toStartWith('CREATE TABLE IF NOT EXISTS orchestrator_decisions (ts TIMESTAMP(3) TIME INDEX, asset STRING,')
    expect(ddl).toEndWith('PRIMARY KEY (asset))')
    expect(insertHistoryStatement('greptime', historyTable(false), [historyRecord()])).not.toContain('ON CONFLICT')
    expect(ddl).toContain('duration_ms DOUBLE, origin STRING,')
    expect(addOriginColumnStatement('greptime', historyTable(false))).toBe('ALTER TABLE orchestrator_decisions ADD COLUMN origin STRING')
  })

  it('names the test twin under --test-prefix', () => {
    expect(historyTable(true).name).toBe('test_orchestrator_decisions')
  })
})

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`decision history on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('appends rows and reads them back oldest first, filtered by asset and range', async () => {
      const history = new DecisionHistory(client)
      await history.append([
        historyRecord({ ts: T }),
        historyRecord({ ts: T, asset: 'usdc', decision: 0, reasonCode: 'unusual_move', reasonText: "it's odd", withdrawableUsd: 0, gUsd: null }),
      ])
      await history.append([historyRecord({ ts: T + HOUR, withdrawableUsd: 95, wmaxUsd: 95 })])
      const all = await history.read()
      expect(all.problems).toEqual([])
      expect(all.records.map((r) => [r.ts, r.asset])).toEqual([
        [T, 'djed'],
        [T, 'usdc'],
        [T + HOUR, 'djed'],
      ])
      const usdc = all.records[1]!
      expect(usdc).toMatchObject({
        decision: 0,
        reasonCode: 'unusual_move',
        reasonText: "it's odd",
        withdrawableUsd: 0,
        gUsd: null,
        priceT1Usd: 1.0002,
      })
      const djed = await history.read({ asset: 'djed', from: T + 1, to: T + 2 * HOUR })
      expect(djed.records.map((r) => r.withdrawableUsd)).toEqual([95])
      expect((await history.read({ limit: 1 })).records.map((r) => r.ts)).toEqual([T + HOUR])
      expect(await history.lastWith('djed', 1)).toBe(T + HOUR)
      expect(await history.lastWith('usdc', 1)).toBeNull()
    })

    it('keeps one row per asset and instant when a write is repeated', async () => {
      const history = new DecisionHistory(client)
      await history.append([historyRecord({ ts: T + 5 * HOUR })])
      await history.append([historyRecord({ ts: T + 5 * HOUR })])
      expect((await history.read({ from: T + 5 * HOUR })).records).toHaveLength(1)
    })

    it('writes to test_orchestrator_decisions under the test prefix', async () => {
      const history = new DecisionHistory(client, { testPrefix: true })
      await history.append([historyRecord({ ts: T + 9 * HOUR, asset: 'usdm' })])
      const [row] = await client.query('raw', 'SELECT COUNT(*) AS n FROM test_orchestrator_decisions')
      expect(row!.n).toBe(1)
      expect((await new DecisionHistory(client).read({ asset: 'usdm' })).records).toEqual([])
    })

    it('prunes rows older than the cutoff and reads an empty history before the first write', async () => {
      const fresh = new DecisionHistory(client, { testPrefix: false })
      await fresh.prune(T + HOUR)
      expect((await fresh.read({ to: T + HOUR - 1 })).records).toEqual([])
      expect((await fresh.read({ asset: 'djed' })).records.length).toBeGreaterThan(0)
      await client.query('drop', 'DROP TABLE IF EXISTS test_orchestrator_decisions')
      expect(await new DecisionHistory(client, { testPrefix: true }).read()).toEqual({ records: [], problems: [] })
    })

    it('tells replayed rows from live ones: filtered on read, never the last WITHDRAW_OK', async () => {
      const history = new DecisionHistory(client, { testPrefix: true })
      const at = Date.UTC(2026, 10, 29, 12)
      await history.append([historyRecord({ ts: at, asset: 'usdt', decision: 0, reasonCode: 'price_mismatch' })])
      await history.append([historyRecord({ ts: at + HOUR, asset: 'usdt', origin: 'replay' })])
      expect((await history.read({ asset: 'usdt' })).records.map((r) => [r.ts, r.origin])).toEqual([
        [at, 'live'],
        [at + HOUR, 'replay'],
      ])
      expect((await history.read({ asset: 'usdt', origin: 'live' })).records.map((r) => r.ts)).toEqual([at])
      expect((await history.read({ asset: 'usdt', origin: 'replay' })).records.map((r) => r.ts)).toEqual([at + HOUR])
      expect(await history.lastWith('usdt', 1)).toBeNull()
      expect(await history.instants('usdt', at, at + HOUR)).toEqual([at, at + HOUR])
      expect(await history.instants('usdt', at + 1, at + HOUR - 1)).toEqual([])
      await client.query('drop', 'DROP TABLE test_orchestrator_decisions')
    })

    it('adds origin in place to a table created before it, its rows reading as live', async () => {
      const dialect = await client.dialect()
      const old = historyTable(true)
      const [create, ...indexes] = createHistoryTableStatements(dialect, old)
      await client.query('create old', create!.replace(/, origin TEXT NOT NULL DEFAULT 'live'/, ''))
      for (const statement of indexes) await client.query('index', statement)
      await expect(client.query('probe', originProbeStatement(dialect, old))).rejects.toThrow(/origin/)
      const at = Date.UTC(2026, 10, 30)
      await client.query(
        'insert old',
        `INSERT INTO test_orchestrator_decisions (ts, asset, decision, reason_code, reason_text, withdrawable_usd, wmax_usd, duration_ms) VALUES (${instantLiteral(dialect, at)}, 'djed', 1, 'ok', '', 5, 5, 1)`,
      )
      // a read first (the dashboard and the notifier read at start) migrates, then reads
      const before = new DecisionHistory(client, { testPrefix: true })
      expect((await before.read({ origin: 'live' })).records.map((r) => [r.ts - at, r.origin])).toEqual([[0, 'live']])
      expect(await before.lastWith('djed', 1)).toBe(at)
      await client.query('undo', 'ALTER TABLE test_orchestrator_decisions DROP COLUMN origin')
      // the first write migrates; two instances starting at once both succeed
      await Promise.all([
        new DecisionHistory(client, { testPrefix: true }).append([historyRecord({ ts: at + HOUR, origin: 'replay' })]),
        new DecisionHistory(client, { testPrefix: true }).append([historyRecord({ ts: at + 2 * HOUR })]),
      ])
      const read = await new DecisionHistory(client, { testPrefix: true }).read({ from: at })
      expect(read.problems).toEqual([])
      expect(read.records.map((r) => [r.ts - at, r.origin])).toEqual([
        [0, 'live'],
        [HOUR, 'replay'],
        [2 * HOUR, 'live'],
      ])
      await client.query('drop', 'DROP TABLE test_orchestrator_decisions')
    })

    it('skips a row it cannot read and keeps the others', async () => {
      const history = new DecisionHistory(client)
      await client.query(
        'raw',
        `INSERT INTO orchestrator_decisions (ts, asset, decision, reason_code, reason_text, withdrawable_usd, wmax_usd, duration_ms) VALUES (${instantLiteral(await client.dialect(), Date.UTC(2026, 10, 28))}, 'djed', 7, 'x', '', 0, 0, 1)`,
      )
      const read = await history.read({ from: Date.UTC(2026, 10, 28) - HOUR })
      expect(read.records).toEqual([])
      expect(read.problems).toEqual(['history row djed at 2026-11-28T00:00:00.000Z has decision 7 (expected 1, 0 or -1)'])
    })
  })
}
