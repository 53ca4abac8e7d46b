/**
 * The collector against the Koios and Liqwid-markets fakes, writing to PostgreSQL and to the
 * embedded store through the writer: the rows to the last digit, grid timestamps, zero balances,
 * payment and stake addresses, failures that write nothing (or only what they do not concern),
 * and the metrics.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import type { Collector } from '../../src/collector/collector.ts'
import { captureLogs } from '../../src/log.ts'
import { collectorFromConfig } from '../../src/collector/service.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { createMetrics, type Metrics } from '../../src/web/metrics.ts'
import { startFakeKoios, type FakeKoios } from '../fakes/koios.ts'
import { receiptUnit, recordedMarkets, startFakeLiqwidMarkets, type FakeLiqwidMarkets } from '../fakes/liqwid-markets.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'
import { baseConfig, loadTestConfig, withConfig, type ConfigTree } from '../support/service/config.ts'
import { parseExposition, sampleValue } from '../support/service/exposition.ts'

const PAYMENT = 'addr1qy2jt0qpqz2z2z9zx5w4xemekkce7yderz53kjue53lpqv90lkfa9sgrfjuz6uvt4uqtrqhl2kj0a9lnr9ndzutx32gqleeckv'
const STAKE = 'stake1uyrx65wjqjgeeksd8hptmcgl5jfyrqkfq0xe8xlp367kphsckq250'
const QDJED = receiptUnit('DJED')
const QUSDT = receiptUnit('USDT')
const FIVE_MINUTES = 300_000
/** 12:07:31.412 → the 12:05 tick */
const READ_AT = Date.UTC(2026, 6, 16, 12, 7, 31, 412)
const TICK = Date.UTC(2026, 6, 16, 12, 5)

interface StoredRow {
  ts: number
  wallet_address: string
  market_id: string
  market_name: string
  underlying_units: number
  price_usd: number
  usd_value: number
}

