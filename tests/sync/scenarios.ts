/**
 * Transaction-sync scenarios that run against any implementation of the store ports:
 *
 *   defineSyncScenarios('in memory', memoryHarness)     // tests/sync/sync.test.ts
 *   defineSyncScenarios('store', storeHarness)          // the same scenarios on the real store
 *
 * Liqwid is always the fake server behind the real client, so paging and parsing are exercised
 * too. A harness must resolve the names of `SCENARIO_ASSETS` (e.g. by seeding one supply-table
 * row per asset) and must not resolve `ADA`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'bun:test'
import type { TransactionKind } from '../../src/engine/types.ts'
import { AppError } from '../../src/errors.ts'
import { captureLogs } from '../../src/log.ts'
import { createLiqwidClient } from '../../src/sources/liqwid.ts'
import { syncTransactions, type SyncPorts, type SyncReport, type SyncRequest, type SyncedRow } from '../../src/sync/sync.ts'
import { WALLET_A, WALLET_B, txHash } from '../fakes/fixtures.ts'
import { graphqlErrors, liqwidTx, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'

export interface SyncHarness {
  /** the store side of the ports; the scenario adds `fetchTransactions` and the clock */
  readonly ports: Pick<SyncPorts, 'resolveAsset' | 'storedTxIds' | 'upgradeTxId' | 'insertTransactions'>
  /** rows present before the sync (e.g. written by the predecessor or by hand) */
  seed(symbol: string, kind: TransactionKind, rows: readonly SyncedRow[]): Promise<void>
  /** every row of `<prefix><symbol>` for that kind, in any order */
  rows(symbol: string, kind: TransactionKind): Promise<SyncedRow[]>
  close?(): Promise<void>
}

/** display / Liqwid names → table symbol and market id, as the resolver must answer them */
export const SCENARIO_ASSETS = [
  { names: ['djed', 'DJED'], symbol: 'djed', marketId: 'DJED' },
  { names: ['usdc', 'wanUSDC', 'wanusdc'], symbol: 'wanusdc', marketId: 'USDC' },
  { names: ['usdm', 'USDM'], symbol: 'usdm', marketId: 'USDM' },
] as const

export const SCENARIO_NOW = Date.parse('2025-11-27T05:35:31.512Z')
export const KEYWORD = 'alert_driven'

const id = (name: string) => txHash(`scenario:${name}`)
const notesOf = (name: string) => `${KEYWORD} Synced from Liqwid (tx: ${id(name).slice(0, 16)}...)`

/** Two wallets: 5 SUPPLY/WITHDRAW of configured assets, 2 other types, 2 unconfigured assets. */
export function seedLiqwid(liqwid: FakeLiqwid): void {
  liqwid.addTransactions(WALLET_A, [
    liqwidTx({ id: id('a-djed-supply'), type: 'SUPPLY', displayName: 'DJED', time: '2025-07-15T08:12:34.000Z', amount: 1000 }),
    liqwidTx({ id: id('a-usdc-withdraw'), type: 'WITHDRAW', displayName: 'wanUSDC', time: '2025-08-02T10:00:00.000Z', amount: 250.5 }),
    liqwidTx({ id: id('a-usdc-supply'), type: 'SUPPLY', displayName: 'wanUSDC', time: '2025-07-20T00:00:00.000Z', amount: 500 }),
    liqwidTx({ id: id('a-djed-borrow'), type: 'BORROW', displayName: 'DJED', time: '2025-09-01T00:00:00.000Z', amount: 100 }),
    liqwidTx({ id: id('a-ada-supply'), type: 'SUPPLY', displayName: 'ADA', time: '2025-09-02T00:00:00.000Z', amount: 50 }),
    liqwidTx({ id: id('a-usdc-repay'), type: 'REPAY', displayName: 'wanUSDC', time: '2025-09-03T00:00:00.000Z', amount: 20 }),
  ])
  liqwid.addTransactions(WALLET_B, [
    liqwidTx({ id: id('b-djed-withdraw'), type: 'WITHDRAW', displayName: 'DJED', time: '2025-08-10T12:00:00.000Z', amount: -300 }),
    liqwidTx({ id: id('b-djed-supply'), type: 'SUPPLY', displayName: 'DJED', time: '2025-07-01T00:00:00.000Z', amount: 700 }),
    liqwidTx({ id: id('b-usdm-supply'), type: 'SUPPLY', displayName: 'USDM', time: '2025-07-05T00:00:00.000Z', amount: 10 }),
  ])
}

