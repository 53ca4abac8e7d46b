/**
 * A sync that outlives the HTTP server's idle timeout (30 s), followed to its end through the job
 * route over a real socket, the way the dashboard and scripts do. Liqwid answers slowly (each
 * request just under the sync client's 30 s deadline, so nothing is retried).
 *
 * `SYNC_JOB_SECONDS` sets how long the sync takes (default 36: past the idle timeout without
 * making the suite much slower); `SYNC_JOB_SECONDS=120` is the two-minute sync of issue 14.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startWebServer, type WebServer } from '../../src/web/server.ts'
import { startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { baseConfig, withConfig } from '../support/service/config.ts'
import { writeKnownMarket } from '../support/service/market.ts'
import { startTestServices, type ServiceHarness } from '../support/service/services.ts'
import { openEmbedded, type OpenedData } from '../support/service/stores.ts'
import { postSync } from '../support/service/sync-job.ts'

const SECONDS = Number(process.env.SYNC_JOB_SECONDS ?? 36)
/** per Liqwid answer: under the sync client's 30 s attempt deadline */
const ANSWER_DELAY_MS = 18_000
const REQUESTS = Math.max(2, Math.ceil((SECONDS * 1000) / ANSWER_DELAY_MS))
/** the known market's two wallets, plus configured ones until there is one request per delay */
const EXTRA_WALLETS = Array.from({ length: REQUESTS - 2 }, (_, i) => `addr1qxslow${String(i).padStart(2, '0')}${'s'.repeat(90)}`)

describe('a sync longer than the server idle timeout, followed through the job route', () => {
  let opened: OpenedData
  let liqwid: FakeLiqwid
  let harness: ServiceHarness
  let server: WebServer

  beforeAll(async () => {
    opened = await openEmbedded()
    liqwid = startFakeLiqwid()
    harness = await startTestServices(
      withConfig(baseConfig(opened.data), EXTRA_WALLETS.length > 0 ? { wallets: EXTRA_WALLETS } : {}, {
        prices: { endpoints: { liqwid_graphql: liqwid.endpoint } },
      }),
    )
    await writeKnownMarket(harness.writer, Date.now())
    server = await startWebServer(harness.services, { port: 0 })
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await server?.stop()
    await harness?.close()
    await liqwid?.stop()
    await opened?.close()
  }, SETUP_TIMEOUT_MS)

  it(
    `runs ${REQUESTS * (ANSWER_DELAY_MS / 1000)} s and reports its end to a client polling every 2 s`,
    async () => {
      liqwid.faults.add({ kind: 'delay', ms: ANSWER_DELAY_MS }, REQUESTS)
      // REQUESTS answers of ANSWER_DELAY_MS each, one after the other: longer than the 30 s idle timeout
      const followed = await postSync(server.url, '/api/sync/transactions', {}, 2_000)
      expect(followed.status).toBe(202)
      expect(followed.job).toMatchObject({ state: 'done', progress: { wallets_done: REQUESTS, wallets_total: REQUESTS, current_wallet: null } })
      expect(followed.body).toMatchObject({ success: true, wallets_synced: REQUESTS, errors: [] })
      expect(liqwid.requestsFor('transactions')).toHaveLength(REQUESTS)
    },
    (SECONDS + 60) * 1000,
  )
})
