/**
 * The demo shows README's four states whatever the hour: created at 96 instants over two days
 * (every 30 minutes, at changing offsets from its 15-minute grid), each store is evaluated at its
 * creation and again six hours later — the life of a demo store before it is regenerated — after
 * the samples appended in between, with the shipped configuration, on every store backend.
 * Every evaluation must show exactly: DJED WITHDRAW_OK; USDM HOLD for its negative gains; USDC HOLD
 * because the residual gate caught its anomaly; USDT HOLD because Minswap is ~2 % off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { resolve } from 'node:path'
import { loadConfigFile } from '../../src/config/load.ts'
import { evaluate } from '../../src/evaluation/evaluate.ts'
import type { AssetEvaluation } from '../../src/evaluation/result.ts'
import { storePriceSources } from '../../src/sources/configured.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { appendDemoSample, seedDemo } from '../../src/store/demo.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { HOUR_MS, MINUTE_MS } from '../../src/store/synthetic.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const SHIPPED = loadConfigFile(resolve(import.meta.dir, '../../config/orchestrator_config.yaml'), {}).config
const FIRST_CREATION = Date.UTC(2026, 2, 1, 0, 0, 0)
const CREATIONS = 96
const LIFETIME_MS = 6 * HOUR_MS
/** 0, 7:31 and 14:59 past the grid: aligned, in between, and just before the next sample */
const OFFSETS_MS = [0, 7 * MINUTE_MS + 31_000, 15 * MINUTE_MS - 1_000]
const creations = Array.from({ length: CREATIONS }, (_, i) => FIRST_CREATION + i * 30 * MINUTE_MS + OFFSETS_MS[i % OFFSETS_MS.length]!)

/** What README promises for each asset, as a check returning what is wrong (null when right). */
const PROMISES: Record<string, (entry: AssetEvaluation) => string | null> = {
  djed: ({ decision }) =>
    decision.decision === 1 && decision.wmaxUsd > 0 && (decision.gUsd ?? 0) > 0 ? null : 'expected WITHDRAW_OK with a positive gain',
  usdm: ({ decision }) =>
    decision.decision === 0 && decision.reason === 'non-positive gains since t0 (clamped)' && (decision.gUsd ?? 0) < 0
      ? null
      : 'expected HOLD for negative gains only',
  usdc: ({ decision }) =>
    decision.decision === 0 &&
    /^residual gate triggered: the latest sample is \S+ USD above the trend of .+ \(r=\S+ > k·σ=\S+\)$/.test(decision.reason ?? '') &&
    (decision.gUsd ?? 0) > 0
      ? null
      : 'expected HOLD for the gate (an upward anomaly) only',
  usdt: ({ decision }) => {
    const delta = decision.priceCompare?.deltaRel ?? 0
    return decision.decision === 0 &&
      /^price mismatch liqwid \S+ vs minswap \S+ \(Δ \S+% > 1\.00%\)$/.test(decision.reason ?? '') &&
      delta > 0.015 &&
      delta < 0.025
      ? null
      : 'expected HOLD for the Minswap price ~2 % off only'
  },
}

function broken(label: string, assets: readonly AssetEvaluation[]): string[] {
  const problems: string[] = []
  for (const entry of assets) {
    const promise = PROMISES[entry.asset]
    const problem = promise === undefined ? `unexpected asset ${entry.asset}` : promise(entry)
    if (problem !== null)
      problems.push(
        `${label} ${entry.asset}: ${problem}, got decision=${entry.decision.decision} g=${entry.decision.gUsd} [${entry.decision.reason}]`,
      )
  }
  return problems
}

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`the demo's four states on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it(`holds at ${CREATIONS} creation instants over two days, at creation and six hours later`, async () => {
      const reader = new StoreReader(client)
      const writer = new StoreWriter(client)
      const prices = storePriceSources(SHIPPED, reader)
      const evaluateAt = async (now: number) => (await evaluate(SHIPPED, { reader, prices }, now)).assets
      const problems: string[] = []
      for (const created of creations) {
        const label = new Date(created).toISOString()
        await seedDemo(writer, { now: created, replace: true })
        const atCreation = await evaluateAt(created)
        expect(atCreation.map((entry) => entry.asset)).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
        problems.push(...broken(label, atCreation))
        await appendDemoSample(writer, created + LIFETIME_MS)
        problems.push(...broken(`${label} + 6 h`, await evaluateAt(created + LIFETIME_MS)))
      }
      expect(problems).toEqual([])
    }, 900_000)
  })
}
