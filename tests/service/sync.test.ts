/**
 * Transaction sync end to end: HTTP route → sync service → fake Liqwid GraphQL (through a gate
 * the test controls) → the store, on PostgreSQL when reachable and on the embedded store always.
 * Wallets come from the store's discovery (positions of WALLET_A) plus the configured `wallets`
 * (WALLET_B); the fake also knows a wallet that is neither, which must never be asked for.
 *
 * The Liqwid history is the one of tests/sync/scenarios.ts: 5 SUPPLY/WITHDRAW rows of the
 * configured assets (djed, usdc → wanusdc), 2 other types, 2 of unconfigured assets.
 * tests/service/sync-timezone.test.ts runs the UTC test of this file under TZ=Asia/Tokyo.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import type { StoreClient } from '../../src/store/client.ts'
import { WALLET_A, WALLET_B, txHash } from '../fakes/fixtures.ts'
import { liqwidTx, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { appWithConfig } from '../support/service/apps.ts'
import { baseConfig, withConfig, type ConfigTree } from '../support/service/config.ts'
import { basicAuth, startTestServices, type ServiceHarness } from '../support/service/services.ts'
import { storeBackends, type StoreBackend } from '../support/service/stores.ts'
import { followDashboardSync, postSync } from '../support/service/sync-job.ts'
import { startUpstreamGate, type UpstreamGate } from '../support/service/upstream.ts'
import { seedLiqwid } from '../sync/scenarios.ts'

const WALLET_ELSEWHERE = 'addr1qxc7neitherdiscoverednorconfiguredcccccccccccccccccccccccccccccccccccccccccccccccccccccc'
const TRANSACTION_TABLES = ['liqwid_deposits_djed', 'liqwid_withdrawals_djed', 'liqwid_deposits_wanusdc', 'liqwid_withdrawals_wanusdc']
const PASSWORD_HASH = `sha256:${new Bun.CryptoHasher('sha256').update('sync-secret').digest('hex')}`

/** What the scenario history writes for WALLET_A and WALLET_B. */
const FULL_SYNC = {
  wallets_synced: 2,
  new_transactions: 5,
  deposits_written: 3,
  withdrawals_written: 2,
  skipped_other_types: 2,
  skipped_unconfigured_assets: 2,
}
const ROWS_PER_TABLE = { liqwid_deposits_djed: 2, liqwid_withdrawals_djed: 1, liqwid_deposits_wanusdc: 1, liqwid_withdrawals_wanusdc: 1 }

function syncConfig(data: ConfigTree, gate: UpstreamGate): ConfigTree {
  return withConfig(baseConfig(data), {
    wallets: [WALLET_B],
    domain: { assets: ['djed', 'usdc'] },
    prices: { endpoints: { liqwid_graphql: gate.endpoint } },
  })
}

/** One supply row per asset for WALLET_A: discovery finds it, and the tables resolve (usdc → wanusdc). */
async function seedPositions(harness: ServiceHarness): Promise<void> {
  const ts = Date.parse('2025-07-01T00:00:00Z')
  for (const [symbol, marketId] of [
    ['djed', 'DJED'],
    ['wanusdc', 'USDC'],
  ] as const)
    await harness.writer.insertPositions(symbol, [{ ts, wallet: WALLET_A, marketId, marketName: marketId, units: 1, priceUsd: 1, usdValue: 1 }])
}

function seedUpstream(liqwid: FakeLiqwid): void {
  seedLiqwid(liqwid)
  liqwid.addTransactions(WALLET_ELSEWHERE, [
    liqwidTx({ id: txHash('elsewhere'), type: 'SUPPLY', displayName: 'DJED', time: '2025-08-01T00:00:00.000Z', amount: 5 }),
  ])
}

async function tableCounts(client: StoreClient, prefix = ''): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of TRANSACTION_TABLES) {
    try {
      const [row] = await client.query('count', `SELECT COUNT(*) AS n FROM ${prefix}${table}`)
      counts[table] = Number(row!.n)
    } catch {
      counts[table] = 0 // not created yet
    }
  }
  return counts
}

