/**
 * `evaluate` over a small in-memory reader: what the evaluation takes from which dependency.
 * (The golden cases run it on real stores: tests/golden.test.ts.)
 */
import { describe, expect, it } from 'bun:test'
import { captureLogs } from '../log.ts'
import type { LiqwidClient } from '../sources/liqwid.ts'
import { createPriceSources } from '../sources/prices.ts'
import { evaluate } from './evaluate.ts'
import { evaluationConfig, HOUR, memoryReader, NOW, pricesWith as pricesOf, SAMPLES, TAGGED, usdAt } from './test-fixtures.ts'

const config = evaluationConfig()
const reader = memoryReader()
const pricesWith = (liqwid: LiqwidClient | null) => pricesOf(config, liqwid)

describe('evaluate', () => {
  it("reports no price_t1 without a live API, even when the store's cached prices exist", async () => {
    const result = await evaluate(config, { reader, prices: pricesWith(null) }, NOW)
    const decision = result.assets[0]!.decision
    expect(decision.refMode).toBe('keyword')
    expect(decision.priceT1Usd).toBeNull()
    // the cached prices still feed the price comparison
    expect(decision.priceCompare?.pricesBySource).toEqual({ liqwid: 1, minswap: 1.02 })
  })

  it('takes price_t1 from the live Liqwid API', async () => {
    const live = { latestPriceUsd: async () => 1.001 } as unknown as LiqwidClient
    const result = await evaluate(config, { reader, prices: pricesWith(live) }, NOW)
    expect(result.assets[0]!.decision.priceT1Usd).toBe(1.001)
  })

  it("reports the configured range's last sample as v_t1 without a reference, however old", async () => {
    const stale = memoryReader([])
    const result = await evaluate(config, { reader: stale, prices: pricesWith(null) }, SAMPLES.at(-1)! + 30 * 24 * HOUR)
    const decision = result.assets[0]!.decision
    expect(decision.refMode).toBe('null')
    expect(decision.vT1Usd).toBe(usdAt(SAMPLES.at(-1)!))
  })

  it('is an ERROR with its v_ref when the tagged withdrawal is after now', async () => {
    const future = { ...TAGGED, ts: NOW + 2 * 24 * HOUR, createdAt: NOW + 2 * 24 * HOUR }
    const result = await evaluate(config, { reader: memoryReader([future]), prices: pricesWith(null) }, NOW)
    const decision = result.assets[0]!.decision
    expect(decision.decision).toBe(-1)
    expect(decision.refMode).toBe('keyword')
    expect(decision.t0).toBe(future.ts)
    expect(decision.vRefUsd).toBe(usdAt(SAMPLES.at(-1)!))
    expect(decision.reason).toContain('is after now')
  })
})

describe('evaluate: prices and state', () => {
  it('logs every price provider that failed, with its provider and outcome', async () => {
    const lines: string[] = []
    const restore = captureLogs((line) => lines.push(line))
    try {
      const prices = createPriceSources({
        sources: config.prices.sources,
        priorityByLogical: config.prices.priority_by_logical,
        greptime: {
          liqwid: async () => 1,
          minswap: async () => {
            throw new Error('relation minswap.minswap_prices_djed is gone')
          },
        },
      })
      const result = await evaluate(config, { reader, prices }, NOW)
      expect(result.assets[0]!.prices?.bySource.minswap).toBeNull()
    } finally {
      restore()
    }
    const failure = lines.find((line) => line.includes('msg="price provider failed"'))
    expect(failure).toContain('provider="greptime(minswap)"')
    expect(failure).toContain('outcome=error')
    expect(failure).toContain('minswap_prices_djed is gone')
  })

  it('carries the price-mismatch streak in its result, from the previous result', async () => {
    const strict = evaluationConfig(0.01)
    const deps = { reader, prices: pricesOf(strict) }
    const first = await evaluate(strict, deps, NOW)
    expect(first.assets[0]!.decision.priceCompare?.mismatch).toBe(true)
    expect(first.assets[0]!.mismatchStreak).toBe(1)
    const second = await evaluate(strict, deps, NOW, first)
    expect(second.assets[0]!.mismatchStreak).toBe(2)
    // without a previous result, the streak starts again
    expect((await evaluate(strict, deps, NOW)).assets[0]!.mismatchStreak).toBe(1)
  })
})
