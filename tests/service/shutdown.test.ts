/**
 * Graceful shutdown (PRODUCT §3 "process"): a service that gets SIGTERM while an evaluation runs
 * finishes that evaluation, closes the store and exits 0. The evaluation is made to wait on a
 * dependency the test controls, never on a timer:
 *
 * - always (embedded store): the live Liqwid price, held at a gate in front of the fake API;
 * - with PostgreSQL: a store read blocked by a table lock the test holds. A read ignores the
 *   shutdown's abort signal, so the evaluation is still running when the signal arrives and must
 *   be waited for — the test releases the lock only after the service said it is shutting down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { serve } from '../../src/commands/serve.ts'
import { getLogLevel, setLogLevel } from '../../src/log.ts'
import { LOCK_FILE } from '../../src/store/lock.ts'
import { PostgresClient } from '../../src/store/postgres-client.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { WALLET_B } from '../fakes/fixtures.ts'
import { startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { startTestServices } from '../support/service/services.ts'
import { baseConfig, withConfig, writeConfigFile, type ConfigTree } from '../support/service/config.ts'
import { spawnService } from '../support/service/cli.ts'
import { openEmbedded, openPostgres, PG_URL, postgresUnavailable, type OpenedData } from '../support/service/stores.ts'
import { startUpstreamGate, type UpstreamGate } from '../support/service/upstream.ts'

const TEST_TIMEOUT_MS = 60_000
const POSTGRES_SKIP = await postgresUnavailable()
const SHUTTING_DOWN = /msg="shutting down" signal=SIGTERM/
const FINISHED = /msg="evaluation finished"/
const STOPPED = /msg=stopped/

/** One asset with a fixed table symbol (no resolution query), evaluated every hour. */
function serviceConfig(data: ConfigTree, extra: ConfigTree = {}): ConfigTree {
  return withConfig(baseConfig(data), { domain: { symbols: { djed: 'djed' } }, runtime: { schedule: { interval_minutes: 60 } } }, extra)
}

/**
 * Sessions of the service under test: its application name in this test's own database. Other
 * instances of the service (other test files, other checkouts) share the server but never the
 * database, so they are never counted.
 */
const OWN_SESSIONS = "application_name = 'alert-orchestrator' AND datname = current_database() AND pid <> pg_backend_pid()"

/**
 * The service's database sessions once its process is gone. A backend leaves pg_stat_activity a
 * moment after its client closed the connection, so look a bounded number of times.
 */
async function serviceSessionsAfterExit(admin: PostgresClient): Promise<unknown[]> {
  const query = `SELECT pid FROM pg_stat_activity WHERE ${OWN_SESSIONS}`
  let sessions = await admin.query('sessions', query)
  for (let look = 0; look < 100 && sessions.length > 0; look++) {
    await Bun.sleep(20)
    sessions = await admin.query('sessions', query)
  }
  return sessions
}

function indexOf(lines: readonly string[], pattern: RegExp): number {
  return lines.findIndex((line) => pattern.test(line))
}

