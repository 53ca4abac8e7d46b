/**
 * The position collector end to end, in child processes as an operator runs them — `bun
 * src/main.ts`, and the compiled x64 binary when `make build` made one — on PostgreSQL and on
 * the embedded store: a service with `collector.enabled`, two wallets (a
 * payment and a stake address) and the Koios / Liqwid fakes collects three ticks while Liqwid's
 * exchange rates accrue interest; `--once` then evaluates what was collected. `collect --once`
 * prints what it wrote and exits 0, 1 when a source fails, 2 when the configuration cannot
 * collect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../../src/store/index.ts'
import { startFakeKoios, type FakeKoios } from '../fakes/koios.ts'
import { receiptUnit, recordedMarkets, startFakeLiqwidMarkets, type FakeLiqwidMarkets } from '../fakes/liqwid-markets.ts'
import { runCli, spawnService, type ServiceProcess } from '../support/service/cli.ts'
import { baseConfig, withConfig, writeConfigFile, type ConfigTree } from '../support/service/config.ts'
import { storeBackends } from '../support/service/stores.ts'
import { binaryPath, exists } from '../binary/support.ts'

const PAYMENT = 'addr1qy2jt0qpqz2z2z9zx5w4xemekkce7yderz53kjue53lpqv90lkfa9sgrfjuz6uvt4uqtrqhl2kj0a9lnr9ndzutx32gqleeckv'
const STAKE = 'stake1uyrx65wjqjgeeksd8hptmcgl5jfyrqkfq0xe8xlp367kphsckq250'
/** 1.2 s between ticks: three ticks in a few seconds. */
const INTERVAL_MINUTES = 0.02
const INTERVAL_MS = INTERVAL_MINUTES * 60_000
const SETUP_MS = 120_000

