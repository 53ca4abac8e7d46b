import { describe, expect, it } from 'bun:test'
import { type AssetDecision, type AssetInputs, applyPriceComparison, decideAsset, errorDecision } from './decision.ts'
import type { ReferenceResult } from './reference.ts'
import type { AssetSettings } from './settings.ts'
import { aggregateOf, assetSettings, at, deposit, gateSettings, hourly, T0, withdrawal } from './test-fixtures.ts'
import type { Series, Transaction } from './types.ts'

const NOW = at(1000)

interface Scenario {
  wallets?: Record<string, number[]>
  transactions?: Transaction[]
  settings?: Partial<AssetSettings>
  reference?: ReferenceResult
  price?: number
  extra?: Partial<AssetInputs>
}

/** Hourly samples from T0 for each wallet; the aggregate is their sum; keyword reference at T0. */
function scenario({ wallets = {}, transactions = [], settings = {}, reference, price = 1, extra = {} }: Scenario): AssetInputs {
  const perWallet = Object.entries(wallets).map(([wallet, values]) => ({ wallet, samples: hourly(values) }))
  const length = Math.max(0, ...Object.values(wallets).map((v) => v.length))
  const total: Series = hourly(Array.from({ length }, (_, i) => Object.values(wallets).reduce((sum, v) => sum + (v[i] ?? 0), 0)))
  const t0Withdrawal = withdrawal(0, 1, { notes: 'alert_driven' })
  return {
    asset: 'djed',
    now: NOW,
    settings: assetSettings(settings),
    reference: reference ?? { mode: 'keyword', t0: T0, vRefUsd: total.values[0] ?? 0, withdrawal: t0Withdrawal },
    series: aggregateOf(total, price),
    transactions,
    wallets: perWallet,
    ...extra,
  }
}

const growing = (start: number, step: number, n = 12) => Array.from({ length: n }, (_, i) => start + step * i)
/** growth with a jump on the last sample, to trigger the gate */
const spiking = (start: number, step: number, jump: number, n = 12) =>
  growing(start, step, n).map((v, i) => v + (i === n - 1 ? jump : [0.3, -0.4, 0.5, -0.2, 0.1][i % 5]!))

describe('decideAsset — keyword mode', () => {
  it('is WITHDRAW_OK with Σ c·G when the wallets gained', () => {
    const d = decideAsset(scenario({ wallets: { addr1_b: growing(500, 1), addr1_a: growing(1000, 2) } }))
    expect(d.decision).toBe(1)
    expect(d.reason).toBeNull()
    expect(d.wallets.map((w) => [w.wallet, w.wmaxUsd])).toEqual([
      ['addr1_a', 11],
      ['addr1_b', 5.5],
    ])
    expect(d.wmaxUsd).toBe(16.5)
    expect([d.refMode, d.t0, d.t1, d.vRefUsd, d.vT1Usd, d.gUsd]).toEqual(['keyword', T0, at(11), 1500, 1533, 33])
    expect(d.gate).toBeNull()
    expect(d.gateApplied).toBeNull()
  })

  it('holds with "non-positive gains since t0 (clamped)" when every wallet lost', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, -1) } }))
    expect([d.decision, d.reason, d.wmaxUsd]).toEqual([0, 'non-positive gains since t0 (clamped)', 0])
  })

  it('holds with "all wallets clamped to 0" when the asset gained but no wallet may withdraw', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) }, settings: { safety_factor: 0 } }))
    expect([d.decision, d.reason]).toEqual([0, 'all wallets clamped to 0'])
  })

  it('holds with "no wallets/data" when no wallet has samples', () => {
    const inputs = scenario({ wallets: { addr1_a: growing(1000, 1) } })
    const d = decideAsset({ ...inputs, wallets: [] })
    expect([d.decision, d.reason]).toEqual([0, 'no wallets/data'])
  })

  it('is an ERROR "no series in range" without samples since t0, keeping what it knows', () => {
    const d = decideAsset({ ...scenario({ wallets: {} }), series: null })
    expect(d.decision).toBe(-1)
    expect(d.error).toBe('no series in range (no position samples since 2025-03-01T00:00:00.000Z)')
    expect(d.reason).toBe(d.error)
    expect([d.refMode, d.t0]).toEqual(['keyword', T0])
  })

  it('is an ERROR naming the invalid transaction', () => {
    const bad = { ...deposit(2, 10), amount: 0 }
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) }, transactions: [bad] }))
    expect(d.decision).toBe(-1)
    expect(d.reason).toBe('invalid transaction: deposit of 0 at 2025-03-01T02:00:00.000Z (wallet addr1_wallet_a)')
  })

  it('converts transaction amounts to USD with the price at the transaction', () => {
    // the wallet deposits 100 tokens at a price of 2: the position grows by 200 USD
    const values = growing(1000, 1).map((v, i) => (i >= 6 ? v + 200 : v))
    const txs = [deposit(5.5, 100, { wallet: 'addr1_a' })]
    const d = decideAsset(scenario({ wallets: { addr1_a: values }, transactions: txs, price: 2 }))
    expect(d.gUsd).toBe(11)
    expect(d.wallets[0]!.gainUsd).toBe(11)
    expect(d.chart.transactions[0]!.amountUsd).toBe(200)
    expect(d.unpricedTransactions).toEqual([])
  })

  it('keeps raw amounts and reports the transactions when no price is known', () => {
    const txs = [deposit(5.5, 100, { wallet: 'addr1_a' })]
    const inputs = scenario({ wallets: { addr1_a: growing(1000, 1) }, transactions: txs })
    const d = decideAsset({ ...inputs, conversionPrices: null })
    expect(d.unpricedTransactions).toEqual(txs)
    expect(d.gUsd).toBe(11 - 100)
  })

  it('draws the corrected position G + v_ref on the position samples', () => {
    const txs = [deposit(2.5, 50, { wallet: 'addr1_a' })]
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1, 4) }, transactions: txs }))
    expect(d.chart.correctedPosition.ts).toEqual([at(0), at(1), at(2), at(3)])
    expect(d.chart.correctedPosition.values).toEqual([1000, 1001, 1002, 1003 - 50])
  })

  it('reports the decision-time price only in keyword mode', () => {
    const inputs = scenario({ wallets: { addr1_a: growing(1000, 1) }, extra: { priceT1Usd: 1.001 } })
    expect(decideAsset(inputs).priceT1Usd).toBe(1.001)
    expect(decideAsset({ ...inputs, reference: { mode: 'data_range', t0: T0 } }).priceT1Usd).toBeNull()
  })
})

