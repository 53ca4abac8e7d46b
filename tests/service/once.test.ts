/**
 * `--once` on the embedded demo store, in child processes (PRODUCT §4, §3 "--once exit code"):
 * one line per asset on stdout in the predecessor's format, exit 0 when no asset is ERROR, 1
 * when one is (an extra configured asset without a table), 2 for a bad configuration or bad
 * arguments; `--test-prefix` warns that writes go to test_ tables.
 *
 * The runs are independent (a copy of the demo store each), so they run at once in beforeAll.
 * The demo shows README's four states whatever the hour (tests/store/demo-states.test.ts checks
 * that over two days of creation instants), so every line is asserted with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import { runCli, ROOT, spawnService, type CliRun } from '../support/service/cli.ts'
import { withConfig, writeConfigFile, type ConfigTree } from '../support/service/config.ts'
import { demoStoreDir } from '../support/service/stores.ts'

/** The children run at once on a 2-core machine shared with other test runs. */
const SETUP_MS = 180_000
const LINE = /^(?<asset>[a-z]+): decision=(?<decision>-1|0|1), wmax_usd=\d+\.\d{2}(?: \((?<wallets>\d+) wallets?\))?(?: \[reason: (?<reason>.+)\])?$/

/** The shipped configuration (gate, price compare) on a given store, with no live API. */
function shippedConfigOn(dir: string, extra: ConfigTree = {}): ConfigTree {
  const shipped = YAML.parse(readFileSync(join(ROOT, 'config/orchestrator_config.yaml'), 'utf8')) as ConfigTree
  return withConfig(
    shipped,
    {
      data: { embedded: { dir } },
      prices: {
        priority_by_logical: { liqwid: ['greptime(liqwid)'], minswap: ['greptime(minswap)'] },
        endpoints: { liqwid_graphql: null, minswap_aggregator: null },
      },
    },
    extra,
  )
}

function parseLines(stdout: string) {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const match = LINE.exec(line)
      if (!match) throw new Error(`not a --once line: ${JSON.stringify(line)}`)
      return { line, ...(match.groups as { asset: string; decision: string; wallets?: string; reason?: string }) }
    })
}