async function clearTransactions(client: StoreClient): Promise<void> {
  for (const table of TRANSACTION_TABLES.flatMap((name) => [name, `test_${name}`]))
    await client.query('clear', `DELETE FROM ${table}`).catch(() => {})
}

interface SyncService {
  /** the configuration tree the service runs on */
  readonly tree: ConfigTree
  readonly liqwid: FakeLiqwid
  readonly gate: UpstreamGate
  readonly harness: ServiceHarness
  readonly client: StoreClient
  close(): Promise<void>
}

/** The service on a fresh store of `backend`, its positions seeded, the fake Liqwid behind a gate. */
async function openSyncService(backend: StoreBackend, testPrefix = false): Promise<SyncService> {
  const opened = await backend.open()
  const liqwid = startFakeLiqwid()
  const gate = startUpstreamGate(liqwid.url)
  const tree = syncConfig(opened.data, gate)
  const harness = await startTestServices(tree, { testPrefix })
  await seedPositions(harness)
  return {
    tree,
    liqwid,
    gate,
    harness,
    client: harness.services.store.client,
    close: async () => {
      await harness.close()
      await gate.stop()
      await liqwid.stop()
      await opened.close()
    },
  }
}

for (const backend of await storeBackends()) {
  describe.skipIf(backend.skip !== null)(`transaction sync over HTTP on ${backend.name}`, () => {
    let service: SyncService
    let liqwid: FakeLiqwid
    let gate: UpstreamGate
    let harness: ServiceHarness
    let client: StoreClient

    beforeAll(async () => {
      service = await openSyncService(backend)
      ;({ liqwid, gate, harness, client } = service)
      seedUpstream(liqwid)
    }, SETUP_TIMEOUT_MS)

    afterAll(() => service?.close(), SETUP_TIMEOUT_MS)

    beforeEach(async () => {
      gate.release()
      gate.clearFailures()
      liqwid.requests.length = 0
      await clearTransactions(client)
    })

    it('writes the history of discovered and configured wallets, and reports what it wrote', async () => {
      const { status, body } = await postSync(harness.app)
      expect(status).toBe(202)
      expect(body).toMatchObject({ success: true, ...FULL_SYNC, duplicates_skipped: 0, errors: [] })
      expect((body.details as { wallet: string }[]).map((detail) => detail.wallet)).toEqual([WALLET_A, WALLET_B])
      const asked = liqwid
        .requestsFor('transactions')
        .map((request) => (request.body as { variables: { input: { addresses: string[] } } }).variables.input.addresses[0])
      expect(asked).toEqual([WALLET_A, WALLET_B])
      expect(await tableCounts(client)).toEqual(ROWS_PER_TABLE)
    })

    it("runs from the dashboard's sync button and shows the report in the page", async () => {
      const form = new URLSearchParams({ start_date: '2025-07-01', end_date: '' })
      const response = await harness.app.request('/dashboard/sync', {
        method: 'POST',
        body: form,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
      })
      expect(response.status).toBe(200)
      const started = await response.text()
      expect(started).toContain('hx-get="/dashboard/sync/')
      const html = await followDashboardSync(harness.app, started)
      expect(html).toContain('data-outcome="success"')
      expect(html).toContain('Sync finished: 2 wallets synced')
      expect(html).toContain('5 new (3 deposits, 2 withdrawals)')
      expect(await tableCounts(client)).toEqual(ROWS_PER_TABLE)
      // the page itself offers the button to this (trusted, local) user
      expect(await (await harness.app.request('/dashboard')).text()).toContain('id="sync-button"')
    })

    it('writes nothing the second time, through either path', async () => {
      await postSync(harness.app, '/api/sync/transactions')
      const after = await tableCounts(client)
      const { status, body } = await postSync(harness.app, '/api/sync-transactions', {
        body: JSON.stringify({ start_date: '2025-07-01', end_date: null }),
        headers: { 'Content-Type': 'application/json' },
      })
      expect(status).toBe(202)
      expect(body).toMatchObject({ success: true, new_transactions: 0, deposits_written: 0, withdrawals_written: 0, duplicates_skipped: 5 })
      expect(await tableCounts(client)).toEqual(after)
    })

    it('stores Liqwid times as UTC instants, whatever the process time zone', async () => {
      if (process.env.TZ === 'Asia/Tokyo') expect(new Date(0).getTimezoneOffset()).toBe(-540)
      await postSync(harness.app)
      // SQLite holds epoch ms (INTEGER), shown here as the UTC text PostgreSQL's TIMESTAMP shows.
      const text = (await client.dialect()) === 'sqlite' ? "strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch')" : 'CAST(ts AS TEXT)'
      const rows = await client.query('raw', `SELECT ${text} AS text, ts FROM liqwid_deposits_djed WHERE wallet_address = '${WALLET_A}'`)
      // Liqwid sent 2025-07-15T08:12:34.000Z
      expect(rows).toEqual([{ text: '2025-07-15 08:12:34', ts: Date.parse('2025-07-15T08:12:34.000Z') }])
    })

    it('refuses a second sync while one runs with 409, and finishes the first', async () => {
      gate.hold()
      const before = gate.count
      const first = postSync(harness.app)
      await gate.arrived(before + 1) // the first sync now waits for Liqwid
      const second = await postSync(harness.app, '/api/sync-transactions')
      expect(second.status).toBe(409)
      const firstJob = (second.body as unknown as { job_id: string }).job_id
      expect(second.body).toEqual({
        success: false,
        error: `a transaction sync is already running (job ${firstJob})`,
        job_id: firstJob,
        status_url: `/api/sync/transactions/${firstJob}`,
      } as never)
      const status = await (await harness.app.request(`/api/sync/transactions/${firstJob}`)).json()
      expect(status).toMatchObject({
        job_id: firstJob,
        state: 'running',
        progress: { wallets_done: 0, wallets_total: 2, current_wallet: WALLET_A },
        report: null,
      })
      gate.release()
      expect(await first).toMatchObject({ status: 202, job: { state: 'done', job_id: firstJob }, body: { success: true, new_transactions: 5 } })
      expect(await tableCounts(client)).toEqual(ROWS_PER_TABLE)
    })

    it('keeps what it wrote consistent when Liqwid fails for the second wallet, and completes it later', async () => {
      gate.failWallet(WALLET_B, 'wallet not indexed')
      const { status, body } = await postSync(harness.app)
      expect(status).toBe(202)
      expect(body).toMatchObject({ success: false, wallets_synced: 2, new_transactions: 3 })
      expect(body.errors).toEqual([`${WALLET_B}: Liqwid API error: liqwid: GraphQL error: wallet not indexed`])
      // WALLET_A's three rows, all of them, and nothing of WALLET_B
      const counts = await tableCounts(client)
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3)
      const wallets = await client.query('wallets', `SELECT DISTINCT wallet_address FROM liqwid_deposits_djed`)
      expect(wallets).toEqual([{ wallet_address: WALLET_A }])

      gate.clearFailures()
      const retry = await postSync(harness.app)
      expect(retry.body).toMatchObject({ success: true, new_transactions: 2, duplicates_skipped: 3 })
      expect(await tableCounts(client)).toEqual(ROWS_PER_TABLE)
    })

    it('reports an insert the store refuses, writes the rest, and completes it later', async () => {
      await postSync(harness.app) // creates the tables
      await clearTransactions(client)
      await client.query('fixture', 'ALTER TABLE liqwid_withdrawals_djed ADD CONSTRAINT small_withdrawals CHECK (amount > -200)')
      try {
        const { body } = await postSync(harness.app)
        expect(body).toMatchObject({ success: false, new_transactions: 4, withdrawals_written: 1 })
        expect(body.errors).toHaveLength(1)
        expect(body.errors[0]).toStartWith(`${WALLET_B}: Failed to write withdrawals of djed (1 of 1 not written): `)
        expect(await tableCounts(client)).toEqual({ ...ROWS_PER_TABLE, liqwid_withdrawals_djed: 0 })
      } finally {
        await client.query('fixture', 'ALTER TABLE liqwid_withdrawals_djed DROP CONSTRAINT small_withdrawals')
      }
      const retry = await postSync(harness.app)
      expect(retry.body).toMatchObject({ success: true, new_transactions: 1, withdrawals_written: 1, duplicates_skipped: 4 })
      expect(await tableCounts(client)).toEqual(ROWS_PER_TABLE)
    })

    it('asks for credentials when auth is enabled, before calling Liqwid', async () => {
      const tree = withConfig(service.tree, { runtime: { auth: { enabled: true, username: 'ops', password_hash: PASSWORD_HASH } } })
      const app = appWithConfig(harness, tree)
      const upstreamRequests = gate.count
      for (const path of ['/api/sync/transactions', '/api/sync-transactions']) {
        const response = await app.request(path, { method: 'POST' })
        expect(response.status).toBe(401)
        expect(response.headers.get('www-authenticate')).toBe('Basic realm="Alert Orchestrator", charset="UTF-8"')
      }
      expect(gate.count).toBe(upstreamRequests)
      expect(await tableCounts(client)).toEqual({
        liqwid_deposits_djed: 0,
        liqwid_withdrawals_djed: 0,
        liqwid_deposits_wanusdc: 0,
        liqwid_withdrawals_wanusdc: 0,
      })
      const admitted = await postSync(app, '/api/sync/transactions', { headers: { Authorization: basicAuth('ops', 'sync-secret') } })
      expect(admitted).toMatchObject({ status: 202, body: { success: true, new_transactions: 5 } })
    })
  })

  describe.skipIf(backend.skip !== null)(`transaction sync over HTTP under --test-prefix on ${backend.name}`, () => {
    let service: SyncService
    let liqwid: FakeLiqwid
    let harness: ServiceHarness
    let client: StoreClient

    beforeAll(async () => {
      service = await openSyncService(backend, true)
      ;({ liqwid, harness, client } = service)
      // A row the predecessor synced into the normal table: test mode must neither touch nor trust it.
      await harness.writer.insertTransactions('djed', 'deposit', [
        {
          ts: Date.parse('2025-07-15T08:12:34Z'),
          wallet: WALLET_A,
          marketId: 'DJED',
          amount: 1000,
          notes: `alert_driven Synced from Liqwid (tx: ${txHash('scenario:a-djed-supply').slice(0, 16)}...)`,
        },
      ])
      seedUpstream(liqwid)
    }, SETUP_TIMEOUT_MS)

    afterAll(() => service?.close(), SETUP_TIMEOUT_MS)

    it('writes every row to the test_ tables and leaves the normal tables untouched', async () => {
      const normalBefore = await tableCounts(client)
      const rowsBefore = await client.query('snapshot', 'SELECT * FROM liqwid_deposits_djed ORDER BY ts')
      const { status, body } = await postSync(harness.app)
      expect(status).toBe(202)
      expect(body).toMatchObject({ success: true, ...FULL_SYNC, duplicates_skipped: 0 })
      expect(await tableCounts(client, 'test_')).toEqual(ROWS_PER_TABLE)
      expect(await tableCounts(client)).toEqual(normalBefore)
      expect(await client.query('snapshot', 'SELECT * FROM liqwid_deposits_djed ORDER BY ts')).toEqual(rowsBefore)
    })

    it('is idempotent in test mode too: the second sync reads the test_ tables it wrote', async () => {
      const before = await tableCounts(client, 'test_')
      const { body } = await postSync(harness.app, '/api/sync-transactions')
      expect(body).toMatchObject({ success: true, new_transactions: 0, duplicates_skipped: 5 })
      expect(await tableCounts(client, 'test_')).toEqual(before)
    })
  })
}
