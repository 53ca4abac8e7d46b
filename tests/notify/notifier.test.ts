/**
 * The notifier over a real decision history (embedded store) and a fake webhook: a restart
 * between two evaluations (a new Notifier on the same table) neither repeats a message nor loses a
 * change, including one that was still being confirmed when the service stopped. Rows a replay
 * filled in (`replay --write-history`) are never taken for what was notified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { DecisionCode } from '../../src/engine/types.ts'
import { recordsOf } from '../../src/history/record.ts'
import { historyAndNotificationsStep } from '../../src/history/step.ts'
import { DecisionHistory } from '../../src/history/store.ts'
import { captureLogs } from '../../src/log.ts'
import { Notifier } from '../../src/notify/notifier.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { errorDecision } from '../../src/engine/decision.ts'
import { type FakeChannel, startFakeWebhook } from '../fakes/notify.ts'
import { createSqliteDatabase, SETUP_TIMEOUT_MS, type TestDatabase } from '../support/pg.ts'
import { baseConfig, loadTestConfig, withConfig } from '../support/service/config.ts'

const HOUR = 3_600_000
const T = Date.UTC(2026, 10, 27, 0, 0)

captureLogs(() => {})

/** An evaluation result with one DJED decision: 1 (WITHDRAW_OK of 91 USD), 0 (HOLD) or -1 (ERROR). */
function evaluation(index: number, decision: DecisionCode) {
  const base = errorDecision('djed', 'store unreachable')
  const entry =
    decision === -1
      ? base
      : { ...base, decision, error: null, reason: decision === 1 ? null : 'non-positive gains since t0', wmaxUsd: decision === 1 ? 91 : 0, gUsd: 182 }
  return { at: T + index * HOUR, durationMs: 5, assets: [{ asset: 'djed', decision: entry }] }
}

describe('notifier restart', () => {
  let database: TestDatabase
  let client: StoreClient
  let hook: FakeChannel

  beforeAll(async () => {
    database = await createSqliteDatabase()
    client = database.connect()
    hook = startFakeWebhook()
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await hook?.stop()
    await client?.close()
    await database?.close()
  }, SETUP_TIMEOUT_MS)

  /** A service lifetime: a notifier + history step that runs these evaluations, then stops. */
  async function lifetime(table: DecisionHistory, confirm: number, outcomes: [number, DecisionCode][]): Promise<string[]> {
    const { config } = loadTestConfig(
      withConfig(baseConfig({}), {
        notifications: { enabled: true, confirm_evaluations: confirm, cooldown_minutes: 0, channels: [{ type: 'webhook', url: hook.url }] },
      }),
    )
    const notifier = new Notifier(config, { history: table })
    const step = historyAndNotificationsStep(table, null, notifier)
    const before = hook.accepted.length
    for (const [index, decision] of outcomes) await step.run(evaluation(index, decision))
    await notifier.drain(5_000)
    await notifier.close()
    return hook.accepted.slice(before).map((request) => (request.body as { kind: string }).kind)
  }

  it('neither repeats the last message nor misses a change after a restart', async () => {
    const table = new DecisionHistory(client)
    expect(
      await lifetime(table, 1, [
        [0, 1],
        [1, 1],
      ]),
    ).toEqual(['withdraw_ok'])
    // restart: the outcome stayed the same → nothing; then it changes → told
    expect(
      await lifetime(table, 1, [
        [2, 1],
        [3, 0],
      ]),
    ).toEqual(['hold'])
    // restart while in ERROR? first the error, then a restart and the recovery
    expect(await lifetime(table, 1, [[4, -1]])).toEqual(['error'])
    expect(await lifetime(table, 1, [[5, 1]])).toEqual(['recovered'])
  })

  it('keeps counting a confirmation across the restart', async () => {
    const table = new DecisionHistory(client, { testPrefix: true })
    expect(
      await lifetime(table, 2, [
        [10, 1],
        [11, 1],
        [12, 0],
      ]),
    ).toEqual(['withdraw_ok'])
    // the HOLD seen once before the restart is confirmed by the first evaluation after it
    expect(await lifetime(table, 2, [[13, 0]])).toEqual(['hold'])
  })

  it('restores from live rows only: a replayed row in between is not what was notified', async () => {
    await client.query('drop', 'DROP TABLE IF EXISTS orchestrator_decisions')
    const table = new DecisionHistory(client)
    expect(
      await lifetime(table, 1, [
        [20, 1],
        [21, 0],
      ]),
    ).toEqual(['withdraw_ok', 'hold'])
    // while the service was down, a replay filled the next slot with WITHDRAW_OK
    await table.append(recordsOf(evaluation(22, 1), 'replay'))
    // the service last said HOLD: its first WITHDRAW_OK after the restart is news
    expect(await lifetime(table, 1, [[23, 1]])).toEqual(['withdraw_ok'])
  })
})
