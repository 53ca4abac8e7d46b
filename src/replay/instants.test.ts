import { describe, expect, it } from 'bun:test'
import { decideAsset } from '../engine/decision.ts'
import { resolveReference } from '../engine/reference.ts'
import { aggregateOf, assetSettings, at, gateSettings, hourly, seededRandom, withdrawal } from '../engine/test-fixtures.ts'
import { type AssetHistory, countUpTo, decideAtEachInstant, inputsAsOf } from './instants.ts'

const KEYWORD = 'alert_driven'

/** 60 hourly samples of two wallets, a tagged withdrawal at hour 5 and another at hour 40. */
function history(values: (i: number) => number = (i) => 1000 + i): AssetHistory {
  const a = hourly(Array.from({ length: 60 }, (_, i) => values(i)))
  const b = hourly(Array.from({ length: 60 }, (_, i) => 500 + i / 2))
  const aggregate = hourly(a.values.map((v, i) => v + (b.values[i] as number)))
  return {
    asset: 'djed',
    settings: assetSettings({ gate: gateSettings({ min_points: 5, holdout: 2, sigma: 'mad', k_sigma: 4 }) }),
    series: aggregateOf(aggregate),
    transactions: [withdrawal(5, 10, { wallet: 'addr1_a', notes: KEYWORD }), withdrawal(40, 10, { wallet: 'addr1_b', notes: `${KEYWORD} #2` })],
    wallets: [
      { wallet: 'addr1_a', samples: a },
      { wallet: 'addr1_b', samples: b },
    ],
    dataRangeStart: null,
  }
}

describe('inputsAsOf', () => {
  it('sees only rows up to the instant, and the reference withdrawal as of then', () => {
    const inputs = inputsAsOf(history(), at(30))
    expect(inputs.reference).toMatchObject({ mode: 'keyword', t0: at(5) })
    expect(inputs.series!.ts.at(0)).toBe(at(5))
    expect(inputs.series!.ts.at(-1)).toBe(at(30))
    expect(inputs.transactions.map((tx) => tx.ts)).toEqual([at(5)])
    // the wallets' samples as the store returns them: first two and last in [t0, now]
    expect(inputs.wallets[0]!.samples.ts).toEqual([at(5), at(6), at(30)])
    expect(inputsAsOf(history(), at(45)).reference).toMatchObject({ mode: 'keyword', t0: at(40) })
  })

  it('has no reference before the first tagged withdrawal (null mode holds)', () => {
    const [decision] = decideAtEachInstant(history(), [at(3)])
    expect(decision!.refMode).toBe('null')
    expect(decision!.decision).toBe(0)
  })

  it('gives the decision a live evaluation at that instant makes from the same rows', () => {
    const full = history()
    const now = at(30)
    const upToNow = (ts: number) => ts >= at(5) && ts <= now
    const series = aggregateOf(
      hourly(
        full.series.usd.slice(5, 31),
        [...Array(26).keys()].map((i) => i + 5),
      ),
    )
    const live = decideAsset({
      asset: 'djed',
      now,
      settings: full.settings,
      reference: resolveReference({
        tagged: full.transactions[0]!,
        samplesAroundT0: { ts: full.series.ts, values: full.series.usd },
        settings: full.settings.reference,
        dataRangeStart: null,
        now,
      }),
      series,
      transactions: full.transactions.filter((tx) => upToNow(tx.ts)),
      wallets: full.wallets.map(({ wallet, samples }) => ({
        wallet,
        samples: { ts: samples.ts.filter(upToNow), values: samples.values.filter((_, i) => upToNow(samples.ts[i]!)) },
      })),
    })
    expect(decideAtEachInstant(full, [now])[0]).toEqual(live)
  })
})

describe('no look-ahead', () => {
  it('rows appended after an instant never change its decision', () => {
    const random = seededRandom(18)
    const noisy = history((i) => 1000 + i + (random() - 0.5) * 4 + (i === 50 ? 80 : 0))
    const instants = [10, 20, 30, 39, 41, 49, 50, 55].map(at)
    const everything = decideAtEachInstant(noisy, instants)
    for (const [k, instant] of instants.entries()) {
      const cut = (ts: readonly number[]) => countUpTo(ts, instant)
      const truncated: AssetHistory = {
        ...noisy,
        series: {
          ts: noisy.series.ts.slice(0, cut(noisy.series.ts)),
          usd: noisy.series.usd.slice(0, cut(noisy.series.ts)),
          price: noisy.series.price.slice(0, cut(noisy.series.ts)),
        },
        transactions: noisy.transactions.filter((tx) => tx.ts <= instant),
        wallets: noisy.wallets.map(({ wallet, samples }) => ({
          wallet,
          samples: { ts: samples.ts.slice(0, cut(samples.ts)), values: samples.values.slice(0, cut(samples.ts)) },
        })),
      }
      expect(decideAtEachInstant(truncated, [instant])[0]).toEqual(everything[k]!)
    }
    // and the jump at hour 50 is caught when it is the newest sample
    expect(everything[6]!.gate?.triggered).toBe(1)
  })
})