async function rows(client: StoreClient, table: string): Promise<StoredRow[]> {
  const found = await client.query(
    'rows',
    `SELECT ts, wallet_address, market_id, market_name, underlying_units, price_usd, usd_value FROM ${table} ORDER BY ts, wallet_address`,
  )
  return found.map((row) => ({ ...row, ts: new Date(row.ts as string | number | Date).getTime() }) as StoredRow)
}

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`position collector on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let koios: FakeKoios
    let liqwid: FakeLiqwidMarkets
    let metrics: Metrics
    let clock = READ_AT

    const configWith = (overrides: ConfigTree = {}) =>
      loadTestConfig(
        withConfig(
          baseConfig({}),
          {
            domain: { assets: ['djed', 'usdt'] },
            wallets: [PAYMENT],
            prices: { endpoints: { liqwid_graphql: liqwid.endpoint, koios: koios.baseUrl } },
            collector: { enabled: true, interval_minutes: 5, wallets: [PAYMENT, STAKE], timeout_seconds: 0.5 },
          },
          overrides,
        ),
      )
    const collector = (overrides: ConfigTree = {}): Collector =>
      collectorFromConfig(configWith(overrides).config, {
        reader: new StoreReader(client),
        writer: new StoreWriter(client),
        testPrefix: false,
        record: (outcome, at) => void metrics.recordCollection(outcome, at),
        now: () => clock,
        backoffMs: 1,
      })

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      koios = startFakeKoios()
      liqwid = startFakeLiqwidMarkets()
      metrics = await createMetrics(configWith().config, { version: 'test', commit: 'test' })
    }, SETUP_TIMEOUT_MS)

    afterEach(async () => {
      koios.clear()
      koios.faults.clear()
      liqwid.faults.clear()
      await client.query('drop', 'DROP TABLE IF EXISTS liqwid_supply_positions_djed')
      await client.query('drop', 'DROP TABLE IF EXISTS liqwid_supply_positions_wanusdt')
      clock = READ_AT
      liqwid.markets = recordedMarkets()
    })

    afterAll(async () => {
      await koios?.stop()
      await liqwid?.stop()
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('writes one row per wallet and asset at the grid instant, valued to the last digit', async () => {
      koios.hold(PAYMENT, QDJED, '18446744073709551615')
      koios.hold(PAYMENT, QUSDT, '123456789012345678')
      koios.hold(STAKE, QDJED, '1')
      const report = await collector().collectTick()
      expect(report.outcome).toBe('success')
      expect(report.tick).toBe(TICK)

      // Oracle: Python's decimal module, 100 digits, rounded once to a double.
      expect(await rows(client, 'liqwid_supply_positions_djed')).toEqual([
        {
          ts: TICK,
          wallet_address: PAYMENT,
          market_id: 'DJED',
          market_name: 'DJED',
          underlying_units: 379769230636.3322,
          price_usd: 0.99086,
          usd_value: 376298139868.31616,
        },
        {
          ts: TICK,
          wallet_address: STAKE,
          market_id: 'DJED',
          market_name: 'DJED',
          underlying_units: 2.0587331244953e-8,
          price_usd: 0.99086,
          usd_value: 2.039916303737413e-8,
        },
      ])
      // usdt is stored under its wrapped symbol; the stake address holds none: a zero row.
      expect(await rows(client, 'liqwid_supply_positions_wanusdt')).toEqual([
        {
          ts: TICK,
          wallet_address: PAYMENT,
          market_id: 'USDT',
          market_name: 'wanUSDT',
          underlying_units: 248.31946690092724,
          price_usd: 1,
          usd_value: 248.31946690092724,
        },
        { ts: TICK, wallet_address: STAKE, market_id: 'USDT', market_name: 'wanUSDT', underlying_units: 0, price_usd: 1, usd_value: 0 },
      ])
      expect(report.written.find((entry) => entry.asset === 'djed' && entry.wallet === PAYMENT)?.unitsText).toBe('379769230636.332238046965361749095')
    })

    it('samples on the grid: every wallet of a tick shares its instant, a tick is written once, a missed tick stays a gap', async () => {
      koios.hold(PAYMENT, QDJED, '5000000000')
      const first = collector()
      await first.collectDue()
      clock = READ_AT + 60_000 // still the 12:05 tick
      expect(await first.collectDue()).toBeNull()
      // another process collecting the same tick finds it written
      const again = await collector().collectTick()
      expect(again.outcome).toBe('skipped')
      expect(again.skipped).toBe(4)

      clock = TICK + 3 * FIVE_MINUTES + 2_000 // 12:20:02: the 12:10 and 12:15 ticks were missed
      liqwid.markets = liqwid.markets.map((market) => (market.id === 'DJED' ? { ...market, exchangeRate: 0.0206 } : market))
      koios.hold(PAYMENT, QDJED, '0')
      await first.collectDue()
      const stored = await rows(client, 'liqwid_supply_positions_djed')
      expect(stored.map((row) => [row.ts, row.wallet_address, row.underlying_units, row.usd_value])).toEqual([
        [TICK, PAYMENT, 102.936656224765, 101.99581518687064],
        [TICK, STAKE, 0, 0],
        [TICK + 3 * FIVE_MINUTES, PAYMENT, 0, 0],
        [TICK + 3 * FIVE_MINUTES, STAKE, 0, 0],
      ])
    })

    it('writes nothing when Liqwid or Koios cannot be read, logs it and counts each outcome', async () => {
      koios.hold(PAYMENT, QDJED, '1000000')
      const logs: string[] = []
      const restoreLogs = captureLogs((line) => logs.push(line))
      const before = parseExposition(metrics.text())
      liqwid.faults.add({ kind: 'status', status: 502 })
      const noMarkets = await collector().collectTick()
      expect(noMarkets.outcome).toBe('failed')
      expect(noMarkets.problems[0]?.reason).toContain('liqwid markets: liqwid: HTTP 502')
      liqwid.faults.clear()

      koios.faults.add({ kind: 'hang' })
      const noBalances = await collector().collectTick()
      expect(noBalances.outcome).toBe('failed')
      expect(noBalances.problems.map((problem) => problem.wallet)).toEqual([PAYMENT, STAKE])
      koios.faults.clear()
      restoreLogs()
      expect(await rows(client, 'liqwid_supply_positions_djed').catch(() => [])).toEqual([])
      expect(logs.filter((line) => line.includes('msg="collector tick failed"'))).toHaveLength(2)
      expect(logs.some((line) => line.includes('msg="collector problem"') && line.includes('no answer within 500 ms'))).toBe(true)

      clock = READ_AT + FIVE_MINUTES
      const success = await collector().collectTick()
      expect(success.outcome).toBe('success')
      await Bun.sleep(0)
      const after = parseExposition(metrics.text())
      const ticks = (outcome: string, samples: typeof before) => sampleValue(samples, 'wo_collector_ticks_total', { outcome })
      expect(ticks('failed', after) - ticks('failed', before)).toBe(2)
      expect(ticks('success', after) - ticks('success', before)).toBe(1)
      expect(sampleValue(after, 'wo_collector_last_success_timestamp_seconds')).toBe(clock / 1000)
    })

    it('loses only what a failure concerns: one asset without a market, one address batch down', async () => {
      koios.hold(PAYMENT, QDJED, '1000000')
      koios.hold(STAKE, QDJED, '2000000')
      liqwid.markets = liqwid.markets.filter((market) => market.id !== 'USDT')
      koios.faults.add({ kind: 'status', status: 500 }, 2) // the payment batch (first, then its retry)
      const report = await collector().collectTick()
      expect(report.outcome).toBe('partial')
      expect(report.problems.map((problem) => [problem.asset, problem.wallet])).toEqual([
        [null, PAYMENT],
        ['usdt', null],
      ])
      expect((await rows(client, 'liqwid_supply_positions_djed')).map((row) => [row.wallet_address, row.underlying_units])).toEqual([
        [STAKE, 0.041174662489906],
      ])
    })

    it('refuses a market without a price rather than writing a position worth nothing', async () => {
      koios.hold(PAYMENT, QDJED, '1000000')
      liqwid.markets = liqwid.markets.map((market) => (market.id === 'DJED' ? { ...market, asset: { ...market.asset, price: null } } : market))
      const report = await collector({ collector: { assets: ['djed'] } }).collectTick()
      expect(report.outcome).toBe('failed')
      expect(report.problems[0]?.reason).toBe('Liqwid has no USD price for market DJED')
      liqwid.markets = recordedMarkets()
    })
  })
}
