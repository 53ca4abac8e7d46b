/**
 * The synthetic market and the demo dataset: deterministic, extendable, and showing the states
 * the demo promises (reference withdrawals, a negative-gain asset, an anomaly, a price mismatch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { AppError } from '../../src/errors.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { DEMO_KEYWORD, DEMO_STEP_MS, appendDemoSample, demoStatus, seedDemo } from '../../src/store/demo.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { DAY_MS, DEMO_ASSETS, HOUR_MS, type SyntheticWindow, alignDown, generateAsset, walletAddress } from '../../src/store/synthetic.ts'
import { ALL_TIME } from '../../src/store/types.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const NOW = Date.UTC(2025, 10, 20, 12, 7, 31)
const ANCHOR = alignDown(NOW, DEMO_STEP_MS)
const STEP = DEMO_STEP_MS
const START = ANCHOR - 2879 * STEP
const WALLETS = DEMO_ASSETS.reduce((total, spec) => total + spec.walletCount, 0)

function window(end: number, after: number | null = null): SyntheticWindow {
  return { seed: 'test', stepMs: STEP, start: START, anchor: ANCHOR, end, after, keyword: DEMO_KEYWORD }
}

const wallets = [0, 1, 2].map((index) => walletAddress('test', index))
const djed = DEMO_ASSETS[0]!

describe('synthetic market', () => {
  it('is deterministic', () => {
    expect(generateAsset(djed, wallets, window(ANCHOR))).toEqual(generateAsset(djed, wallets, window(ANCHOR)))
  })

  it('extends the same data when generated further, and appends only what is new', () => {
    const seeded = generateAsset(djed, wallets, window(ANCHOR))
    const longer = generateAsset(djed, wallets, window(ANCHOR + 6 * HOUR_MS))
    const appended = generateAsset(djed, wallets, window(ANCHOR + 6 * HOUR_MS, ANCHOR))
    expect(longer.positions.filter((row) => row.ts <= ANCHOR)).toEqual(seeded.positions)
    expect(longer.positions.filter((row) => row.ts > ANCHOR)).toEqual(appended.positions)
    expect(appended.positions).toHaveLength(24 * wallets.length)
    expect(longer.minswap.filter((row) => row.ts > ANCHOR)).toEqual(appended.minswap)
    expect([...longer.deposits, ...longer.withdrawals].filter((tx) => tx.createdAt! <= ANCHOR)).toEqual([...seeded.deposits, ...seeded.withdrawals])
  })

  it('samples every wallet at the same 15-minute timestamps, ending at the anchor', () => {
    const { positions } = generateAsset(djed, wallets, window(ANCHOR))
    expect(positions).toHaveLength(2880 * wallets.length)
    expect(positions[0]!.ts).toBe(START)
    expect(positions.at(-1)!.ts).toBe(ANCHOR)
    expect(positions.every((row) => row.ts % STEP === 0)).toBe(true)
    const perTs = new Map<number, number>()
    for (const row of positions) perTs.set(row.ts, (perTs.get(row.ts) ?? 0) + 1)
    expect(new Set(perTs.values())).toEqual(new Set([wallets.length]))
  })

  it('moves units only by interest and by the recorded transactions', () => {
    const { positions, deposits, withdrawals } = generateAsset(djed, wallets, window(ANCHOR))
    const growth = Math.exp((Math.log(1 + djed.apy) * STEP) / (365 * DAY_MS))
    const flows = new Map<string, number>()
    for (const tx of deposits) flows.set(`${tx.wallet}@${tx.createdAt}`, tx.amount)
    for (const tx of withdrawals) flows.set(`${tx.wallet}@${tx.createdAt}`, -tx.amount)
    for (const wallet of wallets) {
      const rows = positions.filter((row) => row.wallet === wallet)
      for (let index = 1; index < rows.length; index++) {
        const expected = rows[index - 1]!.units! * growth + (flows.get(`${wallet}@${rows[index]!.ts}`) ?? 0)
        expect(Math.abs(rows[index]!.units! - expected)).toBeLessThan(1e-5)
      }
    }
    for (const tx of [...deposits, ...withdrawals]) {
      expect(tx.ts).toBeLessThan(tx.createdAt!)
      expect(tx.ts).toBeGreaterThan(tx.createdAt! - STEP)
      expect(tx.amount).toBeGreaterThan(0)
    }
  })

  it('makes bech32-looking mainnet addresses', () => {
    for (const address of wallets) expect(address).toMatch(/^addr1q[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{57,}$/)
    expect(new Set(wallets).size).toBe(wallets.length)
  })
})

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`demo dataset on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let reader: StoreReader
    let writer: StoreWriter

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      reader = new StoreReader(client)
      writer = new StoreWriter(client)
      expect(await seedDemo(writer, { now: NOW })).toEqual({
        positions: WALLETS * 2880,
        deposits: expect.any(Number),
        withdrawals: expect.any(Number),
        minswap: DEMO_ASSETS.length * 720,
      })
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('resolves the four demo assets with their market ids', async () => {
      expect(await reader.listAssetSymbols()).toEqual(['djed', 'usdm', 'wanusdc', 'wanusdt'])
      expect(await reader.resolveSymbol('usdc')).toEqual({ symbol: 'wanusdc', marketId: 'USDC' })
      expect(await reader.resolveSymbol('usdt')).toEqual({ symbol: 'wanusdt', marketId: 'USDT' })
      expect(await reader.discoverWallets()).toHaveLength(6)
    })

    it('samples each wallet at the first two and the last points of its full series', async () => {
      const range = { start: ANCHOR - 5 * DAY_MS + 7 * 60_000, end: ANCHOR - HOUR_MS }
      for (const spec of DEMO_ASSETS) {
        const samples = await reader.walletSamples(spec.symbol, range)
        const series = await reader.walletSeries(spec.symbol, range)
        expect([...samples.keys()]).toEqual([...series.keys()])
        for (const [wallet, full] of series) {
          const pick = (index: number) => [full.ts.at(index)!, full.values.at(index)!]
          const [first, second, last] = [pick(0), pick(1), pick(-1)]
          expect(samples.get(wallet)).toEqual({ ts: [first[0]!, second[0]!, last[0]!], values: [first[1]!, second[1]!, last[1]!] })
        }
      }
    })

    it('tags one or two withdrawals per asset as references, days before now', async () => {
      for (const spec of DEMO_ASSETS) {
        const { transactions, problems } = await reader.transactions(spec.symbol, ALL_TIME)
        expect(problems).toEqual([])
        const tagged = transactions.filter((tx) => tx.kind === 'withdrawal' && tx.notes?.startsWith(`${DEMO_KEYWORD} Synced from Liqwid (tx: `))
        expect(tagged.length).toBeGreaterThanOrEqual(1)
        expect(tagged.length).toBeLessThanOrEqual(2)
        for (const tx of tagged) {
          expect(tx.notes).toMatch(/\(tx: [0-9a-f]{16}\.\.\.\)$/)
          expect(NOW - tx.ts).toBeGreaterThan(2 * DAY_MS)
        }
      }
    })

    it('prices usdt on Minswap about 2 % above Liqwid, the others within 0.5 %', async () => {
      for (const spec of DEMO_ASSETS) {
        const liqwid = (await reader.latestPrice('greptime(liqwid)', spec.symbol))!.priceUsd
        const minswap = (await reader.latestPrice('greptime(minswap)', spec.symbol))!.priceUsd
        const gap = minswap / liqwid - 1
        if (spec.symbol === 'wanusdt') expect(gap).toBeGreaterThan(0.015)
        else expect(Math.abs(gap)).toBeLessThan(0.005)
      }
      const { adaUsd } = await reader.minswapSeries('djed', ALL_TIME)
      for (const ada of adaUsd) expect(Math.abs(ada! - 0.6)).toBeLessThan(0.1)
    })

    it('shows usdc rising without a transaction from three hours before now', async () => {
      const { usd } = (await reader.assetAggregate('wanusdc', { start: ANCHOR - 6 * HOUR_MS + STEP, end: ANCHOR }))!
      const before = usd.slice(0, 12)
      const rising = usd.slice(12)
      // ~1.3 % an hour: every 15-minute step of the last three hours adds about 0.3 %
      for (let index = 1; index < rising.length; index++) expect(rising[index]! / rising[index - 1]!).toBeGreaterThan(1.002)
      expect(rising.at(-1)! / before.at(-1)!).toBeGreaterThan(1.035)
      const { transactions } = await reader.transactions('wanusdc', { start: ANCHOR - 6 * HOUR_MS, end: ANCHOR })
      expect(transactions).toEqual([])
    })

    it('gives usdm negative gains since its reference', async () => {
      const { transactions } = await reader.transactions('usdm', ALL_TIME)
      const reference = transactions.filter((tx) => tx.notes?.includes(DEMO_KEYWORD)).at(-1)!
      const series = (await reader.assetAggregate('usdm', { start: reference.ts, end: null }))!
      const flowsUsd = transactions.filter((tx) => tx.ts > reference.ts).reduce((sum, tx) => sum + tx.amount, 0)
      expect(series.usd.at(-1)! - series.usd[0]! - flowsUsd).toBeLessThan(0)
      expect(series.price.at(-1)!).toBeLessThan(0.98)
    })

    it(
      'refuses to seed over existing data, and reseeds the same rows on request',
      async () => {
        const error = await seedDemo(writer, { now: NOW }).catch((caught: unknown) => caught)
        expect((error as AppError).code).toBe('conflict')
        const before = [
          await reader.walletSeries('djed', ALL_TIME),
          await reader.transactions('usdm', ALL_TIME),
          await reader.minswapSeries('wanusdt', ALL_TIME),
        ]
        await seedDemo(writer, { now: NOW, replace: true })
        const after = [
          await reader.walletSeries('djed', ALL_TIME),
          await reader.transactions('usdm', ALL_TIME),
          await reader.minswapSeries('wanusdt', ALL_TIME),
        ]
        expect(after).toEqual(before)
      },
      SETUP_TIMEOUT_MS,
    )

    it('appends the samples since the last one, continuing the pattern', async () => {
      expect(await demoStatus(writer, NOW)).toEqual({ exists: true, lastTs: ANCHOR, staleMs: NOW - ANCHOR })
      const later = NOW + 2 * HOUR_MS
      const written = await appendDemoSample(writer, later)
      expect(written.positions).toBe(WALLETS * 8)
      expect(written.minswap).toBe(DEMO_ASSETS.length * 2)
      expect(await appendDemoSample(writer, later)).toEqual({ positions: 0, deposits: 0, withdrawals: 0, minswap: 0 })
      expect((await demoStatus(writer, later)).lastTs).toBe(ANCHOR + 2 * HOUR_MS)
      const series = (await reader.assetAggregate('wanusdc', { start: ANCHOR - HOUR_MS, end: null }))!
      expect(series.ts).toHaveLength(4 + 1 + 8)
      // the usdc anomaly goes on rising after the seed, so the newest sample stays the outlier
      expect(series.usd.at(-1)! / series.usd[4]!).toBeGreaterThan(1.02)
    })

    it(
      'seeds a missing asset when appending',
      async () => {
        await writer.dropTables('djed')
        expect((await demoStatus(writer, NOW)).exists).toBe(false)
        const written = await appendDemoSample(writer, NOW)
        expect(written.positions).toBe(3 * 2880)
        expect((await demoStatus(writer, NOW)).exists).toBe(true)
      },
      SETUP_TIMEOUT_MS,
    )
  })
}