describe('decideAsset — residual gate', () => {
  const gate = (overrides = {}) => ({ gate: gateSettings({ min_points: 10, ...overrides }) })

  it('holds when the residual exceeds k·σ even though W_max is positive (on_trigger hold)', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, 2, 15) }, settings: gate() }))
    expect(d.wmaxUsd).toBeGreaterThan(0)
    expect(d.decision).toBe(0)
    expect(d.reason).toMatch(/^residual gate triggered: the latest sample is .+ above the trend of .+ \(r=\d+\.\d\d > k·σ=\d+\.\d\d\)$/)
    expect(d.gateApplied).toBe(true)
    expect(d.gate!.series.x).toHaveLength(12)
  })

  it('keeps WITHDRAW_OK when the residual is inside the band', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, 2, 0.2) }, settings: gate() }))
    expect([d.decision, d.reason, d.gateApplied]).toEqual([1, null, true])
  })

  it('joins the reasons when both W_max and the gate hold', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, -2, 15) }, settings: gate() }))
    expect(d.reason).toMatch(/^non-positive gains since t0 \(clamped\); residual gate triggered: /)
  })

  it('withdraws on an upward spike even with W_max 0 in the predecessor mode (withdraw / upper)', () => {
    const settings = { ...gate({ on_trigger: 'withdraw', tail: 'upper' }), safety_factor: 0 }
    const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, 2, 15) }, settings }))
    expect([d.decision, d.reason, d.wmaxUsd]).toEqual([1, null, 0])
  })

  it('holds with the skip reason when the gate cannot run, in both modes', () => {
    for (const on_trigger of ['hold', 'withdraw'] as const) {
      const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, 2, 15) }, settings: gate({ min_points: 20, on_trigger }) }))
      expect([d.decision, d.reason, d.gateApplied]).toEqual([0, 'gate skipped: 12 points < min_points 20', false])
      expect(d.gate!.rNow).toBeNull()
    }
  })

  it('reads the price series for basis change_rate_usd, and says when there is none', () => {
    const wallets = { addr1_a: growing(1000, 2) }
    const prices = hourly([1, 1.001, 0.999, 1, 1.002, 0.998, 1, 1.001, 0.999, 1, 1.001, 1.05])
    const withPrices = decideAsset(scenario({ wallets, settings: gate({ basis: 'change_rate_usd' }), extra: { gatePrices: prices } }))
    expect(withPrices.gate!.series.y).toEqual(prices.values)
    expect(withPrices.decision).toBe(0)
    const without = decideAsset(scenario({ wallets, settings: gate({ basis: 'change_rate_usd' }), extra: { gatePrices: null } }))
    expect([without.decision, without.reason]).toEqual([0, 'gate skipped: no price series for basis change_rate_usd'])
    const fromAggregate = decideAsset(scenario({ wallets, price: 1, settings: gate({ basis: 'change_rate_usd' }) }))
    expect(fromAggregate.gate!.series.y.every((p) => p === 1)).toBe(true)
  })
})

