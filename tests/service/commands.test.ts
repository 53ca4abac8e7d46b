/**
 * `alert-orchestrator sync` and `alert-orchestrator check` as an operator runs them: child
 * processes on a fresh PostgreSQL database (when reachable) and on a fresh embedded SQLite store,
 * the fake Liqwid GraphQL API (100 results per answer, refuses `page`/`perPage`) behind the sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoreClient } from '../../src/store/client.ts'
import { STORE_FILE } from '../../src/store/embedded.ts'
import { SqliteClient } from '../../src/store/sqlite-client.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { WALLET_A, txHash } from '../fakes/fixtures.ts'
import { liqwidTx, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS, testClient } from '../support/pg.ts'
import { runCli } from '../support/service/cli.ts'
import { baseConfig, withConfig, writeConfigFile } from '../support/service/config.ts'
import { writeKnownMarket } from '../support/service/market.ts'
import { storeBackends, type OpenedData } from '../support/service/stores.ts'

const HISTORY = 340
const CLI_TIMEOUT_MS = 120_000

/** The test's own connection, beside the child processes (never the embedded store's lock). */
function connect(opened: OpenedData): StoreClient {
  return opened.url !== null ? testClient(opened.url) : new SqliteClient({ path: join(opened.dir!, STORE_FILE), busyTimeoutMs: 10_000 })
}

/** Every table (and, in SQLite, index) of the store, namespaces included. */
async function storeObjects(client: StoreClient) {
  return (await client.dialect()) === 'sqlite'
    ? client.query('tables', 'SELECT type, name FROM sqlite_master ORDER BY 1, 2')
    : client.query(
        'tables',
        "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
      )
}

for (const backend of await storeBackends()) {
  describe.skipIf(backend.skip !== null)(`sync and check on the command line (${backend.name})`, () => {
    let opened: OpenedData
    let client: StoreClient
    let liqwid: FakeLiqwid
    let dir: string
    let configPath: string

    beforeAll(async () => {
      opened = await backend.open()
      client = connect(opened)
      await writeKnownMarket(new StoreWriter(client), Date.now())
      liqwid = startFakeLiqwid()
      liqwid.addTransactions(
        WALLET_A,
        Array.from({ length: HISTORY }, (_, i) =>
          liqwidTx({
            id: txHash(`cli-${i}`),
            type: i % 4 === 0 ? 'WITHDRAW' : 'SUPPLY',
            displayName: 'DJED',
            time: new Date(Date.UTC(2025, 6, 1) + i * 3_600_000).toISOString(),
            amount: i + 1,
          }),
        ),
      )
      dir = mkdtempSync(join(tmpdir(), 'ao-commands-'))
      configPath = writeConfigFile(dir, withConfig(baseConfig(opened.data), { prices: { endpoints: { liqwid_graphql: liqwid.endpoint } } }))
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await liqwid?.stop()
      await client?.close()
      await opened?.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    }, SETUP_TIMEOUT_MS)

    const syncedIds = async () =>
      (
        await client.query(
          'synced',
          'SELECT tx_id FROM liqwid_deposits_djed WHERE tx_id IS NOT NULL UNION ALL SELECT tx_id FROM liqwid_withdrawals_djed WHERE tx_id IS NOT NULL',
        )
      ).map((row) => row.tx_id as string)

    it(
      'two syncs started at the same moment from two processes end with exactly one row per transaction; a third writes none',
      async () => {
        const args = ['sync', '--from', '2025-07-01', '--config', configPath]
        const [first, second] = await Promise.all([runCli(args), runCli(args)])
        for (const run of [first, second]) {
          expect(run.code, run.stderr).toBe(0)
          expect(run.stderr).toContain(`sync: wallet 1 of 2: `)
          expect(JSON.parse(run.stdout)).toMatchObject({ success: true, wallets_synced: 2, errors: [] })
        }
        const ids = await syncedIds()
        expect(ids).toHaveLength(HISTORY)
        expect(new Set(ids).size).toBe(HISTORY)
        // each process counts only the rows it wrote itself
        expect(JSON.parse(first.stdout).new_transactions + JSON.parse(second.stdout).new_transactions).toBe(HISTORY)

        const third = await runCli(args)
        expect(third.code, third.stderr).toBe(0)
        expect(JSON.parse(third.stdout)).toMatchObject({ success: true, new_transactions: 0, duplicates_skipped: HISTORY })
        expect(await syncedIds()).toHaveLength(HISTORY)
      },
      CLI_TIMEOUT_MS,
    )

    it(
      'sync exits 2 on a bad window and 1 when a wallet failed',
      async () => {
        const bad = await runCli(['sync', '--from', 'yesterday', '--config', configPath])
        expect(bad.code).toBe(2)
        expect(bad.stderr).toContain('sync window: start "yesterday" must be a date')
        expect((await runCli(['check', '--from', '2025-07-01', '--config', configPath])).code).toBe(2)

        liqwid.faults.add({ kind: 'json', body: { errors: [{ message: 'wallet not indexed' }] } }, 1)
        const failed = await runCli(['sync', '--from', '2025-07-01', '--config', configPath])
        expect(failed.code).toBe(1)
        expect(JSON.parse(failed.stdout).errors[0]).toContain('wallet not indexed')
      },
      CLI_TIMEOUT_MS,
    )

    it(
      'check on a healthy store exits 0 and names every asset, its tables and the providers',
      async () => {
        const run = await runCli(['check', '--config', configPath])
        expect(run.code, run.stderr).toBe(0)
        expect(run.stdout).toContain(backend.name === 'postgres' ? 'dialect postgres, server PostgreSQL' : 'dialect sqlite, server SQLite 3.')
        expect(run.stdout).toContain('asset djed (table symbol djed):')
        expect(run.stdout).toMatch(/positions: liqwid_supply_positions_djed — \d+ rows in range, newest sample .* old, 2 wallet\(s\)/)
        expect(run.stdout).toMatch(/deposits: liqwid_deposits_djed — \d+ rows in range, .*tx_id present/)
        expect(run.stdout).toMatch(/minswap: minswap.minswap_prices_djed — \d+ rows in range, newest sample .* old\n/)
        expect(run.stdout).toContain('→ can be evaluated')
        expect(run.stdout).toContain('price provider liqwid: reachable (2 markets)')
        expect(run.stdout).toContain('price provider minswap: not configured')
      },
      CLI_TIMEOUT_MS,
    )

    it(
      "check exits 1 and names the missing table when an asset's positions table does not exist, and writes nothing",
      async () => {
        const path = writeConfigFile(dir, withConfig(baseConfig(opened.data), { domain: { assets: ['djed', 'usdm'] } }), 'two-assets.yaml')
        const tablesBefore = await storeObjects(client)
        const run = await runCli(['check', '--config', path])
        expect(run.code, run.stderr).toBe(1)
        expect(run.stdout).toContain('asset djed (table symbol djed):')
        expect(run.stdout).toContain('positions: liqwid_supply_positions_usdm — missing')
        expect(run.stdout).toContain('cannot be evaluated: liqwid_supply_positions_usdm is missing')
        expect(run.stdout).toContain('check: some assets cannot be evaluated')
        expect(await storeObjects(client)).toEqual(tablesBefore)
      },
      CLI_TIMEOUT_MS,
    )
  })
}