async function waitForLines(child: ServiceProcess, pattern: RegExp, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (child.logLines.filter((line) => pattern.test(line)).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} lines matching ${pattern}:\n${child.logLines.join('\n')}`)
    await Bun.sleep(20)
  }
}

function accrue(liqwid: FakeLiqwidMarkets, factor: number): void {
  liqwid.markets = recordedMarkets().map((market) => ({ ...market, exchangeRate: market.exchangeRate * factor }))
}

const BINARY = binaryPath('x64')
const programs = [{ name: 'bun src/main.ts', command: undefined }, ...(exists(BINARY) ? [{ name: 'the x64 binary', command: [BINARY] }] : [])]
if (!exists(BINARY)) console.warn('collector binary run skipped: dist/alert-orchestrator-linux-x64 is not built (make build)')

for (const program of programs)
  for (const backend of await storeBackends()) {
    describe.skipIf(backend.skip !== null)(`collector end to end: ${program.name} on ${backend.name}`, () => {
      const run = (args: string[]) => runCli(args, { program: program.command })
      let koios: FakeKoios
      let liqwid: FakeLiqwidMarkets
      let work: string
      let opened: Awaited<ReturnType<typeof backend.open>>
      let configPath: string
      const configTree = (extra: ConfigTree = {}): ConfigTree =>
        withConfig(
          baseConfig(opened.data),
          {
            domain: { assets: ['djed', 'usdm'] },
            prices: { endpoints: { liqwid_graphql: liqwid.endpoint, koios: koios.baseUrl } },
            collector: { enabled: true, interval_minutes: INTERVAL_MINUTES, wallets: [PAYMENT, STAKE], timeout_seconds: 2 },
            runtime: { schedule: { interval_minutes: 60 } },
            // no withdrawal is tagged yet: gains count from the start of the range, i.e. the first tick
            analysis: { decision: { reference: { fallback: 'data_range' } } },
            data: { date_range: { start: new Date(Date.now() - 3_600_000).toISOString() } },
          },
          extra,
        )

      beforeAll(async () => {
        koios = startFakeKoios()
        liqwid = startFakeLiqwidMarkets()
        work = mkdtempSync(join(tmpdir(), 'ao-collector-'))
        opened = await backend.open()
        configPath = writeConfigFile(work, configTree())
        koios.hold(PAYMENT, receiptUnit('DJED'), '48573920000')
        koios.hold(PAYMENT, receiptUnit('USDM'), '10000000000')
        koios.hold(STAKE, receiptUnit('DJED'), '18446744073709551615')
      }, SETUP_MS)

      afterAll(async () => {
        await koios?.stop()
        await liqwid?.stop()
        await opened?.close()
        rmSync(work, { recursive: true, force: true })
      })

      it(
        'collects three ticks on the grid while serving, then evaluates them',
        async () => {
          const service = spawnService(['--config', configPath, '--no-telemetry'], { program: program.command })
          try {
            for (let tick = 1; tick <= 3; tick++) {
              await waitForLines(service, /msg="collector tick" .*outcome=success rows=4/, tick)
              accrue(liqwid, 1 + tick / 1000) // interest accrues between ticks
            }
            await waitForLines(service, /msg="evaluation finished"/, 1)
            service.signal('SIGTERM')
            expect(await service.exited).toBe(0)
          } finally {
            await service.kill()
          }
          // the first evaluation ran after the first tick was written (both due at start)
          const firstTick = service.logLines.findIndex((line) => line.includes('msg="collector tick"'))
          const firstEvaluation = service.logLines.findIndex((line) => line.includes('msg="evaluation finished"'))
          expect(firstTick).toBeGreaterThanOrEqual(0)
          expect(firstTick).toBeLessThan(firstEvaluation)

          const evaluated = await run(['--once', '--config', configPath])
          expect(evaluated.stderr).not.toContain('level=error')
          expect(evaluated.code).toBe(0)
          const lines = evaluated.stdout.trimEnd().split('\n')
          expect(lines).toHaveLength(2)

          const store = await openStore({ url: opened.url, embeddedDir: opened.dir ?? undefined })
          try {
            for (const [index, asset] of ['djed', 'usdm'].entries()) {
              const rows = await store.client.query(
                'rows',
                `SELECT ts, wallet_address, usd_value FROM liqwid_supply_positions_${asset} ORDER BY ts, wallet_address`,
              )
              const instants = [...new Set(rows.map((row) => new Date(row.ts as string).getTime()))]
              expect(instants.length).toBeGreaterThanOrEqual(3)
              for (const instant of instants) {
                expect(instant % INTERVAL_MS).toBe(0)
                expect(rows.filter((row) => new Date(row.ts as string).getTime() === instant).map((row) => row.wallet_address)).toEqual([
                  PAYMENT,
                  STAKE,
                ])
              }
              // no transaction, no gate: W_max = c · Σ wallets (V(last tick) − V(first tick)), c = 0.5
              const gain = [PAYMENT, STAKE]
                .map((wallet) => rows.filter((row) => row.wallet_address === wallet).map((row) => row.usd_value as number))
                .reduce((sum, values) => sum + values.at(-1)! - values[0]!, 0)
              expect(gain).toBeGreaterThan(0)
              expect(lines[index]).toBe(`${asset}: decision=1, wmax_usd=${(0.5 * gain).toFixed(2)} (2 wallets)`)
            }
            const usdm = await store.client.query(
              'rows',
              'SELECT wallet_address, underlying_units FROM liqwid_supply_positions_usdm ORDER BY ts, wallet_address LIMIT 2',
            )
            // the first tick, before any accrual; the stake address holds no qUSDM: a zero row, not a missing one
            expect(usdm.map((row) => [row.wallet_address, row.underlying_units])).toEqual([
              [PAYMENT, 198.71200453119],
              [STAKE, 0],
            ])
          } finally {
            await store.close()
          }
        },
        SETUP_MS,
      )

      it(
        'collect --once prints each row it wrote, and exits 1 when a source fails, 2 when it cannot collect',
        async () => {
          const collected = await run(['collect', '--once', '--config', configPath])
          expect(collected.code).toBe(0)
          const lines = collected.stdout.trimEnd().split('\n')
          expect(lines[0]).toMatch(/^tick \S+Z: (success|skipped) \(\d rows written, \d already there\)$/)
          const usdmLine = lines.find((line) => line.startsWith(`usdm ${PAYMENT}:`))
          if (lines[0]!.includes(': success')) {
            const match = /^usdm \S+: units=([\d.]+) price_usd=1 usd=([\d.]+) \(market=USDM, qtokens=10000000000\)$/.exec(usdmLine ?? '')
            expect(match).not.toBeNull()
            // 10^10 qTokens × the accrued rate / 10^6 decimals
            expect(Number(match![1])).toBeCloseTo(198.71200453119 * 1.003, 9)
            expect(match![2]).toBe(Number(match![1]).toFixed(2))
          }

          liqwid.faults.add({ kind: 'status', status: 503 })
          const failing = await run(['collect', '--once', '--config', configPath])
          liqwid.faults.clear()
          expect(failing.code).toBe(1)
          expect(failing.stdout).toContain('* *: not collected: liqwid markets: liqwid: HTTP 503')

          const noWallets = writeConfigFile(work, withConfig(configTree(), { collector: { enabled: false, wallets: null } }), 'no-wallets.yaml')
          const unusable = await run(['collect', '--once', '--config', noWallets])
          expect(unusable.code).toBe(2)
          expect(unusable.stderr).toContain('collector: no wallet to collect')

          const usage = await run(['collect', '--config', configPath])
          expect(usage.code).toBe(2)
          expect(usage.stderr).toContain('collect needs --once')
        },
        SETUP_MS,
      )
    })
  }