describe('--once on the demo store', () => {
  const dirs: string[] = []
  let work: string
  let healthy: CliRun
  let withMissingAsset: CliRun
  let badConfig: CliRun
  let badArguments: CliRun

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ao-once-'))
    for (let i = 0; i < 2; i++) dirs.push(await demoStoreDir())
    const healthyConfig = writeConfigFile(work, shippedConfigOn(dirs[0]!), 'healthy.yaml')
    // Not --demo and no seed: the store is only read, from the normal tables (what --test-prefix
    // promises), and iusd has no table at all.
    const missingConfig = writeConfigFile(
      work,
      shippedConfigOn(dirs[1]!, { data: { embedded: { seed: null } }, domain: { assets: ['djed', 'usdm', 'usdc', 'usdt', 'iusd'] } }),
      'missing.yaml',
    )
    const invalidConfig = writeConfigFile(work, shippedConfigOn(dirs[1]!, { analysis: { decision: { safety_factor: { c: 2 } } } }), 'invalid.yaml')
    ;[healthy, withMissingAsset, badConfig, badArguments] = await Promise.all([
      runCli(['--once', '--demo', '--config', healthyConfig]),
      runCli(['--once', '--test-prefix', '--config', missingConfig]),
      runCli(['--once', '--config', invalidConfig]),
      runCli(['--once', '--config', healthyConfig, '--interval', '5']),
    ])
  }, SETUP_MS)

  afterAll(() => {
    for (const dir of [...dirs, work]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('prints one line per configured asset, in order, in the predecessor’s format', () => {
    const lines = parseLines(healthy.stdout)
    expect(lines.map((line) => line.asset)).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
    for (const line of lines) {
      if (line.decision !== '1') expect(line.reason, line.line).toBeTruthy()
      expect(Number(line.wallets), line.line).toBeGreaterThan(0)
    }
  })

  it('shows README’s four demo states: djed withdraws, usdm, usdc and usdt hold, each for its reason', () => {
    const [djed, usdm, usdc, usdt] = parseLines(healthy.stdout)
    expect(djed).toMatchObject({ decision: '1', wallets: '3', reason: undefined })
    expect(djed!.line).not.toContain('wmax_usd=0.00')
    expect(usdm).toMatchObject({ decision: '0', reason: 'non-positive gains since t0 (clamped)' })
    expect(usdm!.line).toContain('wmax_usd=0.00')
    expect(usdc).toMatchObject({ decision: '0', wallets: '5' })
    expect(usdc!.reason).toMatch(/^residual gate triggered: the latest sample is \S+ USD above the trend of .+ \(r=\S+ > k·σ=\S+\)$/)
    // issue 20: the jump is caught with a margin r / (k·σ) at least 5 × the predecessor fit's 1.33
    const [, r, threshold] = usdc!.reason!.match(/\(r=(\S+) > k·σ=(\S+)\)$/)!
    expect(Number(r) / Number(threshold)).toBeGreaterThan(5 * 1.33)
    expect(usdt).toMatchObject({ decision: '0', wallets: '6' })
    expect(usdt!.reason).toMatch(/^price mismatch liqwid \S+ vs minswap \S+ \(Δ \S+% > 1\.00%\)$/)
  })

  it('exits 0 when no asset is ERROR, with the log on stderr only', () => {
    expect(healthy.code).toBe(0)
    expect(healthy.stderr).toContain('msg="evaluation finished" assets=4 errors=0')
  })

  it('exits 1 when an asset is ERROR, and still prints every asset', () => {
    expect(withMissingAsset.code).toBe(1)
    const lines = parseLines(withMissingAsset.stdout)
    expect(lines.map((line) => line.asset)).toEqual(['djed', 'usdm', 'usdc', 'usdt', 'iusd'])
    expect(lines.filter((line) => line.decision === '-1').map((line) => line.asset)).toEqual(['iusd'])
    expect(lines.at(-1)!.line).toStartWith('iusd: decision=-1, wmax_usd=0.00 [reason: ')
    expect(lines.at(-1)!.reason).toContain('iusd')
  })

  it('warns about test mode with --test-prefix and still evaluates from the normal tables', () => {
    expect(withMissingAsset.stderr).toContain('level=warn msg="TEST MODE: all database writes go to \'test_*\' tables; reads use the normal tables"')
    const [djed] = parseLines(withMissingAsset.stdout)
    expect(djed).toMatchObject({ asset: 'djed', decision: '1', wallets: '3' })
  })

  it('exits 2 for a bad configuration, naming the key, without evaluating', () => {
    expect(badConfig.code).toBe(2)
    expect(badConfig.stdout).toBe('')
    expect(badConfig.stderr).toContain('analysis.decision.safety_factor.c')
    expect(badConfig.stderr).not.toContain('evaluation finished')
  })

  it('exits 2 for bad arguments, with the usage', () => {
    expect(badArguments.code).toBe(2)
    expect(badArguments.stdout).toBe('')
    expect(badArguments.stderr).toContain("Unknown option '--interval'")
    expect(badArguments.stderr).toContain('usage: alert-orchestrator')
  })
})

describe('--once next to a server on the same embedded store', () => {
  it(
    'reads (and tops up the demo) while the server holds the directory; a second server is refused',
    async () => {
      const dir = await demoStoreDir()
      const work = mkdtempSync(join(tmpdir(), 'ao-once-shared-'))
      const config = writeConfigFile(work, shippedConfigOn(dir), 'shared.yaml')
      const server = spawnService(['--config', config, '--no-telemetry'])
      try {
        await server.waitForLog(/msg="evaluation finished"/)
        const [once, second] = await Promise.all([runCli(['--once', '--config', config]), runCli(['--config', config, '--no-telemetry'])])
        expect(once.code).toBe(0)
        expect(parseLines(once.stdout).map((line) => line.asset)).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
        expect(second.code).toBe(2)
        expect(second.stderr).toContain(`is in use by process ${server.pid}`)
        server.signal('SIGTERM')
        expect(await server.exited).toBe(0)
      } finally {
        await server.kill()
        rmSync(dir, { recursive: true, force: true })
        rmSync(work, { recursive: true, force: true })
      }
    },
    SETUP_MS,
  )
})
