/**
 * `alert-orchestrator replay` and `--once --now` as a user runs them, in child processes on a copy
 * of the embedded demo store: the summary table, every row as CSV and JSON (to a file with --out),
 * a replayed instant reproduced alone by `--once --now`, `--set` overrides, `--write-history`
 * filling the decision history's empty slots (once: a second run writes nothing), and exit code 2
 * for arguments that cannot work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import { DecisionHistory } from '../../src/history/store.ts'
import { openStore } from '../../src/store/index.ts'
import { historyRecord } from '../support/history.ts'
import { runCli, ROOT } from '../support/service/cli.ts'
import { type ConfigTree, withConfig, writeConfigFile } from '../support/service/config.ts'
import { demoStoreDir } from '../support/service/stores.ts'

const SETUP_MS = 180_000
const RUN_MS = 120_000
const HOUR = 3_600_000

let work: string
let store: string
let config: string
let historyOff: string
// instants inside the demo's history, on whole hours
const to = Math.floor((Date.now() - 24 * HOUR) / HOUR) * HOUR
const from = to - 24 * HOUR
const iso = (ms: number) => new Date(ms).toISOString()

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ao-replay-'))
  store = await demoStoreDir()
  const shipped = YAML.parse(readFileSync(join(ROOT, 'config/orchestrator_config.yaml'), 'utf8')) as ConfigTree
  config = writeConfigFile(work, withConfig(shipped, { data: { embedded: { dir: store } } }))
  historyOff = writeConfigFile(work, withConfig(shipped, { data: { embedded: { dir: store } }, history: { enabled: false } }), 'history-off.yaml')
}, SETUP_MS)

afterAll(() => {
  for (const dir of [work, store]) if (dir) rmSync(dir, { recursive: true, force: true })
})

const replayArgs = (...extra: string[]) => ['replay', '--config', config, '--from', iso(from), '--to', iso(to), '--every', '6h', ...extra]

describe('replay on the demo store', () => {
  it(
    'prints the summary per asset by default, saying prices come from the store only',
    async () => {
      const run = await runCli(replayArgs())
      expect(run.code).toBe(0)
      expect(run.stdout).toStartWith(`replay: 5 instants from ${iso(from)} to ${iso(to)} (prices from the store only; live APIs are not called)`)
      for (const asset of ['djed', 'usdm', 'usdc', 'usdt']) expect(run.stdout).toMatch(new RegExp(`^${asset} +5 `, 'm'))
      expect(run.stderr).toContain('msg="replay finished" instants=5 rows=20')
    },
    RUN_MS,
  )

  it(
    'writes every row and the summary as CSV and as JSON, and --once --now reproduces an instant',
    async () => {
      const out = join(work, 'replay.json')
      // one after the other: one process at a time opens an embedded store
      const csv = await runCli(replayArgs('--format', 'csv'))
      const json = await runCli(replayArgs('--format', 'json', '--out', out))
      expect([csv.code, json.code]).toEqual([0, 0])
      const lines = csv.stdout.split('\n')
      expect(lines[0]).toBe(
        'ts,asset,decision,reason_code,reason,withdrawable_usd,wmax_usd,g_usd,gate_residual_usd,gate_threshold_usd,price_delta_rel',
      )
      expect(lines).toContain('summary,usdt,hold_reason_code:price_mismatch,5')
      expect(lines.slice(1, 21).every((line) => line.startsWith('20'))).toBe(true)
      expect(lines).toContain('section,asset,key,value')
      expect(json.stdout).toBe('')
      const written = JSON.parse(readFileSync(out, 'utf8')) as {
        rows: { ts: string; asset: string; decision: number; wmax_usd: number; reason: string | null }[]
        summary: unknown[]
      }
      expect(written.rows).toHaveLength(20)
      expect(written.summary).toHaveLength(4)

      const middle = iso(from + 12 * HOUR)
      const once = await runCli(['--once', '--config', config, '--now', middle])
      expect(once.code).toBe(0)
      expect(once.stderr).toContain('store prices only')
      const expected = written.rows
        .filter((row) => row.ts === middle)
        .map((row) => `${row.asset}: decision=${row.decision}, wmax_usd=${row.wmax_usd.toFixed(2)}`)
      expect(
        once.stdout
          .trimEnd()
          .split('\n')
          .map((line) => line.replace(/ \(\d+ wallets?\).*$/, '')),
      ).toEqual(expected)
    },
    RUN_MS,
  )

  it(
    'replays only the named assets, with a configuration key overridden by --set',
    async () => {
      const run = await runCli(replayArgs('--asset', 'djed', '--set', 'analysis.decision.safety_factor.c=0', '--format', 'json'))
      expect(run.code).toBe(0)
      const { rows } = JSON.parse(run.stdout) as { rows: { asset: string; withdrawable_usd: number; wmax_usd: number }[] }
      expect(new Set(rows.map((row) => row.asset))).toEqual(new Set(['djed']))
      expect(rows.every((row) => row.wmax_usd === 0 && row.withdrawable_usd === 0)).toBe(true)
    },
    RUN_MS,
  )

  it(
    'exits 2 for arguments that cannot work, naming the problem',
    async () => {
      // refused before the store is opened, so they can run at once
      const runs = await Promise.all([
        runCli(['replay', '--config', config, '--to', iso(to), '--every', '1h']),
        runCli(['replay', '--config', config, '--from', iso(from), '--to', iso(to), '--every', '0h']),
        runCli(replayArgs('--asset', 'nope')),
        runCli(replayArgs('--set', 'analysis.decision.gate.k_sigma=-3')),
        runCli(replayArgs('--format', 'xml')),
        runCli(['--once', '--config', config, '--now', 'yesterday']),
        runCli(['--now', iso(from), '--config', config]),
        runCli(replayArgs('--write-history', '--set', 'analysis.decision.gate.k_sigma=3')),
        runCli(['replay', '--config', historyOff, '--from', iso(from), '--to', iso(to), '--every', '6h', '--write-history']),
        runCli(['--once', '--config', config, '--write-history']),
      ])
      expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
      expect(runs.map((run) => run.stdout)).toEqual(['', '', '', '', '', '', '', '', '', ''])
      expect(runs[0]!.stderr).toContain('replay needs --from')
      expect(runs[1]!.stderr).toContain('--every "0h": a duration like 1h, 30m or 1d')
      expect(runs[2]!.stderr).toContain('--asset nope: not configured')
      expect(runs[3]!.stderr).toContain('analysis.decision.gate.k_sigma')
      expect(runs[4]!.stderr).toContain('--format "xml": use table, csv, json')
      expect(runs[5]!.stderr).toContain('--now "yesterday": not an ISO date or date-time')
      expect(runs[6]!.stderr).toContain('--now goes with --once')
      expect(runs[7]!.stderr).toContain('--write-history cannot be combined with --set')
      expect(runs[8]!.stderr).toContain('--write-history: the decision history is disabled (history.enabled: false)')
      expect(runs[9]!.stderr).toContain('--write-history belongs to the replay command')
    },
    RUN_MS,
  )
})

describe('replay --write-history', () => {
  let own: string
  let ownConfig: string
  // the demo store's last hours, where --write-history has slots to fill (within the retention)
  const last = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR
  const span = ['--from', iso(last - 11 * HOUR), '--to', iso(last), '--every', '1h']

  beforeAll(async () => {
    own = await demoStoreDir()
    const shipped = YAML.parse(readFileSync(join(ROOT, 'config/orchestrator_config.yaml'), 'utf8')) as ConfigTree
    ownConfig = writeConfigFile(work, withConfig(shipped, { data: { embedded: { dir: own } } }), 'own.yaml')
  }, SETUP_MS)

  afterAll(() => {
    if (own) rmSync(own, { recursive: true, force: true })
  })

  async function withHistory<T>(use: (history: DecisionHistory) => Promise<T>, testPrefix = false): Promise<T> {
    const opened = await openStore({ embeddedDir: own })
    try {
      return await use(new DecisionHistory(opened.client, { testPrefix }))
    } finally {
      await opened.close()
    }
  }
  const storedHistory = (testPrefix = false) => withHistory((history) => history.read({ from: last - 12 * HOUR }), testPrefix)

  it(
    'fills the slots without a row with the replayed rows, marked replay, and a second run writes nothing',
    async () => {
      // --once --now reproduces a past instant and records nothing
      const once = await runCli(['--once', '--config', ownConfig, '--now', iso(last - 3 * HOUR)])
      expect(once.code).toBe(0)
      expect(once.stderr).toContain('nothing recorded nor notified')
      expect((await storedHistory()).records).toEqual([])
      // what a live service wrote 10 minutes before one replayed instant
      const liveAt = last - 5 * HOUR - 10 * 60_000
      await withHistory((history) => history.append(['djed', 'usdm', 'usdc', 'usdt'].map((asset) => historyRecord({ ts: liveAt, asset }))))
      const first = await runCli(['replay', '--config', ownConfig, ...span, '--write-history', '--format', 'json'])
      expect(first.code).toBe(0)
      expect(first.stderr).toContain('msg="replayed rows written to the decision history" table=orchestrator_decisions written=44')
      expect(first.stderr).toContain('slots_already_recorded=4 skipped_before_retention=0 skipped_in_future=0')
      const { rows } = JSON.parse(first.stdout) as { rows: { ts: string; asset: string; decision: number; reason_code: string; wmax_usd: number }[] }
      const read = await storedHistory()
      expect(read.problems).toEqual([])
      const replayed = read.records.filter((record) => record.origin === 'replay')
      expect(replayed).toHaveLength(44)
      expect(read.records.filter((record) => record.origin === 'live')).toHaveLength(4)
      // each written row is the replay's row at that instant
      const printed = new Map(rows.map((row) => [`${row.ts} ${row.asset}`, row]))
      for (const record of replayed) {
        const row = printed.get(`${iso(record.ts)} ${record.asset}`)!
        expect([record.decision, record.reasonCode, record.wmaxUsd]).toEqual([row.decision, row.reason_code, row.wmax_usd])
      }
      expect(replayed.some((record) => record.ts === last - 5 * HOUR)).toBe(false)

      const again = await runCli(['replay', '--config', ownConfig, ...span, '--write-history'])
      expect(again.code).toBe(0)
      expect(again.stderr).toContain('written=0')
      expect(again.stderr).toContain('slots_already_recorded=48')
      expect((await storedHistory()).records).toHaveLength(48)
    },
    RUN_MS,
  )

  it(
    'writes to test_orchestrator_decisions under --test-prefix and skips instants after now',
    async () => {
      const future = ['--from', iso(last), '--to', iso(last + 4 * HOUR), '--every', '2h']
      const run = await runCli(['replay', '--config', ownConfig, ...future, '--write-history', '--test-prefix'])
      expect(run.code).toBe(0)
      // last and last + 2 h (the current hour's start) are past; last + 4 h is ahead
      expect(run.stderr).toContain('table=test_orchestrator_decisions written=8')
      expect(run.stderr).toContain('skipped_in_future=4')
      const read = await storedHistory(true)
      expect(read.records.map((record) => [record.ts - last, record.origin])).toEqual(
        [0, 0, 0, 0, 2 * HOUR, 2 * HOUR, 2 * HOUR, 2 * HOUR].map((offset) => [offset, 'replay']),
      )
    },
    RUN_MS,
  )
})