describe('graceful shutdown', () => {
  let work: string
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ao-shutdown-'))
  })
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  describe('during an evaluation waiting on a live price (embedded store)', () => {
    let opened: OpenedData
    let liqwid: FakeLiqwid
    let gate: UpstreamGate

    beforeAll(async () => {
      opened = await openEmbedded()
      liqwid = startFakeLiqwid()
      gate = startUpstreamGate(liqwid.url)
    }, SETUP_TIMEOUT_MS)
    afterAll(async () => {
      await gate?.stop()
      await liqwid?.stop()
      await opened?.close()
    })

    it(
      'finishes the evaluation, releases the store and exits 0 on SIGTERM',
      async () => {
        const config = writeConfigFile(
          work,
          serviceConfig(opened.data, {
            prices: { priority_by_logical: { liqwid: ['liqwid'], minswap: ['greptime(minswap)'] }, endpoints: { liqwid_graphql: gate.endpoint } },
          }),
          'price.yaml',
        )
        gate.hold()
        const service = spawnService(['--no-telemetry', '--config', config])
        try {
          await gate.arrived(1) // the first evaluation is waiting for Liqwid
          expect(indexOf(service.logLines, FINISHED)).toBe(-1)
          expect(existsSync(join(opened.dir!, LOCK_FILE))).toBe(true)

          service.signal('SIGTERM')
          await service.waitForLog(SHUTTING_DOWN)
          gate.release()
          expect(await service.exited).toBe(0)

          const lines = service.logLines
          expect(indexOf(lines, SHUTTING_DOWN)).toBeLessThan(indexOf(lines, FINISHED))
          expect(indexOf(lines, FINISHED)).toBeLessThan(indexOf(lines, STOPPED))
          expect(lines.join('\n')).not.toContain('did not finish in time')
          expect(existsSync(join(opened.dir!, LOCK_FILE))).toBe(false)
        } finally {
          gate.release()
          await service.kill()
        }
      },
      TEST_TIMEOUT_MS,
    )
  })

  describe.skipIf(POSTGRES_SKIP !== null)('during an evaluation waiting on a locked table (PostgreSQL)', () => {
    let opened: OpenedData
    let admin: PostgresClient
    /** another instance of the service on the same server, connected for the whole test */
    let neighbour: postgres.Sql

    beforeAll(async () => {
      neighbour = postgres(PG_URL, { max: 1, connection: { application_name: 'alert-orchestrator' }, onnotice: () => {} })
      await neighbour`SELECT 1`
      opened = await openPostgres()
      // one session, so `pg_backend_pid()` excludes all of the test's own
      admin = new PostgresClient({ url: opened.url!, dialect: 'postgres', maxConnections: 1 })
      await new StoreWriter(admin).ensureTransactionTables('djed')
    }, SETUP_TIMEOUT_MS)
    afterAll(async () => {
      await admin?.close()
      await opened?.close()
      await neighbour?.end({ timeout: 1 })
    }, SETUP_TIMEOUT_MS)

    it(
      'waits for the blocked read, then closes the database connections and exits 0',
      async () => {
        const locker = postgres(opened.url!, { max: 1, onnotice: () => {} })
        let release!: () => void
        const released = new Promise<void>((resolve) => (release = resolve))
        let locked!: () => void
        const lockTaken = new Promise<void>((resolve) => (locked = resolve))
        const holding = locker.begin(async (tx) => {
          await tx.unsafe('LOCK TABLE liqwid_deposits_djed IN ACCESS EXCLUSIVE MODE')
          locked()
          await released
        })
        let service: ReturnType<typeof spawnService> | null = null
        try {
          await lockTaken
          service = spawnService(['--no-telemetry', '--config', writeConfigFile(work, serviceConfig(opened.data), 'pg.yaml')])
          // the evaluation's read of liqwid_deposits_djed is now queued behind the lock
          while ((await admin.query('waiting', `SELECT pid FROM pg_stat_activity WHERE ${OWN_SESSIONS} AND wait_event_type = 'Lock'`)).length === 0)
            await Bun.sleep(20)

          service.signal('SIGTERM')
          await service.waitForLog(SHUTTING_DOWN)
          expect(indexOf(service.logLines, FINISHED)).toBe(-1) // still blocked: it must be waited for
          release()
          await holding
          expect(await service.exited).toBe(0)

          const lines = service.logLines
          expect(indexOf(lines, SHUTTING_DOWN)).toBeLessThan(indexOf(lines, FINISHED))
          expect(indexOf(lines, FINISHED)).toBeLessThan(indexOf(lines, STOPPED))
          expect(await serviceSessionsAfterExit(admin)).toEqual([])
        } finally {
          release()
          await holding.catch(() => {})
          await locker.end({ timeout: 1 })
          await service?.kill()
        }
      },
      TEST_TIMEOUT_MS,
    )
  })

  describe('during a transaction sync (in-process, the signal emitted to this process)', () => {
    let opened: OpenedData
    let liqwid: FakeLiqwid
    let gate: UpstreamGate
    const previousLevel = getLogLevel()

    beforeAll(async () => {
      opened = await openEmbedded()
      liqwid = startFakeLiqwid()
      gate = startUpstreamGate(liqwid.url)
      setLogLevel('info') // the listening URL and the evaluations are info lines
    }, SETUP_TIMEOUT_MS)
    afterAll(async () => {
      setLogLevel(previousLevel)
      await gate?.stop()
      await liqwid?.stop()
      await opened?.close()
    })

    it(
      'cancels the running sync job, lets it record how far it got and exits 0 instead of waiting for Liqwid',
      async () => {
        const harness = await startTestServices(
          serviceConfig(opened.data, { wallets: [WALLET_B], prices: { endpoints: { liqwid_graphql: gate.endpoint } } }),
        )
        const logged = async (pattern: RegExp) => {
          while (!harness.logs.some((line) => pattern.test(line))) await Bun.sleep(5)
          return harness.logs.find((line) => pattern.test(line))!
        }
        try {
          const exit = serve(harness.services, { telemetry: true, port: 0 })
          const url = /url=(http:\/\/\S+)/.exec(await logged(/msg="HTTP server listening"/))![1]!
          await logged(FINISHED)

          gate.hold()
          const before = gate.count
          const started = await fetch(`${url}/api/sync/transactions`, { method: 'POST' })
          expect(started.status).toBe(202)
          const { job_id } = (await started.json()) as { job_id: string }
          await gate.arrived(before + 1) // the sync waits for Liqwid's answer about WALLET_B
          process.emit('SIGTERM', 'SIGTERM')

          expect(await exit).toBe(0)
          expect(harness.services.sync.job(job_id)).toMatchObject({
            state: 'done',
            report: expect.objectContaining({ success: false, errors: [`${WALLET_B}: Liqwid API error: transaction sync cancelled: shutting down`] }),
          })
          expect(existsSync(join(opened.dir!, LOCK_FILE))).toBe(false)
        } finally {
          gate.release()
          await harness.close().catch(() => {})
        }
      },
      TEST_TIMEOUT_MS,
    )
  })
})
