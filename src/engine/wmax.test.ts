import { describe, expect, it } from 'bun:test'
import { ALIGNMENT_METHODS } from './settings.ts'
import { at, deposit, hourly, inUsd, randomInt, seededRandom, withdrawal } from './test-fixtures.ts'
import type { Series } from './types.ts'
import { sparseWalletSamples, WALLET_SAMPLES_NEEDED, walletCapacity, walletFinalGain, wmaxFromGain } from './wmax.ts'

const options = { safetyFactor: 0.5, alignment: 'none' as const }

describe('W_max', () => {
  it('is c · max(0, G) and 0 for a NaN gain', () => {
    expect(wmaxFromGain(10, 0.5)).toBe(5)
    expect(wmaxFromGain(-10, 0.5)).toBe(0)
    expect(wmaxFromGain(Number.NaN, 0.5)).toBe(0)
    expect(wmaxFromGain(10, 0)).toBe(0)
  })

  it('is never negative and scales linearly with c', () => {
    const random = seededRandom(3)
    for (let i = 0; i < 500; i++) {
      const gain = (random() - 0.5) * 2000
      const c = random()
      const wmax = wmaxFromGain(gain, c)
      expect(wmax).toBeGreaterThanOrEqual(0)
      expect(wmaxFromGain(gain, c / 2)).toBeCloseTo(wmax / 2, 12)
    }
  })
})

describe('walletCapacity', () => {
  const wallets = [
    { wallet: 'addr1_b', samples: hourly([500, 495, 490]) },
    { wallet: 'addr1_a', samples: hourly([1000, 1005, 1010]) },
    { wallet: 'addr1_c', samples: { ts: [], values: [] } },
  ]

  it('lists wallets with samples in ascending address order and sums W_max in that order', () => {
    const result = walletCapacity(wallets, [], options)
    expect(result.wallets.map((w) => w.wallet)).toEqual(['addr1_a', 'addr1_b'])
    expect(result.wallets.map((w) => w.gainUsd)).toEqual([10, -10])
    expect(result.wallets.map((w) => w.wmaxUsd)).toEqual([5, 0])
    expect(result.wallets.map((w) => w.vT1Usd)).toEqual([1010, 490])
    expect(result.totalWmaxUsd).toBe(5)
  })

  it('gives each wallet only its own transactions (exact address match)', () => {
    const txs = inUsd([deposit(1.5, 20, { wallet: 'addr1_b' }), deposit(1.5, 999, { wallet: 'addr1_unknown' })])
    const result = walletCapacity(wallets, txs, options)
    expect(result.wallets.map((w) => w.gainUsd)).toEqual([10, -30])
  })

  it('reports no wallets when none has samples', () => {
    expect(walletCapacity([], [], options)).toEqual({ wallets: [], totalWmaxUsd: 0 })
  })
})

describe('sparse wallet samples (the store contract)', () => {
  it('keeps the first two samples and the last one', () => {
    expect(WALLET_SAMPLES_NEEDED).toEqual({ first: 2, last: 1 })
    const sparse = sparseWalletSamples(hourly([1, 2, 3, 4, 5]))
    expect(sparse.ts).toEqual([at(0), at(1), at(4)])
    expect(sparse.values).toEqual([1, 2, 5])
    expect(sparseWalletSamples(hourly([1, 2]))).toEqual(hourly([1, 2]))
  })

  it('gives the same final gain as the full series for every alignment method', () => {
    const random = seededRandom(2024)
    for (let trial = 0; trial < 600; trial++) {
      const alignment = ALIGNMENT_METHODS[trial % ALIGNMENT_METHODS.length]!
      const n = randomInt(random, 1, 30)
      // irregular sampling, integer USD so every sum is exact in floating point
      const hours: number[] = []
      let t = 0
      for (let i = 0; i < n; i++) {
        t += 0.25 + random() * 2
        hours.push(Math.round(t * 60) / 60)
      }
      const full: Series = hourly(
        hours.map(() => randomInt(random, 100, 5000)),
        hours,
      )
      const txCount = randomInt(random, 0, 8)
      const txs = inUsd(
        Array.from({ length: txCount }, () => {
          // instants before, on, between and after the samples, sometimes exactly on one
          const onSample = random() < 0.3
          const when = onSample ? hours[randomInt(random, 0, n - 1)]! : Math.round((random() * (t + 3) - 1) * 60) / 60
          const amount = randomInt(random, 1, 300)
          return random() < 0.5 ? deposit(when, amount) : withdrawal(when, amount)
        }),
      )
      const fullGain = walletFinalGain(full, txs, { alignment })
      const sparseGain = walletFinalGain(sparseWalletSamples(full), txs, { alignment })
      expect({ alignment, trial, gain: sparseGain }).toEqual({ alignment, trial, gain: fullGain })
    }
  })
})