export const REQUEST: SyncRequest = { wallets: [WALLET_A, WALLET_B], assets: ['djed', 'usdc'], start: '2025-07-01', end: null, keyword: KEYWORD }

export function defineSyncScenarios(name: string, makeHarness: () => Promise<SyncHarness>): void {
  describe(`transaction sync (${name})`, () => {
    let liqwid: FakeLiqwid
    let harness: SyncHarness
    let ports: SyncPorts
    let logs: string[]
    let restoreLogs: () => void

    beforeEach(async () => {
      logs = []
      restoreLogs = captureLogs((line) => logs.push(line))
      liqwid = startFakeLiqwid()
      harness = await makeHarness()
      const client = createLiqwidClient({ endpoint: liqwid.endpoint, timeoutMs: 1_000, retries: 1, backoffMs: 1 })
      ports = { ...harness.ports, fetchTransactions: client.fetchTransactions, now: () => SCENARIO_NOW }
    })

    afterEach(async () => {
      restoreLogs()
      await liqwid.stop()
      await harness.close?.()
    })

    const allRows = async () => ({
      djedDeposits: await harness.rows('djed', 'deposit'),
      djedWithdrawals: await harness.rows('djed', 'withdrawal'),
      usdcDeposits: await harness.rows('wanusdc', 'deposit'),
      usdcWithdrawals: await harness.rows('wanusdc', 'withdrawal'),
    })
    const stored = async () => Object.values(await allRows()).reduce((total, rows) => total + rows.length, 0)

    it('writes SUPPLY as deposits and WITHDRAW as withdrawals into the resolved tables', async () => {
      seedLiqwid(liqwid)
      await syncTransactions(REQUEST, ports)
      const rows = await allRows()
      const byTs = (a: SyncedRow, b: SyncedRow) => a.ts - b.ts
      expect(rows.djedDeposits.sort(byTs)).toEqual([
        {
          ts: Date.parse('2025-07-01T00:00:00Z'),
          createdAt: SCENARIO_NOW,
          wallet: WALLET_B,
          marketId: 'DJED',
          amount: 700,
          notes: notesOf('b-djed-supply'),
          txId: id('b-djed-supply'),
        },
        {
          ts: 1752567154000,
          createdAt: SCENARIO_NOW,
          wallet: WALLET_A,
          marketId: 'DJED',
          amount: 1000,
          notes: notesOf('a-djed-supply'),
          txId: id('a-djed-supply'),
        },
      ])
      expect(rows.djedWithdrawals).toEqual([
        {
          ts: Date.parse('2025-08-10T12:00:00Z'),
          createdAt: SCENARIO_NOW,
          wallet: WALLET_B,
          marketId: 'DJED',
          amount: -300,
          notes: notesOf('b-djed-withdraw'),
          txId: id('b-djed-withdraw'),
        },
      ])
      expect(rows.usdcDeposits.map((row) => [row.marketId, row.amount])).toEqual([['USDC', 500]])
      expect(rows.usdcWithdrawals.map((row) => [row.marketId, row.amount, row.notes])).toEqual([['USDC', -250.5, notesOf('a-usdc-withdraw')]])
    })

    it('reports what it fetched, wrote and skipped, per wallet and in total', async () => {
      seedLiqwid(liqwid)
      const report = await syncTransactions(REQUEST, ports)
      expect(report).toEqual({
        success: true,
        start_time: '2025-07-01T00:00:00Z',
        end_time: '2025-11-27T05:35:31.512Z',
        wallets_synced: 2,
        new_transactions: 5,
        duplicates_skipped: 0,
        ids_upgraded: 0,
        deposits_written: 3,
        withdrawals_written: 2,
        skipped_other_types: 2,
        skipped_unconfigured_assets: 2,
        errors: [],
        details: [
          {
            wallet: WALLET_A,
            fetched: 6,
            new_deposits: 2,
            new_withdrawals: 1,
            duplicates_skipped: 0,
            ids_upgraded: 0,
            skipped_other_types: 2,
            skipped_unconfigured_assets: 1,
            errors: [],
          },
          {
            wallet: WALLET_B,
            fetched: 3,
            new_deposits: 1,
            new_withdrawals: 1,
            duplicates_skipped: 0,
            ids_upgraded: 0,
            skipped_other_types: 0,
            skipped_unconfigured_assets: 1,
            errors: [],
          },
        ],
      } satisfies SyncReport)
    })

    it('writes nothing the second time (idempotent)', async () => {
      seedLiqwid(liqwid)
      await syncTransactions(REQUEST, ports)
      const before = await allRows()
      const again = await syncTransactions(REQUEST, ports)
      expect(again).toMatchObject({ success: true, new_transactions: 0, duplicates_skipped: 5, deposits_written: 0, withdrawals_written: 0 })
      expect(await allRows()).toEqual(before)
    })

    it('recognises rows stored earlier, whatever the spacing after "tx:", and ignores manual notes', async () => {
      seedLiqwid(liqwid)
      const base = { createdAt: 0, wallet: WALLET_A, marketId: 'DJED' }
      await harness.seed('djed', 'deposit', [
        {
          ...base,
          ts: Date.parse('2025-07-15T08:12:34Z'),
          amount: 1000,
          notes: `${KEYWORD} Synced from Liqwid (tx:${id('a-djed-supply').slice(0, 16)}...)`,
          txId: null,
        },
        { ...base, ts: Date.parse('2025-06-01T00:00:00Z'), amount: 5, notes: 'manual deposit, no tx', txId: null },
      ])
      await harness.seed('wanusdc', 'withdrawal', [
        { ...base, marketId: 'USDC', ts: Date.parse('2025-08-02T10:00:00Z'), amount: -250.5, notes: notesOf('a-usdc-withdraw'), txId: null },
      ])
      const report = await syncTransactions(REQUEST, ports)
      expect(report).toMatchObject({ success: true, duplicates_skipped: 2, ids_upgraded: 2, deposits_written: 2, withdrawals_written: 1 })
      expect(report.details[0]).toMatchObject({ new_deposits: 1, new_withdrawals: 0, duplicates_skipped: 2, ids_upgraded: 2 })
      // the backfilled prefixes became the full ids, in place: no duplicate row, the manual row untouched
      const djed = (await harness.rows('djed', 'deposit')).filter((row) => row.wallet === WALLET_A).sort((a, b) => a.ts - b.ts)
      expect(djed.map((row) => [row.amount, row.txId])).toEqual([
        [5, null],
        [1000, id('a-djed-supply')],
      ])
      expect((await harness.rows('wanusdc', 'withdrawal')).map((row) => row.txId)).toEqual([id('a-usdc-withdraw')])
      const third = await syncTransactions(REQUEST, ports)
      expect(third).toMatchObject({ success: true, new_transactions: 0, ids_upgraded: 0, duplicates_skipped: 5 })
    })

    it('ends with exactly one row per transaction after three syncs, whatever the ids and the keyword look like', async () => {
      const odd = ['0x00ab12cd', '0x00ab12ce', 'txn-0001-abcdef-99', 'txn-0001-abcdef-98', id('hex')]
      liqwid.addTransactions(
        WALLET_A,
        odd.map((txId, i) =>
          liqwidTx({
            id: txId,
            type: 'SUPPLY',
            displayName: 'DJED',
            time: new Date(Date.UTC(2025, 6, 2, 0, 0, 0, i % 2)).toISOString(),
            amount: i + 1,
          }),
        ),
      )
      const request = { ...REQUEST, wallets: [WALLET_A], keyword: 'ref tx:1 (tx: 0x)' }
      for (let run = 0; run < 3; run++) await syncTransactions(request, ports)
      const rows = await harness.rows('djed', 'deposit')
      expect(rows.map((row) => row.txId).sort()).toEqual([...odd].sort())
    })

    it('keeps two transactions of one wallet in the same millisecond apart', async () => {
      const at = '2025-07-03T00:00:00.000Z'
      liqwid.addTransactions(WALLET_A, [
        liqwidTx({ id: id('same-ms-1'), type: 'SUPPLY', displayName: 'DJED', time: at, amount: 1 }),
        liqwidTx({ id: id('same-ms-2'), type: 'SUPPLY', displayName: 'DJED', time: at, amount: 2 }),
      ])
      liqwid.addTransactions(WALLET_B, [liqwidTx({ id: id('same-ms-3'), type: 'SUPPLY', displayName: 'DJED', time: at, amount: 3 })])
      expect(await syncTransactions(REQUEST, ports)).toMatchObject({ deposits_written: 3 })
      expect(await syncTransactions(REQUEST, ports)).toMatchObject({ deposits_written: 0, duplicates_skipped: 3 })
      expect((await harness.rows('djed', 'deposit')).map((row) => row.amount).sort()).toEqual([1, 2, 3])
    })

    it('dedupes per wallet: the same tx id stored for another wallet does not count', async () => {
      seedLiqwid(liqwid)
      await harness.seed('djed', 'deposit', [
        { ts: 1, createdAt: 1, wallet: WALLET_B, marketId: 'DJED', amount: 1000, notes: notesOf('a-djed-supply'), txId: id('a-djed-supply') },
      ])
      const report = await syncTransactions(REQUEST, ports)
      expect(report.details[0]!.new_deposits).toBe(2)
    })

    it('brings a long history through an API that answers 100 per request, and a second sync writes none', async () => {
      const start = Date.parse('2025-07-01T00:00:00Z')
      liqwid.addTransactions(
        WALLET_A,
        Array.from({ length: 250 }, (_, i) =>
          liqwidTx({ id: id(`page-${i}`), type: 'SUPPLY', displayName: 'DJED', time: new Date(start + i * 60_000).toISOString(), amount: i + 1 }),
        ),
      )
      const report = await syncTransactions({ ...REQUEST, wallets: [WALLET_A] }, ports)
      expect(report).toMatchObject({ success: true, deposits_written: 250 })
      expect(report.details[0]!.fetched).toBe(250)
      expect(await harness.rows('djed', 'deposit')).toHaveLength(250)
      // the window was split: more than one request, none of them over the API's answer size
      expect(liqwid.requestsFor('transactions').length).toBeGreaterThan(2)
      const again = await syncTransactions({ ...REQUEST, wallets: [WALLET_A] }, ports)
      expect(again).toMatchObject({ success: true, new_transactions: 0, duplicates_skipped: 250 })
    })

    it('reports a failed insert and counts exactly what landed; the next sync completes the rest', async () => {
      seedLiqwid(liqwid)
      let inserts = 0
      const flaky: SyncPorts = {
        ...ports,
        insertTransactions: async (symbol, kind, rows) => {
          inserts++
          if (inserts === 2) throw new Error('connection reset by peer')
          return ports.insertTransactions(symbol, kind, rows)
        },
      }
      const report = await syncTransactions(REQUEST, flaky)
      expect(report.success).toBe(false)
      // wallet A writes djed deposits (1st insert), wanusdc deposits (2nd: fails), wanusdc withdrawals (3rd)
      expect(report.errors).toEqual([`${WALLET_A}: Failed to write deposits of wanusdc (1 of 1 not written): connection reset by peer`])
      expect(report.details[0]).toMatchObject({ new_deposits: 1, new_withdrawals: 1 })
      expect(report.new_transactions).toBe(await stored())
      expect(report.new_transactions).toBe(4)

      const retry = await syncTransactions(REQUEST, ports)
      expect(retry).toMatchObject({ success: true, new_transactions: 1, deposits_written: 1, duplicates_skipped: 4 })
      expect(await stored()).toBe(5)
    })

    it('counts the rows a chunked insert wrote before failing', async () => {
      liqwid.addTransactions(
        WALLET_A,
        [1, 2, 3].map((day) =>
          liqwidTx({ id: id(`chunk-${day}`), type: 'SUPPLY', displayName: 'DJED', time: `2025-07-0${day}T00:00:00.000Z`, amount: day }),
        ),
      )
      const partial: SyncPorts = {
        ...ports,
        insertTransactions: async (symbol, kind, rows) => {
          await ports.insertTransactions(symbol, kind, rows.slice(0, 1))
          throw new AppError('store_query', 'chunk 2 failed', { details: { rowsWritten: 1, rowsTotal: rows.length } })
        },
      }
      const report = await syncTransactions({ ...REQUEST, wallets: [WALLET_A] }, partial)
      expect(report).toMatchObject({
        success: false,
        deposits_written: 1,
        errors: [`${WALLET_A}: Failed to write deposits of djed (2 of 3 not written): chunk 2 failed`],
      })
      expect(await harness.rows('djed', 'deposit')).toHaveLength(1)
      expect(await syncTransactions({ ...REQUEST, wallets: [WALLET_A] }, ports)).toMatchObject({ deposits_written: 2, duplicates_skipped: 1 })
    })

    it('does not write what it cannot dedupe when reading stored ids fails', async () => {
      seedLiqwid(liqwid)
      const blind: SyncPorts = {
        ...ports,
        storedTxIds: async (symbol, wallet) => {
          if (symbol === 'wanusdc') throw new Error('Table not found: liqwid_deposits_wanusdc')
          return ports.storedTxIds(symbol, wallet)
        },
      }
      const report = await syncTransactions(REQUEST, blind)
      expect(report.errors).toEqual([
        `${WALLET_A}: Could not read stored wanusdc transactions (2 not written): Table not found: liqwid_deposits_wanusdc`,
      ])
      expect(report).toMatchObject({ deposits_written: 2, withdrawals_written: 1 })
      expect(await harness.rows('wanusdc', 'deposit')).toHaveLength(0)
    })

    it('records a Liqwid failure for one wallet and still syncs the others', async () => {
      seedLiqwid(liqwid)
      liqwid.faults.add(graphqlErrors('wallet not indexed'), 1)
      const report = await syncTransactions(REQUEST, ports)
      expect(report.success).toBe(false)
      expect(report.errors).toEqual([`${WALLET_A}: Liqwid API error: liqwid: GraphQL error: wallet not indexed`])
      expect(report.details[1]).toMatchObject({ new_deposits: 1, new_withdrawals: 1, errors: [] })
      expect(report.wallets_synced).toBe(2)
      const warning = logs.find((line) => line.includes('level=warn'))
      expect(warning).toContain('msg="wallet sync error"')
      expect(warning).toContain('error="Liqwid API error: liqwid: GraphQL error: wallet not indexed"')
    })

    it('stores Liqwid times as the UTC instant they name', async () => {
      seedLiqwid(liqwid)
      await syncTransactions(REQUEST, ports)
      const [row] = (await harness.rows('djed', 'deposit')).filter((r) => r.wallet === WALLET_A)
      expect(row!.ts).toBe(1752567154000) // 2025-07-15T08:12:34.000Z, not 9 h earlier
    })
  })
}