describe('decideAsset — fallback modes', () => {
  const dataRange: ReferenceResult = { mode: 'data_range', t0: at(-2) }

  it('data_range: t0 is the range start, v_ref the first sample, no gate unless apply_in_fallback', () => {
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) }, reference: dataRange, settings: { gate: gateSettings() } }))
    expect([d.decision, d.refMode, d.t0, d.vRefUsd, d.gate, d.gateApplied]).toEqual([1, 'data_range', at(-2), 1000, null, null])
  })

  it('data_range with apply_in_fallback runs the fallback gate (polynomial, whatever the method)', () => {
    const settings = { gate: gateSettings({ apply_in_fallback: true, method: 'median', min_points: 10 }) }
    const d = decideAsset(scenario({ wallets: { addr1_a: spiking(1000, 2, 15) }, reference: dataRange, settings }))
    expect(d.gateApplied).toBe(true)
    expect(d.gate!.method).toBe('polynomial_fit')
    expect(d.decision).toBe(0)
  })

  it('data_range without samples holds with g = 0', () => {
    const d = decideAsset({ ...scenario({ reference: dataRange }), series: null })
    expect([d.decision, d.gUsd, d.reason]).toEqual([0, 0, 'no position samples since the data range start 2025-02-28T22:00:00.000Z'])
  })

  it('null: HOLD with the reference reason, g = 0, the latest sample as v_t1', () => {
    const reason = "no reference withdrawal tagged 'alert_driven' (fallback: null)"
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) }, reference: { mode: 'null', reason } }))
    expect([d.decision, d.reason, d.refMode, d.gUsd, d.vT1Usd, d.t0, d.wallets]).toEqual([0, reason, 'null', 0, 1011, null, []])
  })

  it('error: ERROR with the reason, keeping ref mode, t0 and v_ref', () => {
    const reference: ReferenceResult = {
      mode: 'error',
      refMode: 'keyword',
      t0: at(1200),
      vRefUsd: 1000,
      reason: 'reference withdrawal at … is after now',
    }
    const d = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) }, reference }))
    expect([d.decision, d.error, d.refMode, d.t0, d.vRefUsd]).toEqual([-1, reference.reason, 'keyword', at(1200), 1000])
  })
})

describe('applyPriceComparison', () => {
  const compare = assetSettings({ price_compare: { ...assetSettings().price_compare, enabled: true } }).price_compare
  const ok = decideAsset(scenario({ wallets: { addr1_a: growing(1000, 1) } }))
  const mismatched = { liqwid: 1.0, minswap: 1.02 }

  it('lowers WITHDRAW_OK to HOLD with the mismatch as the reason', () => {
    const { decision, mismatchStreak } = applyPriceComparison(ok, mismatched, compare, 0)
    expect([decision.decision, decision.reason, mismatchStreak]).toEqual([0, 'price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)', 1])
    expect(decision.priceCompare!.mismatch).toBe(true)
  })

  it('never raises a HOLD, and appends the mismatch to its reason', () => {
    const hold = decideAsset(scenario({ wallets: { addr1_a: growing(1000, -1) } }))
    const { decision } = applyPriceComparison(hold, mismatched, compare, 0)
    expect(decision.decision).toBe(0)
    expect(decision.reason).toBe('non-positive gains since t0 (clamped); price mismatch liqwid 1.0000 vs minswap 1.0200 (Δ 1.96% > 1.00%)')
    expect(applyPriceComparison(hold, { liqwid: 1, minswap: 1 }, compare, 0).decision.decision).toBe(0)
  })

  it('skips ERROR decisions and disabled comparisons, leaving the streak alone', () => {
    const error = errorDecision('djed', 'no series in range')
    expect(applyPriceComparison(error, mismatched, compare, 4)).toEqual({ decision: error, mismatchStreak: 4 })
    expect(applyPriceComparison(ok, mismatched, { ...compare, enabled: false }, 4)).toEqual({ decision: ok, mismatchStreak: 4 })
  })

  it('holds from the second consecutive mismatch with persistence 2, across evaluations', () => {
    const twice = { ...compare, persistence_threshold: 2 }
    let streak = 0
    const runs: AssetDecision[] = []
    for (let run = 0; run < 2; run++) {
      const result = applyPriceComparison(ok, mismatched, twice, streak)
      streak = result.mismatchStreak
      runs.push(result.decision)
    }
    expect(runs.map((d) => [d.decision, d.priceCompare!.mismatch])).toEqual([
      [1, true],
      [0, true],
    ])
  })

  it('only flags with flag_only', () => {
    const { decision } = applyPriceComparison(ok, mismatched, { ...compare, action_on_mismatch: 'flag_only' }, 0)
    expect([decision.decision, decision.priceCompare!.mismatch]).toEqual([1, true])
  })
})
