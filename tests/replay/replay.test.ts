/**
 * The replay on real stores, over a synthetic month with an anomaly and a depeg (the demo market:
 * USDC rises without a transaction, USDM's price drops): every instant's row equals `--once --now`
 * on the same data, and no row looks ahead — rows appended after an instant never change it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { resolve } from 'node:path'
import { loadConfigFile } from '../../src/config/load.ts'
import { replay } from '../../src/replay/replay.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { appendDemoSample, seedDemo } from '../../src/store/demo.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { DAY_MS, HOUR_MS } from '../../src/store/synthetic.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { replayDisagreements } from '../support/replay-agreement.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const SHIPPED = loadConfigFile(resolve(import.meta.dir, '../../config/orchestrator_config.yaml'), {}).config
const NOW = Date.UTC(2026, 4, 10, 9, 20, 0)

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`replay on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let reader: StoreReader
    let writer: StoreWriter

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      reader = new StoreReader(client)
      writer = new StoreWriter(client)
      await seedDemo(writer, { now: NOW })
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('gives at every instant the row --once --now gives, anomaly and depeg included', async () => {
      const request = { from: NOW - 3 * DAY_MS, to: NOW, everyMs: HOUR_MS }
      const { replayed, problems } = await replayDisagreements(SHIPPED, reader, request)
      expect(problems).toEqual([])
      expect(replayed.instants).toHaveLength(73)
      const decisions = new Set(replayed.rows.map((row) => `${row.asset}:${row.decision}`))
      // the span shows both answers, not one constant
      expect(decisions).toContain('djed:1')
      expect(decisions).toContain('usdc:0')
      expect(decisions).toContain('usdm:0')
    }, 300_000)

    it('never looks ahead: rows after an instant leave its row unchanged', async () => {
      const span = { from: NOW - 2 * DAY_MS, to: NOW - DAY_MS, everyMs: 2 * HOUR_MS }
      const before = await replay(SHIPPED, reader, span)
      // a longer span sees the later rows, which exist for every instant of the shorter one
      const longer = await replay(SHIPPED, reader, { ...span, to: NOW })
      expect(longer.rows.filter((row) => row.at <= span.to)).toEqual([...before.rows])
      // new samples, a new reference withdrawal and transactions after the span
      await appendDemoSample(writer, NOW + 12 * HOUR_MS)
      await writer.insertTransactions('djed', 'withdrawal', [
        { ts: span.to + HOUR_MS, createdAt: span.to + HOUR_MS, wallet: 'addr1qlater', marketId: 'DJED', amount: 10, notes: 'alert_driven later' },
      ])
      await writer.insertTransactions('usdm', 'deposit', [
        { ts: span.to + 1, createdAt: span.to + 1, wallet: 'addr1qlater', marketId: 'USDM', amount: 500, notes: null },
      ])
      const after = await replay(SHIPPED, reader, span)
      expect(after.rows).toEqual([...before.rows])
    }, 300_000)
  })
}
